import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type DeliveryAttempt, DeliveryLog } from '../application/delivery-log.port.js';

/** Bumped when the layout changes, so an older file is recognised rather than misread. */
const SCHEMA_VERSION = 1;
/** Attempts kept per webhook; older ones are pruned as new ones are logged. */
export const ATTEMPTS_KEPT = 1_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS delivery_attempts (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id       TEXT    NOT NULL,
  event_id         TEXT    NOT NULL,
  event_type       TEXT    NOT NULL,
  account_id       TEXT,
  position         TEXT    NOT NULL,
  attempt          INTEGER NOT NULL,
  attempted_at     TEXT    NOT NULL,
  duration_ms      INTEGER NOT NULL,
  status_code      INTEGER,
  outcome          TEXT    NOT NULL,
  error            TEXT,
  response_excerpt TEXT,
  next_attempt_at  TEXT
);
CREATE INDEX IF NOT EXISTS attempts_by_webhook ON delivery_attempts (webhook_id, id);
`;

interface AttemptRow {
  webhook_id: string;
  event_id: string;
  event_type: string;
  account_id: string | null;
  position: string;
  attempt: number;
  attempted_at: string;
  duration_ms: number;
  status_code: number | null;
  outcome: string;
  error: string | null;
  response_excerpt: string | null;
  next_attempt_at: string | null;
}

function attemptOf(row: AttemptRow): DeliveryAttempt {
  return {
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    accountId: row.account_id,
    position: row.position,
    attempt: row.attempt,
    attemptedAt: row.attempted_at,
    durationMs: row.duration_ms,
    statusCode: row.status_code,
    outcome: row.outcome as DeliveryAttempt['outcome'],
    error: row.error,
    responseExcerpt: row.response_excerpt,
    nextAttemptAt: row.next_attempt_at,
  };
}

/**
 * The attempts this replica made, in `<dataDir>/webhook-deliveries.sqlite`:
 * diagnostics that survive a restart of the replica, pruned per webhook.
 * Nothing here decides delivery; losing the file loses history, not events.
 */
export class SqliteDeliveryLog extends DeliveryLog {
  private readonly db: Database.Database;
  private readonly statements: {
    log: Database.Statement<[AttemptRow]>;
    prune: Database.Statement<[string, string, number]>;
    latest: Database.Statement<[string, number], AttemptRow>;
    forget: Database.Statement<[string]>;
  };
  private readonly recordTransaction: (attempt: DeliveryAttempt) => void;

  constructor(file: string) {
    super();
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version !== 0 && version !== SCHEMA_VERSION) {
      this.db.close();
      throw new Error(
        `${file} has delivery-log schema version ${version}; this build reads version ${SCHEMA_VERSION}`,
      );
    }
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.statements = {
      log: this.db.prepare(
        `INSERT INTO delivery_attempts (webhook_id, event_id, event_type, account_id, position,
           attempt, attempted_at, duration_ms, status_code, outcome, error, response_excerpt, next_attempt_at)
         VALUES (@webhook_id, @event_id, @event_type, @account_id, @position, @attempt,
           @attempted_at, @duration_ms, @status_code, @outcome, @error, @response_excerpt, @next_attempt_at)`,
      ),
      prune: this.db.prepare(
        `DELETE FROM delivery_attempts WHERE webhook_id = ? AND id <= (
           SELECT id FROM delivery_attempts WHERE webhook_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
      ),
      latest: this.db.prepare(
        'SELECT * FROM delivery_attempts WHERE webhook_id = ? ORDER BY id DESC LIMIT ?',
      ),
      forget: this.db.prepare('DELETE FROM delivery_attempts WHERE webhook_id = ?'),
    };
    this.recordTransaction = this.db.transaction((attempt: DeliveryAttempt) => {
      this.statements.log.run({
        webhook_id: attempt.webhookId,
        event_id: attempt.eventId,
        event_type: attempt.eventType,
        account_id: attempt.accountId,
        position: attempt.position,
        attempt: attempt.attempt,
        attempted_at: attempt.attemptedAt,
        duration_ms: attempt.durationMs,
        status_code: attempt.statusCode,
        outcome: attempt.outcome,
        error: attempt.error,
        response_excerpt: attempt.responseExcerpt,
        next_attempt_at: attempt.nextAttemptAt,
      });
      this.statements.prune.run(attempt.webhookId, attempt.webhookId, ATTEMPTS_KEPT);
    });
  }

  record(attempt: DeliveryAttempt): Promise<void> {
    return settle(() => this.recordTransaction(attempt));
  }

  latest(webhookId: string, limit: number): Promise<DeliveryAttempt[]> {
    return settle(() => this.statements.latest.all(webhookId, limit).map(attemptOf));
  }

  forget(webhookId: string): Promise<void> {
    return settle(() => void this.statements.forget.run(webhookId));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Runs a synchronous SQLite call as a promise, turning a throw into a rejection. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
