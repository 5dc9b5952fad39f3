import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  type NewEvent,
  type Position,
  SqliteEventStore,
  sequencePosition,
} from '@onrecord/event-store';

/**
 * One side of the store comparison. Both sides get the same events, the same
 * expected-revision checks and the same durability (SQLite WAL with
 * synchronous=FULL: an append is fsynced before it resolves).
 */
export interface StoreUnderTest {
  /** Appends to a stream the caller knows holds `length` events (0: a new stream). */
  append(streamId: string, events: readonly NewEvent[], length: number): Promise<void>;
  /** Reads a whole stream; returns how many events it read. */
  readStream(streamId: string): Promise<number>;
  /** Reads every event from the first, `page` at a time; returns how many it read. */
  readAll(page: number): Promise<number>;
  /** What the side was configured with, for the report. */
  describe(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** A recorded promise as OnRecord stores it: realistic size and shape (about 700 bytes). */
export function benchEvent(accountId: string): NewEvent {
  return {
    id: randomUUID(),
    type: 'PromiseMade',
    data: {
      accountId,
      promiseId: randomUUID(),
      category: 'delivery',
      text: 'The replacement parts ship by Friday and we cover the expedite cost',
      dueDate: '2026-11-27',
      scope: { kind: 'order', id: 'O-7731' },
      policyVersion: 3,
    },
    metadata: {
      occurredAt: '2026-11-20T14:05:00.000Z',
      actor: { id: 'sam-sales', role: 'sales' },
      channel: 'phone',
      counterparty: { contactId: 'pat-buyer', name: 'Pat Buyer' },
      correlationId: randomUUID(),
    },
  };
}

export class OnRecordSide implements StoreUnderTest {
  private readonly store: SqliteEventStore;

  constructor(dir: string) {
    this.store = new SqliteEventStore({ file: join(dir, 'onrecord.sqlite') });
  }

  async append(streamId: string, events: readonly NewEvent[], length: number): Promise<void> {
    await this.store.appendToStream(streamId, events, {
      expectedRevision: length === 0 ? 'no_stream' : length - 1,
    });
  }

  async readStream(streamId: string): Promise<number> {
    return (await this.store.readStream(streamId)).length;
  }

  async readAll(page: number): Promise<number> {
    let count = 0;
    let from: Position | 'start' = 'start';
    for (;;) {
      const events = await this.store.readAll({ fromPosition: from, maxCount: page });
      count += events.length;
      if (events.length < page) return count;
      // fromPosition is inclusive (EventStoreDB's semantics): start after the last one.
      from = sequencePosition(events[events.length - 1]!.position.commit + 1n);
    }
  }

  describe(): Promise<Record<string, string>> {
    return Promise.resolve({
      adapter: 'SqliteEventStore (better-sqlite3)',
      durability: 'WAL, synchronous=FULL, group commit',
    });
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

// ---------------------------------------------------------------- the peer

/**
 * The slice of @event-driven-io/emmett-sqlite's public API the bench uses.
 * Declared here rather than imported so the project type-checks without
 * bench/node_modules (CI never installs the peer).
 */
interface EmmettConnection {
  command(sql: string, params?: unknown[]): Promise<unknown>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): void;
}
interface EmmettEventStore {
  appendToStream(
    streamName: string,
    events: ReadonlyArray<{ type: string; data: unknown; metadata: unknown }>,
    options?: { expectedStreamVersion?: bigint },
  ): Promise<unknown>;
  readStream(streamName: string): Promise<{ events: unknown[] }>;
  schema: { migrate(): Promise<void> };
}
interface EmmettSqliteModule {
  getSQLiteEventStore(options: {
    fileName: string;
    schema?: { autoMigration?: 'CreateOrUpdate' | 'None' };
    connectionOptions?: { singleton: true; connection: EmmettConnection };
  }): EmmettEventStore;
  sqliteConnection(options: { fileName: string }): EmmettConnection;
  readMessagesBatch(
    connection: EmmettConnection,
    options: { after: bigint; batchSize: number },
  ): Promise<{ messages: unknown[]; currentGlobalPosition: bigint; areEventsLeft: boolean }>;
}

/** Only from bench/node_modules, installed by `npm run bench` (never by the project's `npm ci`). */
const EMMETT_SQLITE = '@event-driven-io/emmett-sqlite';

/**
 * Emmett's SQLite event store, through its public API, at its fastest
 * configuration that is still correct:
 *
 * - One connection, handed to Emmett as its singleton. Its default pool opens
 *   a connection per operation: measured here at a third of the singleton's
 *   rate for sequential appends, and concurrent appends through it fail with
 *   SQLITE_BUSY after the 1 s busy timeout ("cannot rollback - no transaction
 *   is active" from 10 writers on).
 * - WAL set on that connection before use, the same durability as OnRecord
 *   (Emmett asks for WAL itself, but on the singleton the request races its
 *   schema migration and the file stays in rollback-journal mode).
 * - Appends serialized by a lock. Emmett's transaction nesting counter lives
 *   on the connection, so two appends in flight on one connection would share
 *   one transaction and one could commit the other's half-done work.
 * - "Read all" through readMessagesBatch, the exported batch reader its
 *   consumers use, with the same page size as OnRecord; its consumer API
 *   polls with sleeps between batches and would measure the sleeps.
 */
export class EmmettSide implements StoreUnderTest {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly emmett: EmmettSqliteModule,
    private readonly connection: EmmettConnection,
    private readonly store: EmmettEventStore,
  ) {}

  static async open(dir: string): Promise<EmmettSide> {
    const emmett = (await import(EMMETT_SQLITE)) as EmmettSqliteModule;
    const fileName = join(dir, 'emmett.sqlite');
    const connection = emmett.sqliteConnection({ fileName });
    await connection.command('PRAGMA journal_mode = WAL');
    await connection.command('PRAGMA synchronous = FULL');
    const store = emmett.getSQLiteEventStore({
      fileName,
      schema: { autoMigration: 'CreateOrUpdate' },
      connectionOptions: { singleton: true, connection },
    });
    await store.schema.migrate();
    return new EmmettSide(emmett, connection, store);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  append(streamId: string, events: readonly NewEvent[], length: number): Promise<void> {
    const messages = events.map((event) => ({
      type: event.type,
      data: event.data,
      // Emmett takes the message id from metadata.messageId: the same id OnRecord stores.
      metadata: { ...event.metadata, messageId: event.id },
    }));
    return this.serialized(async () => {
      await this.store.appendToStream(streamId, messages, {
        expectedStreamVersion: BigInt(length),
      });
    });
  }

  async readStream(streamId: string): Promise<number> {
    return (await this.store.readStream(streamId)).events.length;
  }

  async readAll(page: number): Promise<number> {
    let count = 0;
    let after = 0n;
    for (;;) {
      const batch = await this.emmett.readMessagesBatch(this.connection, {
        after,
        batchSize: page,
      });
      count += batch.messages.length;
      if (!batch.areEventsLeft) return count;
      after = batch.currentGlobalPosition;
    }
  }

  async describe(): Promise<Record<string, string>> {
    const [journal] = await this.connection.query<{ journal_mode: string }>('PRAGMA journal_mode');
    const [sync] = await this.connection.query<{ synchronous: number }>('PRAGMA synchronous');
    return {
      adapter: 'getSQLiteEventStore (sqlite3), one singleton connection, appends serialized',
      durability: `${journal?.journal_mode ?? '?'}, synchronous=${sync?.synchronous === 2 ? 'FULL' : String(sync?.synchronous)}`,
    };
  }

  close(): Promise<void> {
    this.connection.close();
    return Promise.resolve();
  }
}
