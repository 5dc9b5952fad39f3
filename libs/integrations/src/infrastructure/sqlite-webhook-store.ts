import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { EventFilter } from '../domain/event-filter.js';
import type { Webhook, WebhookStatus } from '../domain/webhook.js';
import {
  type AttemptEffect,
  type DeliveryAttempt,
  WebhookStore,
  type WebhookStatePatch,
} from '../application/webhook-store.port.js';

/** Bumped when the layout changes, so an older file is recognised rather than misread. */
const SCHEMA_VERSION = 1;
/** Attempts kept per webhook; older ones are pruned as new ones are logged. */
export const ATTEMPTS_KEPT = 1_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS webhooks (
  id                   TEXT    PRIMARY KEY,
  url                  TEXT    NOT NULL,
  description          TEXT,
  filter               TEXT    NOT NULL,
  secret               TEXT    NOT NULL,
  status               TEXT    NOT NULL,
  paused_reason        TEXT,
  cursor               TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  next_attempt_at      TEXT,
  delivered_count      INTEGER NOT NULL DEFAULT 0,
  created_at           TEXT    NOT NULL,
  created_by           TEXT    NOT NULL,
  updated_at           TEXT    NOT NULL
);
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

interface WebhookRow {
  id: string;
  url: string;
  description: string | null;
  filter: string;
  secret: string;
  status: string;
  paused_reason: string | null;
  cursor: string | null;
  consecutive_failures: number;
  next_attempt_at: string | null;
  delivered_count: number;
  created_at: string;
  created_by: string;
  updated_at: string;
}

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

function webhookOf(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    filter: JSON.parse(row.filter) as EventFilter,
    secret: row.secret,
    status: row.status as WebhookStatus,
    pausedReason: row.paused_reason,
    cursor: row.cursor,
    consecutiveFailures: row.consecutive_failures,
    nextAttemptAt: row.next_attempt_at,
    deliveredCount: row.delivered_count,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
  };
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
 * Webhooks and their delivery state in `<dataDir>/webhooks.sqlite`, apart
 * from the events: WAL with synchronous=FULL, so an acknowledged delivery is
 * on disk before the next event is sent, and a restart resumes after it.
 * Secrets are kept here and nowhere else — never in the event log, which is
 * immutable, replicated and exported.
 */
export class SqliteWebhookStore extends WebhookStore {
  private readonly db: Database.Database;
  private readonly statements: {
    insert: Database.Statement<[WebhookRow]>;
    all: Database.Statement<[], WebhookRow>;
    one: Database.Statement<[string], WebhookRow>;
    remove: Database.Statement<[string]>;
    removeAttempts: Database.Statement<[string]>;
    update: Database.Statement<
      [string | null, string | null, string, string | null, number, string, string]
    >;
    logAttempt: Database.Statement<[AttemptRow]>;
    prune: Database.Statement<[string, string, number]>;
    delivered: Database.Statement<[string, string, string]>;
    failed: Database.Statement<[number, string | null, string, string]>;
    paused: Database.Statement<[number, string, string, string]>;
    attempts: Database.Statement<[string, number], AttemptRow>;
  };
  private readonly recordTransaction: (attempt: DeliveryAttempt, effect: AttemptEffect) => void;

