import {
  type AllStreamResolvedEvent,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  type RecordedEvent,
  type ResolvedEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import { type Clock, SystemClock } from '@onrecord/kernel';
import {
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type StoredEvent,
  comparePositions,
} from '../../domain/envelope.js';
import {
  type StreamHead,
  type PreparedEvent,
  chainEvents,
  checkExpectedRevision,
  replayedAppend,
  validateExpectedRevision,
  validateNewEvents,
} from '../../domain/append-rules.js';
import {
  InvalidEventError,
  StoreClosedError,
  WrongExpectedRevisionError,
} from '../../domain/event-store-errors.js';
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
} from '../../event-store.port.js';
import { matchesFilter } from '../read-helpers.js';
import { EsdbAllReader, type ServerFilter } from './esdb-all-reader.js';
import {
  type EsdbRecord,
  fromEsdbRecord,
  isOnRecordRecord,
  toEsdbEventParts,
} from './esdb-envelope.js';
import {
  EsdbSubscription,
  type ResubscribePolicy,
  type SubscriptionDropListener,
  type SubscriptionSource,
  isTransient,
} from './esdb-subscription.js';
import { StreamIdIndex } from './stream-id-index.js';

export interface EsdbEventStoreOptions {
  /** `esdb://host:2113?tls=false` for one node, `esdb+discover://…` for a cluster. */
  readonly connectionString: string;
  /** Stamps recordedAt: the OnRecord server's clock, never a caller's. */
  readonly clock?: Clock;
  /** Backoff between resubscriptions after a dropped connection. Default 100 ms doubling to 5 s. */
  readonly resubscribe?: Partial<ResubscribePolicy>;
  /** Told each time a subscription lost its server subscription and is about to resubscribe. */
  readonly onSubscriptionDropped?: SubscriptionDropListener;
}

/** Attempts of one append that meets a conflict (retried for any / stream_exists only). */
const MAX_APPEND_ATTEMPTS = 5;
/**
 * How long one append keeps retrying transient failures (connection lost,
 * not the leader, unavailable): long enough to ride out a cluster electing a
 * new leader after the old one died, which takes a few seconds.
 */
const TRANSIENT_RETRY_MS = 5_000;
/** The backoff between those retries, doubling from the first to the last. */
const TRANSIENT_BACKOFF_MS = { first: 50, max: 1_000 };
/** Page size of the scan that learns a stream's event ids (to recognise a re-sent `any` append). */
const ID_SCAN_PAGE = 500;
/** Event ids kept in memory across streams for that; ~100 bytes each. */
const ID_INDEX_CAPACITY = 100_000;
/** Smallest page of a $all read, whatever is left to fill. */
const MIN_READ_PAGE = 64;
/** Events a subscription holds between the socket and the consumer. */
const SUBSCRIPTION_BUFFER = 64;
const HEALTH_TIMEOUT_MS = 2000;
/** What EventStoreDB's own `excludeSystemEvents()` filter matches: types not starting with `$`. */
const NOT_A_SYSTEM_EVENT = '^[^$]';
/** chainEvents wants positions up front; the real ones come from reading the events back. */
const UNKNOWN_POSITION: Position = { commit: -1n, prepare: -1n };

/**
 * The event store on EventStoreDB (v23.10 or later) through the official
 * gRPC client.
 *
 * - Appends read the stream's head, chain the new events onto it, and append
 *   with that exact revision, so a concurrent writer makes this append fail
 *   instead of forking the hash chain. Conflicts are retried (bounded) only
 *   when the caller asked for `any` or `stream_exists`; transient failures
 *   (a lost connection, a node that is no longer the leader) are retried for
 *   up to 5 s, which rides out a cluster electing a new leader.
 * - `recordedAt` is stamped here, from the injected clock: it is hashed, so it
 *   must be known before the append, and EventStoreDB's own `created` stamp
 *   is only known after. The clock is this OnRecord server's, not a caller's.
 * - The envelope travels in the event's metadata JSON (see esdb-envelope.ts);
 *   data travels as the event's data JSON.
 * - Idempotency: a re-sent append is recognised by its event ids and answered
 *   with the original result, after a content check. With an exact
 *   expectation it is looked for where it would have landed (one small read);
 *   with `any` / `stream_exists` anywhere in the stream, through an index of
 *   the stream's ids learnt by one scan and then kept up to date
 *   (stream-id-index.ts). EventStoreDB has no index by event id, so an id
 *   re-used in another stream is not detected (the contract case is skipped
 *   for this adapter, by declared capability).
 * - Subscriptions resubscribe on their own after a dropped connection, from
 *   the last event handed out (esdb-subscription.ts).
 */
