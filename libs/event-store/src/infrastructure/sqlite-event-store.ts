import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type Clock, SystemClock, type JsonObject } from '@onrecord/kernel';
import {
  type AppendResult,
  type EventMetadata,
  type NewEvent,
  type Position,
  type StoredEvent,
  sequencePosition,
} from '../domain/envelope.js';
import {
  type PreparedEvent,
  type StreamHead,
  chainEvents,
  checkExpectedRevision,
  replayedAppend,
  validateExpectedRevision,
  validateNewEvents,
} from '../domain/append-rules.js';
import {
  CorruptEventError,
  InvalidEventError,
  StoreClosedError,
} from '../domain/event-store-errors.js';
import {
  type AllFilter,
  type AppendOptions,
  EventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoreHealth,
  type SubscribeToAllOptions,
  type SubscribeToStreamOptions,
  type Subscription,
} from '../event-store.port.js';
import { CatchUpSubscription, CommitSignal } from './catch-up-subscription.js';
import { matchesFilter, settle } from './read-helpers.js';
import { type RecentPage, RecentEvents } from './recent-events.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/** Largest number of appends committed in one transaction (one fsync). */
const MAX_GROUP = 512;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY,
  id             TEXT    NOT NULL UNIQUE,
  stream_id      TEXT    NOT NULL,
  revision       INTEGER NOT NULL,
  type           TEXT    NOT NULL,
  schema_version INTEGER NOT NULL,
  data           TEXT    NOT NULL,
  metadata       TEXT    NOT NULL,
  recorded_at    TEXT    NOT NULL,
  prev_hash      TEXT    NOT NULL,
  hash           TEXT    NOT NULL,
  UNIQUE (stream_id, revision)
);
CREATE INDEX IF NOT EXISTS events_by_type ON events (type, position);
CREATE TABLE IF NOT EXISTS streams (
  stream_id TEXT PRIMARY KEY,
  revision  INTEGER NOT NULL,
  hash      TEXT    NOT NULL
) WITHOUT ROWID;
`;

/**
 * The columns every read selects, in this order. Reads fetch rows as arrays
 * (better-sqlite3's raw mode) rather than objects: materialising an 11-key
 * object per row and then copying it into the envelope was a fifth of the
 * cost of reading a long stream.
 */
const EVENT_COLUMNS =
  'position, id, stream_id, revision, type, schema_version, data, metadata, recorded_at, prev_hash, hash';

type EventRow = [
  position: number,
  id: string,
  streamId: string,
  revision: number,
  type: string,
  schemaVersion: number,
  data: string,
  metadata: string,
  recordedAt: string,
  prevHash: string,
  hash: string,
];

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly prepared: readonly PreparedEvent[];
  readonly expected: NonNullable<AppendOptions['expectedRevision']>;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

export interface SqliteEventStoreOptions {
  /** Path of the database file; its folder is created when missing. */
  readonly file: string;
  readonly clock?: Clock;
}

/**
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so an
 * append is on disk (fsynced) before its promise resolves.
 *
 * Group commit: appends arriving in the same turn of the event loop are judged
 * one by one (each keeps its own expected-revision check and its own outcome)
 * and committed in one transaction, paying one fsync for the group instead of
 * one per append.
 */
export class SqliteEventStore extends EventStore {
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly signal = new CommitSignal();
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private drained: Promise<void> = Promise.resolve();
  private markDrained: () => void = () => undefined;
  private closed = false;
  /** Null for ':memory:', which no second connection can open. */
  private readonly checkpointer: WalCheckpointer | null;
  /** Read statements by SQL text: preparing one per page was measurable on small pages. */
  private readonly readStatements = new Map<
    string,
    Database.Statement<Array<string | number>, EventRow>
  >();

  private readonly statements: {
    head: Database.Statement<[string], { revision: number; hash: string }>;
    byId: Database.Statement<[string], EventRow>;
    insert: Database.Statement<
      [string, string, number, string, number, string, string, string, string, string]
    >;
    setHead: Database.Statement<[string, number, string]>;
    lastRevision: Database.Statement<[string], { revision: number }>;
    lastPosition: Database.Statement<[], { position: number | null }>;
  };

  constructor(options: SqliteEventStoreOptions) {
    super();
    this.clock = options.clock ?? new SystemClock();
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.checkpointer =
      options.file === ':memory:' ? null : new WalCheckpointer(this.db, options.file);
    this.statements = {
      head: this.db.prepare('SELECT revision, hash FROM streams WHERE stream_id = ?'),
      byId: this.db
        .prepare<[string], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`)
        .raw(true),
      insert: this.db.prepare(
        `INSERT INTO events (id, stream_id, revision, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      setHead: this.db.prepare(
        `INSERT INTO streams (stream_id, revision, hash) VALUES (?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, hash = excluded.hash`,
      ),
      lastRevision: this.db.prepare('SELECT revision FROM streams WHERE stream_id = ?'),
      lastPosition: this.db.prepare('SELECT MAX(position) AS position FROM events'),
    };
  }

  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    const expected = options.expectedRevision ?? 'any';
    const revisionProblems = validateExpectedRevision(expected);
    if (revisionProblems.length > 0) return Promise.reject(new InvalidEventError(revisionProblems));
    let prepared: PreparedEvent[];
    try {
      prepared = validateNewEvents(streamId, events);
    } catch (error) {
      return settle(() => {
        throw error;
      });
    }
    return new Promise<AppendResult>((resolve, reject) => {
      if (this.queue.length === 0 && !this.flushScheduled) {
        this.drained = new Promise((done) => (this.markDrained = done));
      }
      this.queue.push({ streamId, events, prepared, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const group = this.queue.splice(0, MAX_GROUP);
    const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
    const recordedAt = this.clock.now().toISOString();
    const heads = new Map<string, StreamHead | null>();
    const written = new Map<string, StoredEvent>();
    const sizes = new Map<StoredEvent, number>();
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const pending of group) {
        try {
          outcomes.push({
            ok: true,
            result: this.applyInGroup(pending, recordedAt, heads, written, sizes),
          });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      this.db.exec('COMMIT');
      this.checkpointer?.committed();
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const pending of group) pending.reject(error);
      this.afterFlush();
      return;
    }
    group.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    });
    if (written.size > 0) this.published(written.values(), (event) => sizes.get(event) ?? 0);
    this.afterFlush();
  }

  private afterFlush(): void {
    if (this.queue.length > 0) {
      setImmediate(() => this.flush());
    } else {
      this.flushScheduled = false;
      this.markDrained();
    }
  }

  /**
   * Judges one append against the store plus what earlier appends of the same
   * group wrote. Every check runs before the first insert, so a refused append
   * writes nothing and leaves its neighbours alone.
   */
  private applyInGroup(
    pending: PendingAppend,
    recordedAt: string,
    heads: Map<string, StreamHead | null>,
    written: Map<string, StoredEvent>,
    sizes: Map<StoredEvent, number>,
  ): AppendResult {
    const { streamId, events, prepared, expected } = pending;
    const known = new Map<string, StoredEvent>();
    for (const event of events) {
      const id = event.id.toLowerCase();
      const stored = written.get(id) ?? this.readById(id);
      if (stored) known.set(id, stored);
    }
    const replayed = replayedAppend(streamId, events, known);
    if (replayed) return replayed;

    let head = heads.get(streamId);
    if (head === undefined) head = this.statements.head.get(streamId) ?? null;
    checkExpectedRevision(streamId, expected, head);

    const chained = chainEvents(streamId, prepared, head, recordedAt, () => sequencePosition(0));
    const stored = chained.map((event, i) => {
      const data = JSON.stringify(event.data);
      const { metadataJson } = prepared[i]!;
      const info = this.statements.insert.run(
        event.id,
        streamId,
        event.revision,
        event.type,
        event.schemaVersion,
        data,
        metadataJson,
        recordedAt,
        event.prevHash,
        event.hash,
      );
      const withPosition: StoredEvent = {
        ...event,
        position: sequencePosition(info.lastInsertRowid),
      };
      written.set(event.id, withPosition);
      sizes.set(withPosition, data.length + metadataJson.length);
      return withPosition;
    });
    const tail = stored[stored.length - 1]!;
    this.statements.setHead.run(streamId, tail.revision, tail.hash);
    heads.set(streamId, { revision: tail.revision, hash: tail.hash });
    return {
      streamId,
      nextExpectedRevision: tail.revision,
      position: tail.position,
      events: stored,
    };
  }

  private readById(id: string): StoredEvent | null {
    const row = this.statements.byId.get(id);
    return row ? toStoredEvent(row) : null;
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return settle(() => this.readStreamSync(streamId, options));
  }

  private readStreamSync(streamId: string, options: ReadStreamOptions): StoredEvent[] {
    const direction = options.direction ?? 'forwards';
    const max = options.maxCount ?? -1;
    if (direction === 'forwards') {
      const from = options.fromRevision ?? 'start';
      if (from === 'end') return [];
      return this.streamPage('forwards', streamId, from === 'start' ? 0 : from, max);
    }
    const from = options.fromRevision ?? 'end';
    if (from === 'start') return [];
    const start =
      from === 'end' ? (this.statements.lastRevision.get(streamId)?.revision ?? -1) : from;
    return this.streamPage('backwards', streamId, start, max);
  }

  private streamPage(
    direction: 'forwards' | 'backwards',
    streamId: string,
    from: number,
    max: number,
  ): StoredEvent[] {
    const [comparison, order] = direction === 'forwards' ? ['>=', 'ASC'] : ['<=', 'DESC'];
    const sql = `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision ${comparison} ? ORDER BY revision ${order}`;
    return this.select(sql, [streamId, from], max).map(toStoredEvent);
  }

  /**
   * Runs a cached read statement with its LIMIT. A whole number is written
   * into the SQL rather than bound: with `LIMIT ?` a read of a stream that
   * found nothing took 12 µs, with the number in the SQL 4 µs (measured on a
   * benchmark's events table), and every command reads the policy stream
   * forward from its cache, usually finding nothing.
   */
  private select(sql: string, params: Array<string | number>, max: number): EventRow[] {
    const literal = Number.isSafeInteger(max);
    const text = literal ? `${sql} LIMIT ${max}` : `${sql} LIMIT ?`;
    let statement = this.readStatements.get(text);
    if (!statement) {
      statement = this.db.prepare<Array<string | number>, EventRow>(text).raw(true);
      // A few shapes in practice (direction × filter sizes × page sizes); the bound only guards against a caller with endless distinct ones.
      if (this.readStatements.size < 128) this.readStatements.set(text, statement);
    }
    return literal ? statement.all(...params) : statement.all(...params, max);
  }

  readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return settle(() => this.readAllSync(options));
  }

  private readAllSync(options: ReadAllOptions): StoredEvent[] {
    const direction = options.direction ?? 'forwards';
    const from = options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end');
    const max = options.maxCount ?? 1000;
    if (
      (direction === 'forwards' && from === 'end') ||
      (direction === 'backwards' && from === 'start')
    )
      return [];
    const bound =
      from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : Number(from.commit);
    return this.selectAll(
      direction === 'forwards' ? '>=' : '<=',
      bound,
      direction,
      max,
      options.filter,
    );
  }

  private selectAll(
    comparison: '>' | '>=' | '<=',
    bound: number,
    direction: 'forwards' | 'backwards',
    max: number,
    filter: AllFilter | undefined,
  ): StoredEvent[] {
    const where = [`position ${comparison} ?`];
    const params: Array<string | number> = [bound];
    const prefixes = filter?.streamPrefixes ?? [];
    if (prefixes.length > 0) {
      where.push(`(${prefixes.map(() => 'substr(stream_id, 1, ?) = ?').join(' OR ')})`);
      for (const prefix of prefixes) params.push(prefix.length, prefix);
    }
    const types = filter?.eventTypes ?? [];
    if (types.length > 0) {
      where.push(`type IN (${types.map(() => '?').join(', ')})`);
      params.push(...types);
    }
    const order = direction === 'forwards' ? 'ASC' : 'DESC';
    const sql = `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY position ${order}`;
    return this.select(sql, params, max).map(toStoredEvent);
  }

  /**
   * The last committed events, shared by every live subscription: without
   * it each subscription read, parsed and filtered every new event from the
   * file itself, and a hundred live streams cost a hundred queries per commit.
   * The first read checks it against the file (see `recentAfter`).
   */
  private readonly recent = new RecentEvents(0);
  /** PRAGMA data_version when the window was last checked against the file; null before the first check. */
  private checkedVersion: number | null = null;
  private checkedThisTurn = false;
  private dataVersion: Database.Statement<[], number> | null = null;

  /** Called once a group's transaction has committed, with its events in position order. */
  private published(
    committed: Iterable<StoredEvent>,
    sizeOf: (event: StoredEvent) => number,
  ): void {
    this.recent.add(committed, sizeOf);
    this.signal.notify();
  }

  /**
   * Reads after `position` from the window of recent events, or null when it
   * cannot answer. Another connection (a second process, the CLI) may write
   * to the same file, and its events reach the window only as a gap before
   * this store's next commit; so, once per turn of the event loop, the window
   * is checked against the file: when anyone else committed since the last
   * check (PRAGMA data_version moved) and the file's head is not the
   * window's, the window restarts after that head.
   */
  private recentAfter(
    position: number,
    max: number,
    matches: (event: StoredEvent) => boolean,
  ): RecentPage | null {
    if (!this.checkedThisTurn) {
      this.checkedThisTurn = true;
      setImmediate(() => (this.checkedThisTurn = false));
      this.dataVersion ??= this.db.prepare<[], number>('PRAGMA data_version').pluck();
      const version = this.dataVersion.get()!;
      if (version !== this.checkedVersion) {
        this.checkedVersion = version;
        const head = this.statements.lastPosition.get()?.position ?? 0;
        if (head !== this.recent.last) this.recent.restartAfter(head);
      }
    }
    return this.recent.read(position, max, matches);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    const from = options.fromPosition ?? 'start';
    const filter = options.filter;
    const filtered =
      (filter?.streamPrefixes?.length ?? 0) > 0 || (filter?.eventTypes?.length ?? 0) > 0;
    const matches = (event: StoredEvent) => matchesFilter(event, filter);
    /**
     * How far a filtered subscription has looked, matching or not. Its cursor
     * only moves on the events it delivers, so without this every commit
     * would rescan everything written since its last match: a subscription
     * to rare events (actors, policies) cost O(events in the store) per
     * commit, and appends slowed down as the store grew.
     */
    let scanned = 0;
    return new CatchUpSubscription<Position>(
      {
        initialCursor: () =>
          Promise.resolve(
            from === 'start'
              ? undefined
              : from === 'end'
                ? sequencePosition(this.statements.lastPosition.get()?.position ?? 0)
                : from,
          ),
        readAfter: (cursor, max) =>
          settle(() => {
            const after = Math.max(cursor ? Number(cursor.commit) : 0, scanned);
            const recent = this.recentAfter(after, max, matches);
            if (recent) {
              scanned = recent.scannedTo;
              return recent.events;
            }
            if (!filtered) return this.selectAll('>', after, 'forwards', max, undefined);
            const { head, events } = this.withHead(() =>
              this.selectAll('>', after, 'forwards', max, filter),
            );
            scanned = scannedAfter(head, events, max);
            return events;
          }),
        cursorOf: (event) => event.position,
      },
      this.signal,
    );
  }

  /** One consistent snapshot: the head position and what `read` returns. */
  private withHead(read: () => StoredEvent[]): { head: number; events: StoredEvent[] } {
    return this.db.transaction(() => ({
      head: this.statements.lastPosition.get()?.position ?? 0,
      events: read(),
    }))();
  }

  subscribeToStream(streamId: string, options: SubscribeToStreamOptions = {}): Subscription {
    const from = options.fromRevision ?? 'start';
    const inStream = (event: StoredEvent) => event.streamId === streamId;
    /**
     * The position up to which every event of the stream has been delivered
     * (null until the first read): the cursor is a revision, and the window
     * of recent events is searched by position.
     */
    let scanned: number | null = null;
    return new CatchUpSubscription<number>(
      {
        initialCursor: () =>
          Promise.resolve(
            from === 'start'
              ? undefined
              : from === 'end'
                ? (this.statements.lastRevision.get(streamId)?.revision ?? -1)
                : from,
          ),
        readAfter: (cursor, max) =>
          settle(() => {
            const recent = scanned === null ? null : this.recentAfter(scanned, max, inStream);
            if (recent) {
              scanned = recent.scannedTo;
              return recent.events;
            }
            const { head, events } = this.withHead(() =>
              this.streamPage('forwards', streamId, (cursor ?? -1) + 1, max),
            );
            scanned = scannedAfter(head, events, max);
            return events;
          }),
        cursorOf: (event) => event.revision,
      },
      this.signal,
    );
  }

  health(): Promise<StoreHealth> {
    if (this.closed) return Promise.resolve({ ready: false, kind: 'sqlite', detail: 'closed' });
    try {
      this.db.prepare('SELECT 1').get();
      return Promise.resolve({ ready: true, kind: 'sqlite', detail: this.db.name });
    } catch (error) {
      return Promise.resolve({ ready: false, kind: 'sqlite', detail: (error as Error).message });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drained;
    await this.checkpointer?.stop();
    this.db.close();
  }
}

/** A short page saw every event up to the head of its snapshot; a full one, up to its last event. */
function scannedAfter(head: number, events: readonly StoredEvent[], max: number): number {
  return events.length < max ? head : Number(events[events.length - 1]!.position.commit);
}

function toStoredEvent(row: EventRow): StoredEvent {
  const [
    position,
    id,
    streamId,
    revision,
    type,
    schemaVersion,
    data,
    metadata,
    recordedAt,
    prevHash,
    hash,
  ] = row;
  let parsedData: JsonObject;
  let parsedMetadata: EventMetadata;
  try {
    parsedData = JSON.parse(data) as JsonObject;
    parsedMetadata = JSON.parse(metadata) as EventMetadata;
  } catch (error) {
    throw new CorruptEventError(streamId, revision, id, (error as Error).message);
  }
  return {
    id,
    type,
    schemaVersion,
    streamId,
    revision,
    position: sequencePosition(position),
    data: parsedData,
    metadata: parsedMetadata,
    recordedAt,
    prevHash,
    hash,
  };
}