  constructor(file: string) {
    super();
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version !== 0 && version !== SCHEMA_VERSION) {
      this.db.close();
      throw new Error(
        `${file} has webhooks schema version ${version}; this build reads version ${SCHEMA_VERSION}`,
      );
    }
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.statements = {
      insert: this.db.prepare(
        `INSERT INTO webhooks (id, url, description, filter, secret, status, paused_reason, cursor,
           consecutive_failures, next_attempt_at, delivered_count, created_at, created_by, updated_at)
         VALUES (@id, @url, @description, @filter, @secret, @status, @paused_reason, @cursor,
           @consecutive_failures, @next_attempt_at, @delivered_count, @created_at, @created_by, @updated_at)`,
      ),
      all: this.db.prepare('SELECT * FROM webhooks ORDER BY created_at, id'),
      one: this.db.prepare('SELECT * FROM webhooks WHERE id = ?'),
      remove: this.db.prepare('DELETE FROM webhooks WHERE id = ?'),
      removeAttempts: this.db.prepare('DELETE FROM delivery_attempts WHERE webhook_id = ?'),
      update: this.db.prepare(
        `UPDATE webhooks SET paused_reason = ?, next_attempt_at = ?, status = ?,
           cursor = ?, consecutive_failures = ?, updated_at = ? WHERE id = ?`,
      ),
      logAttempt: this.db.prepare(
        `INSERT INTO delivery_attempts (webhook_id, event_id, event_type, account_id, position,
           attempt, attempted_at, duration_ms, status_code, outcome, error, response_excerpt, next_attempt_at)
         VALUES (@webhook_id, @event_id, @event_type, @account_id, @position, @attempt,
           @attempted_at, @duration_ms, @status_code, @outcome, @error, @response_excerpt, @next_attempt_at)`,
      ),
      prune: this.db.prepare(
        `DELETE FROM delivery_attempts WHERE webhook_id = ? AND id <= (
           SELECT id FROM delivery_attempts WHERE webhook_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
      ),
      delivered: this.db.prepare(
        `UPDATE webhooks SET cursor = ?, consecutive_failures = 0, next_attempt_at = NULL,
           delivered_count = delivered_count + 1, updated_at = ? WHERE id = ?`,
      ),
      failed: this.db.prepare(
        `UPDATE webhooks SET consecutive_failures = ?, next_attempt_at = ?, updated_at = ?
           WHERE id = ?`,
      ),
      paused: this.db.prepare(
        `UPDATE webhooks SET status = 'paused', consecutive_failures = ?, next_attempt_at = NULL,
           paused_reason = ?, updated_at = ? WHERE id = ?`,
      ),
      attempts: this.db.prepare(
        'SELECT * FROM delivery_attempts WHERE webhook_id = ? ORDER BY id DESC LIMIT ?',
      ),
    };
    this.recordTransaction = this.db.transaction(
      (attempt: DeliveryAttempt, effect: AttemptEffect) => {
        this.statements.logAttempt.run({
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
        const at = attempt.attemptedAt;
        switch (effect.kind) {
          case 'delivered':
            this.statements.delivered.run(attempt.position, at, attempt.webhookId);
            break;
          case 'retry':
            this.statements.failed.run(
              effect.failures,
              effect.nextAttemptAt,
              at,
              attempt.webhookId,
            );
            break;
          case 'pause':
            this.statements.paused.run(effect.failures, effect.reason, at, attempt.webhookId);
            break;
          case 'none':
            break;
        }
      },
    );
  }

  create(webhook: Webhook): Promise<void> {
    return settle(() => {
      this.statements.insert.run({
        id: webhook.id,
        url: webhook.url,
        description: webhook.description,
        filter: JSON.stringify(webhook.filter),
        secret: webhook.secret,
        status: webhook.status,
        paused_reason: webhook.pausedReason,
        cursor: webhook.cursor,
        consecutive_failures: webhook.consecutiveFailures,
        next_attempt_at: webhook.nextAttemptAt,
        delivered_count: webhook.deliveredCount,
        created_at: webhook.createdAt,
        created_by: webhook.createdBy,
        updated_at: webhook.updatedAt,
      });
    });
  }

  list(): Promise<Webhook[]> {
    return settle(() => this.statements.all.all().map(webhookOf));
  }

  get(id: string): Promise<Webhook | null> {
    return settle(() => {
      const row = this.statements.one.get(id);
      return row ? webhookOf(row) : null;
    });
  }

  remove(id: string): Promise<boolean> {
    return settle(() =>
      this.db.transaction(() => {
        this.statements.removeAttempts.run(id);
        return this.statements.remove.run(id).changes > 0;
      })(),
    );
  }

  update(id: string, patch: WebhookStatePatch, at: string): Promise<Webhook | null> {
    return settle(() => {
      const current = this.statements.one.get(id);
      if (!current) return null;
      this.statements.update.run(
        patch.pausedReason,
        patch.nextAttemptAt,
        patch.status,
        patch.cursor === undefined ? current.cursor : patch.cursor,
        patch.consecutiveFailures,
        at,
        id,
      );
      const row = this.statements.one.get(id);
      return row ? webhookOf(row) : null;
    });
  }

  recordAttempt(attempt: DeliveryAttempt, effect: AttemptEffect): Promise<void> {
    return settle(() => this.recordTransaction(attempt, effect));
  }

  attempts(webhookId: string, limit: number): Promise<DeliveryAttempt[]> {
    return settle(() => this.statements.attempts.all(webhookId, limit).map(attemptOf));
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
