import type { StoredEvent } from '../domain/envelope.js';

/**
 * How many of the last committed events the embedded store keeps for its
 * live subscriptions. At 1,000 events/s this is about four seconds: a live
 * subscriber that falls further behind reads from SQLite again, as history.
 */
export const RECENT_EVENTS = 4096;
/**
 * And how many bytes of them (their data and metadata as stored), whichever
 * bound comes first: events are about 1 KB in practice, but the append rules
 * allow 256 KiB, and 4,096 of those would pin a gigabyte.
 */
export const RECENT_BYTES = 16 * 2 ** 20;

/** What one read of the window saw. */
export interface RecentPage {
  /** The matching events after the requested position, in position order, at most `max`. */
  readonly events: StoredEvent[];
  /**
   * The position up to which every event was looked at, matching or not:
   * the window's last when the page is short, else the page's last event.
   */
  readonly scannedTo: number;
}

/**
 * The last committed events, kept in memory so that live subscriptions share
 * them instead of each reading and parsing every event from SQLite. It holds
 * every committed event with a position in (`from`, `to`], contiguous and in
 * position order, and nothing else; a read it cannot answer from that range
 * returns null and the caller reads the file instead.
 *
 * The store adds a group's events after their transaction committed, never
 * before or on rollback. An event whose position does not follow `to`
 * means someone else (another connection on the same file) wrote in between:
 * the window then forgets everything before that event rather than hide
 * what it did not see.
 */
export class RecentEvents {
  /** Dropped events' slots are cleared at once, so a large event is not pinned until the next copy. */
  private events: Array<StoredEvent | undefined> = [];
  /** Each event's size, at the same index as in `events`. */
  private sizes: number[] = [];
  /** Index in `events` of the window's first event; the front is dropped in chunks. */
  private first = 0;
  /** Bytes of the events from `first` on. */
  private bytes = 0;
  private from: number;
  private to: number;

  /** `head`: the store's last position now; the window starts empty after it. */
  constructor(
    head: number,
    private readonly capacity = RECENT_EVENTS,
    private readonly byteCapacity = RECENT_BYTES,
  ) {
    this.from = head;
    this.to = head;
  }

  /** The last position the window knows of. */
  get last(): number {
    return this.to;
  }

  /** Adds committed events, in position order; `sizeOf` gives each one's bytes as stored. */
  add(committed: Iterable<StoredEvent>, sizeOf: (event: StoredEvent) => number = () => 0): void {
    for (const event of committed) {
      const position = Number(event.position.commit);
      if (position !== this.to + 1) this.restartAfter(position - 1);
      const size = sizeOf(event);
      this.events.push(event);
      this.sizes.push(size);
      this.bytes += size;
      this.to = position;
    }
    while (
      this.events.length - this.first > this.capacity ||
      (this.bytes > this.byteCapacity && this.first < this.events.length)
    ) {
      this.bytes -= this.sizes[this.first]!;
      this.events[this.first] = undefined;
      this.first += 1;
      this.from += 1;
    }
    // Copying the arrays only once the dropped front is as long as the window keeps it amortised O(1) per event.
    if (this.first > 0 && this.first >= this.events.length - this.first) {
      this.events = this.events.slice(this.first);
      this.sizes = this.sizes.slice(this.first);
      this.first = 0;
    }
  }

  /** Forgets every event: the window vouches for nothing before `head`. */
  restartAfter(head: number): void {
    this.events = [];
    this.sizes = [];
    this.bytes = 0;
    this.first = 0;
    this.from = head;
    this.to = head;
  }

  /**
   * Up to `max` events after `position` that satisfy `matches`, or null when
   * the window does not hold every event after `position` (it lies before
   * the window, or after what the window knows).
   */
  read(position: number, max: number, matches: (event: StoredEvent) => boolean): RecentPage | null {
    if (position < this.from || position > this.to) return null;
    const events: StoredEvent[] = [];
    const end = this.events.length;
    for (let i = this.first + (position - this.from); i < end; i++) {
      const event = this.events[i]!;
      if (!matches(event)) continue;
      events.push(event);
      if (events.length === max) return { events, scannedTo: Number(event.position.commit) };
    }
    return { events, scannedTo: this.to };
  }
}
