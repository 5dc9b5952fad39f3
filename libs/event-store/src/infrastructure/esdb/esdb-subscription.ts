import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  UnavailableError,
  UnknownError,
} from '@eventstore/db-client';
import type { StoredEvent } from '../../domain/envelope.js';
import type { Subscription, SubscriptionItem } from '../../event-store.port.js';
import type { EsdbRecord } from './esdb-envelope.js';

/** What this reads of the client's subscription: an object-mode Readable that also emits `caughtUp`. */
export interface ClientSubscription {
  readonly readableLength: number;
  read(): unknown;
  on(event: 'caughtUp' | 'readable' | 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  destroy(): unknown;
  unsubscribe(): Promise<void>;
}

/** Everything a resubscribing subscription needs to know about what it follows ($all or one stream). */
export interface SubscriptionSource<Cursor, Resolved> {
  /**
   * The cursor to start after (undefined = from the very first event).
   * `end` is resolved here to a concrete cursor, so a resubscription after a
   * drop never skips what was written while the connection was down.
   */
  start(): Promise<Cursor | undefined>;
  /** Opens one server subscription that delivers what comes after `after`. */
  open(after: Cursor | undefined): ClientSubscription;
  record(resolved: Resolved): EsdbRecord | null;
  cursorOf(record: EsdbRecord): Cursor;
  compare(a: Cursor, b: Cursor): number;
  /** The event to hand out, or null for one this subscriber does not see (foreign, filtered out client-side). */
  deliver(record: EsdbRecord): StoredEvent | null;
}

export interface ResubscribePolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** Told when a subscription lost its server subscription and will resubscribe. */
export type SubscriptionDropListener = (reason: unknown, attempt: number) => void;

const CAUGHT_UP: SubscriptionItem = { kind: 'caught-up' };

/**
 * The port's pull-based catch-up subscription over the client's push-style
 * one. The client's subscription is consumed with `read()` only when the
 * consumer asks for the next item, so its bounded buffer fills and gRPC flow
 * control holds the server back: a slow consumer slows its own subscription.
 *
 * When the connection drops (or the server ends the call), it resubscribes
 * with exponential backoff from the last event it handed out: what was
 * buffered but not yet taken is read again, nothing taken is repeated, and
 * any event at or before that cursor is dropped as a duplicate.
 */
export class EsdbSubscription<Cursor, Resolved> implements Subscription {
  private closed = false;
  private feed: Feed<Resolved> | null = null;
  private cancelSleep: (() => void) | null = null;

  constructor(
    private readonly source: SubscriptionSource<Cursor, Resolved>,
    private readonly policy: ResubscribePolicy,
    private readonly onDrop: SubscriptionDropListener | undefined,
    private readonly onClosed: () => void,
  ) {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancelSleep?.();
    await this.feed?.close();
    this.onClosed();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionItem> {
    let started = false;
    let cursor: Cursor | undefined;
    let caughtUp = false;
    let failures = 0;
    try {
      while (!this.closed) {
        let reason: unknown = new Error('the server ended the subscription');
        try {
          if (!started) {
            cursor = await this.source.start();
            started = true;
          }
          if (this.closed) return;
          const feed = new Feed<Resolved>(this.source.open(cursor));
          this.feed = feed;
          try {
            for (;;) {
              const item = await feed.next();
              if (this.closed || item.kind === 'end') break;
              failures = 0;
              if (item.kind === 'caught-up') {
                // A resubscription catches up again; the consumer hears it once.
                if (!caughtUp) {
                  caughtUp = true;
                  yield CAUGHT_UP;
                }
                continue;
              }
              const record = this.source.record(item.value);
              if (!record) continue;
              const at = this.source.cursorOf(record);
              if (cursor !== undefined && this.source.compare(at, cursor) <= 0) continue;
              cursor = at;
              const event = this.source.deliver(record);
              if (event) yield { kind: 'event', event };
            }
          } finally {
            this.feed = null;
            await feed.close();
          }
        } catch (error) {
          if (this.closed) return;
          if (!isTransient(error)) throw error;
          reason = error;
        }
        if (this.closed) return;
        failures += 1;
        this.onDrop?.(reason, failures);
        await this.sleep(this.backoff(failures));
      }
    } finally {
      this.closed = true;
      this.onClosed();
    }
  }

  private backoff(failures: number): number {
    const base = Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * 2 ** (failures - 1));
    // Jitter spreads the reconnections of many subscriptions after one outage.
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.cancelSleep = done;
    }).finally(() => {
      this.cancelSleep = null;
    });
  }
}

/** Errors after which the same subscription can succeed again once the connection is back. */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof DeadlineExceededError ||
    error instanceof NotLeaderError ||
    // A stream reset by a dying connection surfaces as an unknown gRPC status.
    error instanceof UnknownError
  );
}

type FeedItem<Resolved> =
  { kind: 'event'; value: Resolved } | { kind: 'caught-up' } | { kind: 'end' };

/**
 * Reads one client subscription item by item. `caughtUp` arrives as an
 * event beside the data, while events pushed before it may still sit in the
 * stream's buffer; counting what was consumed plus what is buffered puts the
 * marker back at its place in the sequence.
 */
class Feed<Resolved> {
  private consumed = 0;
  private readonly caughtUpAfter: number[] = [];
  private failure: Error | null = null;
  private ended = false;
  private closing: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly stream: ClientSubscription) {
    stream.on('caughtUp', () => {
      this.caughtUpAfter.push(this.consumed + stream.readableLength);
      this.notify();
    });
    stream.on('readable', () => this.notify());
    stream.on('end', () => this.finish());
    stream.on('close', () => this.finish());
    stream.on('error', (error) => {
      this.failure ??= error;
      this.notify();
    });
  }

  async next(): Promise<FeedItem<Resolved>> {
    for (;;) {
      const marker = this.caughtUpAfter[0];
      if (marker !== undefined && marker <= this.consumed) {
        this.caughtUpAfter.shift();
        return { kind: 'caught-up' };
      }
      if (this.failure !== null) throw this.failure;
      const value = this.stream.read() as Resolved | null;
      if (value !== null) {
        this.consumed += 1;
        return { kind: 'event', value };
      }
      if (this.ended) return { kind: 'end' };
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  close(): Promise<void> {
    this.closing ??= this.stream
      .unsubscribe()
      .catch(() => undefined)
      .then(() => {
        this.stream.destroy();
      });
    this.finish();
    return this.closing;
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
