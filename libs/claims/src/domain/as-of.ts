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
