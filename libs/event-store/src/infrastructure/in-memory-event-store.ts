import { type Clock, SystemClock } from '@onrecord/kernel';
import {
  type AppendResult,
  type NewEvent,
  type Position,
  type StoredEvent,
  comparePositions,
  sequencePosition,
} from '../domain/envelope.js';
import {
  type StreamHead,
  chainEvents,
  checkExpectedRevision,
  replayedAppend,
  validateExpectedRevision,
  validateNewEvents,
} from '../domain/append-rules.js';
import { InvalidEventError, StoreClosedError } from '../domain/event-store-errors.js';
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
import { matchesFilter, settle, sliceStream } from './read-helpers.js';

/** The store for unit tests: same contract as the embedded store, nothing on disk. */
export class InMemoryEventStore extends EventStore {
  private readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly byId = new Map<string, StoredEvent>();
  private readonly signal = new CommitSignal();
  private closed = false;

  constructor(private readonly clock: Clock = new SystemClock()) {
    super();
  }

  appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    return settle(() => this.append(streamId, events, options));
  }

  private append(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): AppendResult {
    if (this.closed) throw new StoreClosedError();
    const expected = options.expectedRevision ?? 'any';
    const revisionProblems = validateExpectedRevision(expected);
    if (revisionProblems.length > 0) throw new InvalidEventError(revisionProblems);
    const prepared = validateNewEvents(streamId, events);
    const known = new Map<string, StoredEvent>();
    for (const event of events) {
      const stored = this.byId.get(event.id.toLowerCase());
      if (stored) known.set(event.id.toLowerCase(), stored);
    }
    const replayed = replayedAppend(streamId, events, known);
    if (replayed) return replayed;
    const stream = this.streams.get(streamId) ?? [];
    const last = stream[stream.length - 1];
    const head: StreamHead | null = last ? { revision: last.revision, hash: last.hash } : null;
    checkExpectedRevision(streamId, expected, head);
    const base = this.all.length;
    const stored = chainEvents(streamId, prepared, head, this.clock.now().toISOString(), (i) =>
      sequencePosition(base + i + 1),
    );
    for (const event of stored) {
      this.all.push(event);
      stream.push(event);
      this.byId.set(event.id, event);
    }
    this.streams.set(streamId, stream);
    this.signal.notify();
    const tail = stored[stored.length - 1]!;
    return {
      streamId,
      nextExpectedRevision: tail.revision,
      position: tail.position,
      events: stored,
    };
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return Promise.resolve(sliceStream(this.streams.get(streamId) ?? [], options));
  }

  readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const direction = options.direction ?? 'forwards';
    const max = options.maxCount ?? 1000;
    const from = options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end');
    const out: StoredEvent[] = [];
    if (direction === 'forwards') {
      if (from === 'end') return Promise.resolve(out);
      const startIndex = from === 'start' ? 0 : Math.max(0, Number(from.commit) - 1);
      for (let i = startIndex; i < this.all.length && out.length < max; i++) {
        const event = this.all[i]!;
        if (matchesFilter(event, options.filter)) out.push(event);
      }
    } else {
      if (from === 'start') return Promise.resolve(out);
      const startIndex =
        from === 'end'
          ? this.all.length - 1
          : Math.min(this.all.length - 1, Number(from.commit) - 1);
      for (let i = startIndex; i >= 0 && out.length < max; i--) {
        const event = this.all[i]!;
        if (matchesFilter(event, options.filter)) out.push(event);
      }
    }
    return Promise.resolve(out);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    const filter: AllFilter | undefined = options.filter;
    const from = options.fromPosition ?? 'start';
    return new CatchUpSubscription<Position>(
      {
        initialCursor: () =>
          Promise.resolve(
            from === 'start'
              ? undefined
              : from === 'end'
                ? this.all[this.all.length - 1]?.position
                : from,
          ),
        readAfter: (cursor, max) => {
          const out: StoredEvent[] = [];
          for (
            let i = cursor ? Number(cursor.commit) : 0;
            i < this.all.length && out.length < max;
            i++
          ) {
            const event = this.all[i]!;
            if (cursor && comparePositions(event.position, cursor) <= 0) continue;
            if (matchesFilter(event, filter)) out.push(event);
          }
          return Promise.resolve(out);
        },
        cursorOf: (event) => event.position,
      },
      this.signal,
    );
  }

  subscribeToStream(streamId: string, options: SubscribeToStreamOptions = {}): Subscription {
    const from = options.fromRevision ?? 'start';
    return new CatchUpSubscription<number>(
      {
        initialCursor: () =>
          Promise.resolve(
            from === 'start'
              ? undefined
              : from === 'end'
                ? (this.streams.get(streamId)?.length ?? 0) - 1
                : from,
          ),
        readAfter: (cursor, max) =>
          Promise.resolve(
            (this.streams.get(streamId) ?? []).slice((cursor ?? -1) + 1, (cursor ?? -1) + 1 + max),
          ),
        cursorOf: (event) => event.revision,
      },
      this.signal,
    );
  }

  health(): Promise<StoreHealth> {
    return Promise.resolve({ ready: !this.closed, kind: 'in-memory' });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
