import type { RecordEntry } from './record-entry.js';

/**
 * The two clocks of the record. On the `occurred` clock an account at T is
 * everything that had been said by T; on the `recorded` clock it is
 * everything the company knew by T. A statement made before T and entered
 * after T is in the first and not in the second.
 */
export const RECORD_CLOCKS = ['occurred', 'recorded'] as const;
export type RecordClock = (typeof RECORD_CLOCKS)[number];

export function instantOn(entry: RecordEntry, clock: RecordClock): number {
  return clock === 'occurred' ? entry.occurredAtMs : entry.recordedAtMs;
}

/**
 * The entries visible at `atMs` on `clock`, in that clock's order: by
 * occurredAt (then revision) on the occurred clock, by revision on the
 * recorded one.
 */
export function visibleAt(
  entries: Iterable<RecordEntry>,
  atMs: number,
  clock: RecordClock,
): RecordEntry[] {
  const visible: RecordEntry[] = [];
  for (const entry of entries) if (instantOn(entry, clock) <= atMs) visible.push(entry);
  if (clock === 'occurred') {
    visible.sort((a, b) => a.occurredAtMs - b.occurredAtMs || a.revision - b.revision);
  } else {
    visible.sort((a, b) => a.revision - b.revision);
  }
  return visible;
}

/** Where the clocks disagree at `atMs`: what had been said but was not yet known, and the reverse. */
export type ClockDifference = {
  /** Said by T, recorded after T: the company did not know it at T. */
  readonly saidNotYetRecorded: RecordEntry[];
  /** Recorded by T, said after T (only within the allowed clock skew of a device). */
  readonly recordedBeforeSaid: RecordEntry[];
};

export function clockDifference(entries: Iterable<RecordEntry>, atMs: number): ClockDifference {
  const saidNotYetRecorded: RecordEntry[] = [];
  const recordedBeforeSaid: RecordEntry[] = [];
  for (const entry of entries) {
    const said = entry.occurredAtMs <= atMs;
    const known = entry.recordedAtMs <= atMs;
    if (said && !known) saidNotYetRecorded.push(entry);
    if (known && !said) recordedBeforeSaid.push(entry);
  }
  return { saidNotYetRecorded, recordedBeforeSaid };
}

/** Entries recorded within this long after they were said are looked up by when they were said. */
const PROMPT_WITHIN_MS = 24 * 60 * 60 * 1000;

function byRevision(a: RecordEntry, b: RecordEntry): number {
  return a.revision - b.revision;
}

/**
 * `clockDifference` for any instant without looking at every entry. An
 * entry recorded within a day of being said can differ only at an instant
 * in that day, so those are kept in occurred order and only the day before
 * the instant is looked at; the rest — recorded later than that, or before
 * they were said — are few and looked at whole. Entries recorded as they
 * were said never differ and are not kept. Answers in revision order.
 */
export class ClockDifferences {
  private readonly prompt: RecordEntry[] = [];
  private readonly others: RecordEntry[] = [];

  add(entry: RecordEntry): void {
    const lag = entry.recordedAtMs - entry.occurredAtMs;
    if (lag === 0) return;
    if (lag < 0 || lag > PROMPT_WITHIN_MS) {
      this.others.push(entry);
      return;
    }
    let at = this.prompt.length;
    while (at > 0 && this.prompt[at - 1]!.occurredAtMs > entry.occurredAtMs) at -= 1;
    this.prompt.splice(at, 0, entry);
  }

  at(atMs: number): ClockDifference {
    let low = 0;
    let high = this.prompt.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.prompt[mid]!.occurredAtMs <= atMs - PROMPT_WITHIN_MS) low = mid + 1;
      else high = mid;
    }
    const candidates = this.others.slice();
    for (let at = low; at < this.prompt.length; at++) {
      const entry = this.prompt[at]!;
      if (entry.occurredAtMs > atMs) break;
      candidates.push(entry);
    }
    return clockDifference(candidates.sort(byRevision), atMs);
  }
}