export class EsdbEventStore extends EventStore {
  private readonly client: EventStoreDBClient;
  private readonly reader: EsdbAllReader;
  private readonly clock: Clock;
  private readonly policy: ResubscribePolicy;
  private readonly onSubscriptionDropped: SubscriptionDropListener | undefined;
  private readonly endpoint: string;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly idIndex = new StreamIdIndex(ID_INDEX_CAPACITY);
  private closed = false;

  constructor(options: EsdbEventStoreOptions) {
    super();
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.reader = new EsdbAllReader(this.client);
    this.clock = options.clock ?? new SystemClock();
    this.policy = {
      initialDelayMs: options.resubscribe?.initialDelayMs ?? 100,
      maxDelayMs: options.resubscribe?.maxDelayMs ?? 5000,
    };
    this.onSubscriptionDropped = options.onSubscriptionDropped;
    // Never echo credentials (esdb://user:password@host) into health output.
    this.endpoint = options.connectionString.replace(/\/\/[^@/]*@/, '//');
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (this.closed) throw new StoreClosedError();
    const expected = options.expectedRevision ?? 'any';
    const revisionProblems = validateExpectedRevision(expected);
    if (revisionProblems.length > 0) throw new InvalidEventError(revisionProblems);
    const prepared = validateNewEvents(streamId, events);
    return this.track(this.append(streamId, prepared, expected));
  }

  private async append(
    streamId: string,
    prepared: readonly PreparedEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const events = prepared.map((p) => p.event);
    const giveUpAt = Date.now() + TRANSIENT_RETRY_MS;
    let conflicts = 0;
    let transients = 0;
    for (;;) {
      try {
        const head = await this.readHead(streamId);
        const retried = await this.findOriginal(streamId, events, expected, head);
        if (retried) return retried;
        checkExpectedRevision(streamId, expected, head);
        const chained = chainEvents(
          streamId,
          prepared,
          head,
          this.clock.now().toISOString(),
          () => UNKNOWN_POSITION,
        );
        await this.client.appendToStream(
          streamId,
          chained.map((event) => jsonEvent(toEsdbEventParts(event))),
          { expectedRevision: head ? BigInt(head.revision) : NO_STREAM },
        );
        const result = await this.readBack(streamId, events, head ? head.revision + 1 : 0);
        if (expected === 'any' || expected === 'stream_exists') {
          this.idIndex.extend(
            streamId,
            head ? head.revision + 1 : 0,
            result.nextExpectedRevision,
            result.events,
          );
        }
        return result;
      } catch (error) {
        if (error instanceof MaxAppendSizeExceededError) {
          throw new InvalidEventError([
            `the append is larger than the server's maximum append size (${error.maxAppendSize} bytes); split it`,
          ]);
        }
        const conflict = error instanceof EsdbWrongExpectedVersionError;
        if (!conflict && !isTransient(error)) throw error;
        if (conflict) {
          conflicts += 1;
          if (conflicts >= MAX_APPEND_ATTEMPTS) {
            throw new WrongExpectedRevisionError(
              streamId,
              expected,
              actualRevision(error.actualVersion),
            );
          }
          // A conflict under an exact expectation is not retried: the next turn
          // re-reads the head and either finds this very append (a concurrent
          // duplicate) or refuses with the actual revision. Under any /
          // stream_exists, it chains onto the new head and tries again.
          await pause(conflicts * 10 + Math.random() * 20);
        } else {
          // The next turn re-reads the head: an attempt that landed before the
          // connection failed is found by its event ids and answered as such.
          transients += 1;
          const backoff = Math.min(
            TRANSIENT_BACKOFF_MS.first * 2 ** (transients - 1),
            TRANSIENT_BACKOFF_MS.max,
          );
          if (Date.now() + backoff > giveUpAt) throw error;
          await pause(backoff);
        }
      }
    }
  }

  /** The stream's last event, whose revision and hash the next append chains onto. */
  private async readHead(streamId: string): Promise<StoredEvent | null> {
    const [head] = await this.readEvents(streamId, {
      direction: 'backwards',
      fromRevision: 'end',
      maxCount: 1,
    });
    return head ?? null;
  }

