import type { StoredEvent } from '../domain/envelope.js';
import type { Subscription, SubscriptionItem } from '../event-store.port.js';

/**
 * Wakes subscriptions when events are committed. A version counter closes the
 * race between "read an empty page" and "start waiting": a waiter registered
 * after a commit it has not read still wakes at once.
 */
export class CommitSignal {
  private version = 0;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.version;
  }

  notify(): void {
    this.version += 1;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  /** Resolves once the version moves past `seen`, or `cancel` is called. */
  waitPast(seen: number): { promise: Promise<void>; cancel: () => void } {
    if (this.version !== seen) return { promise: Promise.resolve(), cancel: () => undefined };
    let wake: () => void = () => undefined;
    const promise = new Promise<void>((resolve) => {
      wake = resolve;
      this.waiters.add(resolve);
    });
    return {
      promise,
      cancel: () => {
        this.waiters.delete(wake);
        wake();
      },
    };
  }
}

export interface PageSource<Cursor> {
  /** Where to start: events strictly after this cursor (undefined = from the very first). */
  initialCursor(): Promise<Cursor | undefined>;
  /** Up to `max` events strictly after `cursor`, in order. */
  readAfter(cursor: Cursor | undefined, max: number): Promise<StoredEvent[]>;
  cursorOf(event: StoredEvent): Cursor;
}

export const SUBSCRIPTION_PAGE_SIZE = 256;

/**
 * The one catch-up subscription of the embedded stores: every event, history
 * and live alike, is read back from the store by cursor, so the switch from
 * history to live can neither skip nor repeat an event. The consumer pulls;
 * at most one page is held in memory per subscription.
 */
export class CatchUpSubscription<Cursor> implements Subscription {
  private closed = false;
  private cancelWait: (() => void) | null = null;

  constructor(
    private readonly source: PageSource<Cursor>,
    private readonly signal: CommitSignal,
    private readonly pageSize = SUBSCRIPTION_PAGE_SIZE,
  ) {}

  async close(): Promise<void> {
    this.closed = true;
    this.cancelWait?.();
    return Promise.resolve();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionItem> {
    let cursor: Cursor | undefined = await this.source.initialCursor();
    let caughtUp = false;
    try {
      while (!this.closed) {
        const seen = this.signal.current;
        const page = await this.source.readAfter(cursor, this.pageSize);
        for (const event of page) {
          if (this.closed) return;
          cursor = this.source.cursorOf(event);
          yield { kind: 'event', event };
        }
        if (page.length === this.pageSize) continue;
        if (!caughtUp) {
          caughtUp = true;
          if (this.closed) return;
          yield { kind: 'caught-up' };
        }
        const wait = this.signal.waitPast(seen);
        this.cancelWait = wait.cancel;
        await wait.promise;
        this.cancelWait = null;
      }
    } finally {
      this.closed = true;
    }
  }
}
