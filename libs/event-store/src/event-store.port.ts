import type {
  AppendResult,
  ExpectedRevision,
  NewEvent,
  Position,
  StoredEvent,
} from './domain/envelope.js';

/** Server-side filter for reads and subscriptions over all events. Both parts must match. */
export interface AllFilter {
  /** Keep events whose stream id starts with one of these prefixes. */
  readonly streamPrefixes?: readonly string[];
  /** Keep events of exactly these types. */
  readonly eventTypes?: readonly string[];
}

export interface AppendOptions {
  /** Defaults to 'any'. */
  readonly expectedRevision?: ExpectedRevision;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. 'start' (default forwards) or 'end' (default backwards). */
  readonly fromRevision?: number | 'start' | 'end';
  /** Defaults to every event from `fromRevision` on. */
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive, as in EventStoreDB. 'start' (default forwards) or 'end' (default backwards). */
  readonly fromPosition?: Position | 'start' | 'end';
  /** Defaults to 1000; reads are paged, never unbounded. */
  readonly maxCount?: number;
  readonly filter?: AllFilter;
}

export interface SubscribeToAllOptions {
  /** Exclusive, as in EventStoreDB: the subscription delivers events after this position. Default 'start'. */
  readonly fromPosition?: Position | 'start' | 'end';
  readonly filter?: AllFilter;
}

export interface SubscribeToStreamOptions {
  /** Exclusive: the subscription delivers events after this revision. Default 'start'. */
  readonly fromRevision?: number | 'start' | 'end';
}

/**
 * What a catch-up subscription yields: history first, then a single
 * `caught-up` when it reaches the head, then live events, in order, with no
 * gap and no duplicate across the switch.
 */
export type SubscriptionItem =
  { readonly kind: 'event'; readonly event: StoredEvent } | { readonly kind: 'caught-up' };

/**
 * A pull-based catch-up subscription. The store reads ahead at most one page
 * (a bounded number of events) beyond what the consumer has taken, so a slow
 * consumer slows its own subscription and never makes the process buffer
 * without bound. `close()` ends the iteration.
 */
export interface Subscription extends AsyncIterable<SubscriptionItem> {
  close(): Promise<void>;
}

export interface StoreHealth {
  readonly ready: boolean;
  readonly kind: string;
  readonly detail?: string;
}

/**
 * The event store port, with EventStoreDB's semantics. It doubles as the
 * NestJS injection token. Every adapter passes the same contract suite
 * (libs/event-store/src/testing/event-store.contract.ts).
 *
 * The store owns the envelope fields nobody else may set: revision, global
 * position, recordedAt and the per-stream hash chain.
 */
export abstract class EventStore {
  /**
   * Appends atomically: all events or none. Throws WrongExpectedRevisionError
   * (carrying the actual revision), EventIdConflictError, InvalidEventError.
   * Re-sending an append whose ids are all stored with the same content
   * returns the original result and writes nothing.
   */
  abstract appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;

  /** Reads one stream; a stream that does not exist reads as empty. */
  abstract readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;

  /** Reads all events in global order, one page at a time. */
  abstract readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;

  abstract subscribeToAll(options?: SubscribeToAllOptions): Subscription;

  abstract subscribeToStream(streamId: string, options?: SubscribeToStreamOptions): Subscription;

  abstract health(): Promise<StoreHealth>;

  /** Finishes appends already accepted, then releases the store. */
  abstract close(): Promise<void>;
}