  /**
   * The result of an earlier append carrying these event ids, when this one
   * re-sends it (null when none of them is stored). Throws
   * EventIdConflictError when the ids are stored with other content or only
   * some of them are.
   */
  private async findOriginal(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    head: StreamHead | null,
  ): Promise<AppendResult | null> {
    if (!head) return null;
    const ids = new Set(events.map((event) => event.id.toLowerCase()));
    const found = new Map<string, StoredEvent>();
    const keep = (page: readonly StoredEvent[]): void => {
      for (const event of page) if (ids.has(event.id)) found.set(event.id, event);
    };
    if (typeof expected === 'number' || expected === 'no_stream') {
      // Where a retry of this append would have landed.
      const landedAt = expected === 'no_stream' ? 0 : expected + 1;
      if (head.revision >= landedAt) {
        keep(await this.readEvents(streamId, { fromRevision: landedAt, maxCount: events.length }));
      }
      return replayedAppend(streamId, events, found);
    }
    // any / stream_exists: the original could be anywhere in the stream.
    const known = this.idIndex.get(streamId);
    const from = known ? known.through + 1 : 0;
    const seen: Array<{ id: string; revision: number }> = [];
    for (let at = from; at <= head.revision;) {
      const page = await this.readEvents(streamId, {
        fromRevision: at,
        maxCount: Math.min(ID_SCAN_PAGE, head.revision - at + 1),
      });
      const last = page[page.length - 1];
      if (!last) break;
      keep(page);
      for (const event of page) seen.push({ id: event.id, revision: event.revision });
      at = last.revision + 1;
    }
    this.idIndex.extend(streamId, from, head.revision, seen);
    const earlier = known ? [...ids].flatMap((id) => known.ids.get(id) ?? []) : [];
    if (earlier.length > 0) {
      const first = Math.min(...earlier);
      keep(
        await this.readEvents(streamId, {
          fromRevision: first,
          maxCount: Math.max(...earlier) - first + 1,
        }),
      );
    }
    return replayedAppend(streamId, events, found);
  }

  /**
   * The acknowledged events as stored, with their positions: the append
   * result carries only the last revision and one log position, not each
   * event's. Reading them back also catches the server acknowledging a
   * concurrent duplicate's events (it deduplicates by id alone): their
   * content is checked against ours like any re-sent append.
   */
  private async readBack(
    streamId: string,
    events: readonly NewEvent[],
    from: number,
  ): Promise<AppendResult> {
    const ids = new Set(events.map((event) => event.id.toLowerCase()));
    const stored = await this.readEvents(streamId, { fromRevision: from, maxCount: events.length });
    const result = replayedAppend(
      streamId,
      events,
      new Map(stored.filter((e) => ids.has(e.id)).map((e) => [e.id, e])),
    );
    if (result) return result;
    throw new Error(
      `EventStoreDB acknowledged an append to ${streamId} that is not at revision ${from}`,
    );
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    if (this.closed) throw new StoreClosedError();
    return this.readEvents(streamId, options);
  }

  /** readStream without the closed check: appends accepted before close() still finish. */
  private async readEvents(streamId: string, options: ReadStreamOptions): Promise<StoredEvent[]> {
    const direction = options.direction ?? 'forwards';
    const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
    const nothing = direction === 'forwards' ? from === 'end' : from === 'start';
    if (nothing || (options.maxCount !== undefined && options.maxCount <= 0)) return [];
    const records: EsdbRecord[] = [];
    try {
      const reading = this.client.readStream(streamId, {
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        fromRevision: from === 'start' ? START : from === 'end' ? END : BigInt(from),
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of reading as AsyncIterable<ResolvedEvent>) {
        if (resolved.event) records.push(recordOf(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    // In an OnRecord stream, an event without a valid envelope is corruption, never something to skip.
    return records.map(fromEsdbRecord);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    if (this.closed) throw new StoreClosedError();
    const direction = options.direction ?? 'forwards';
    const from = options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end');
    const max = options.maxCount ?? 1000;
    const nothing = direction === 'forwards' ? from === 'end' : from === 'start';
    if (nothing || max <= 0) return [];
    const filter = serverFilterFor(options.filter);
    const out: StoredEvent[] = [];
    // The server filters on one criterion; the rest (and foreign events) is filtered here.
    const take = (record: EsdbRecord): boolean => {
      if (isOnRecordRecord(record)) {
        const event = fromEsdbRecord(record);
        if (matchesFilter(event, options.filter)) out.push(event);
      }
      return out.length === max;
    };

    let cursor = from;
    let repeated: Position | null = null;
    if (direction === 'backwards' && typeof from !== 'string') {
      // The port includes the starting position; the server's backwards read does not.
      const [atFrom] = await this.reader.read({ direction: 'forwards', from, count: 1, filter });
      const isAtFrom = atFrom?.position && comparePositions(atFrom.position, from) === 0;
      if (isAtFrom && take(atFrom)) return out;
    }
    for (;;) {
      // One more than needed covers the repeated record; a floor keeps
      // client-side filtering from crawling in tiny pages.
      const count = Math.max(max - out.length, MIN_READ_PAGE) + 1;
      const page = await this.reader.read({ direction, from: cursor, count, filter });
      for (const record of page) {
        // A forward page restarts at (so repeats) the last record of the
        // previous one; a backwards page must not, but a server that did
        // would be caught here too.
        const isRepeat =
          repeated && record.position && comparePositions(record.position, repeated) === 0;
        if (!isRepeat && take(record)) return out;
      }
      const last = page[page.length - 1];
      if (page.length < count || !last?.position) return out;
      cursor = repeated = last.position;
    }
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    const from = options.fromPosition ?? 'start';
    const filter = serverFilterFor(options.filter);
    const source: SubscriptionSource<Position, AllStreamResolvedEvent> = {
      start: async () => {
        if (this.closed) throw new StoreClosedError();
        if (from === 'start') return undefined;
        if (from !== 'end') return from;
        const [last] = await this.reader.read({
          direction: 'backwards',
          from: 'end',
          count: 1,
          filter: null,
        });
        return last?.position;
      },
      open: (after) =>
        this.client.subscribeToAll(
          {
            fromPosition: after ?? START,
            filter:
              filter.on === 'stream'
                ? streamNameFilter({ prefixes: [...filter.prefixes] })
                : eventTypeFilter({ regex: filter.regex }),
          },
          { highWaterMark: SUBSCRIPTION_BUFFER },
        ),
      record: (resolved) => (resolved.event ? recordOf(resolved.event) : null),
      cursorOf: (record) => record.position ?? UNKNOWN_POSITION,
      compare: comparePositions,
      deliver: (record) => {
        if (!isOnRecordRecord(record)) return null;
        const event = fromEsdbRecord(record);
        return matchesFilter(event, options.filter) ? event : null;
      },
    };
    return this.register(source);
  }

  subscribeToStream(streamId: string, options: SubscribeToStreamOptions = {}): Subscription {
    const from = options.fromRevision ?? 'start';
    const source: SubscriptionSource<number, ResolvedEvent> = {
      start: async () => {
        if (this.closed) throw new StoreClosedError();
        if (from === 'start') return undefined;
        if (from !== 'end') return from;
        return (await this.readHead(streamId))?.revision;
      },
      open: (after) =>
        this.client.subscribeToStream(
          streamId,
          { fromRevision: after === undefined ? START : BigInt(after) },
          { highWaterMark: SUBSCRIPTION_BUFFER },
        ),
      record: (resolved) => (resolved.event ? recordOf(resolved.event) : null),
      cursorOf: (record) => Number(record.revision),
      compare: (a, b) => a - b,
      deliver: fromEsdbRecord,
    };
    return this.register(source);
  }

  private register<Cursor, Resolved>(source: SubscriptionSource<Cursor, Resolved>): Subscription {
    const subscription: EsdbSubscription<Cursor, Resolved> = new EsdbSubscription(
      source,
      this.policy,
      this.onSubscriptionDropped,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async health(): Promise<StoreHealth> {
    if (this.closed) return { ready: false, kind: 'esdb', detail: 'closed' };
    try {
      await this.reader.read({
        direction: 'backwards',
        from: 'end',
        count: 1,
        filter: null,
        deadlineMs: HEALTH_TIMEOUT_MS,
      });
      return { ready: true, kind: 'esdb', detail: this.endpoint };
    } catch (error) {
      return {
        ready: false,
        kind: 'esdb',
        detail: `${this.endpoint}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private async track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
  }
}

/**
 * The one filter EventStoreDB applies: stream prefixes when given (usually
 * the narrower), else the exact event types as an anchored regex, else
 * everything but the server's own `$` events.
 */
function serverFilterFor(filter: AllFilter | undefined): ServerFilter {
  if (filter?.streamPrefixes && filter.streamPrefixes.length > 0)
    return { on: 'stream', prefixes: filter.streamPrefixes };
  if (filter?.eventTypes && filter.eventTypes.length > 0) {
    return { on: 'type', regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$` };
  }
  return { on: 'type', regex: NOT_A_SYSTEM_EVENT };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function recordOf(event: RecordedEvent): EsdbRecord {
  return {
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    type: event.type,
    position: event.position,
    data: event.data,
    metadata: event.metadata,
  };
}

function actualRevision(actual: bigint | 'no_stream' | undefined): number | 'no_stream' {
  return typeof actual === 'bigint' ? Number(actual) : 'no_stream';
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
