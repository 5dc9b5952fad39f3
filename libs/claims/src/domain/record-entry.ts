import type { JsonObject, JsonValue } from '@onrecord/kernel';
import { type StoredEvent, formatPosition } from '@onrecord/event-store';
import {
  type AccountEvent,
  type Policy,
  isAccountEventType,
  isRecordedLate,
} from '@onrecord/commitments';

/**
 * One event of an account's stream as evidence: its business data and the
 * envelope facts a third party checks — who said it, in which role and on
 * which channel, when it was said and when it was stored, where it sits in
 * the stream and in the global log, and its hash. Instants are also kept in
 * milliseconds so that filters on either clock compare numbers.
 */
export interface RecordEntry {
  readonly id: string;
  readonly type: string;
  readonly revision: number;
  /** Global position, as written on the wire (`"42"` or `"42:40"`). */
  readonly position: string;
  readonly data: JsonObject;
  readonly occurredAt: string;
  readonly occurredAtMs: number;
  readonly recordedAt: string;
  readonly recordedAtMs: number;
  readonly actor: { readonly id: string; readonly role: string };
  readonly channel: string | null;
  /** As stored: personal fields sealed. The application reveals them on the way out. */
  readonly counterparty: JsonValue | null;
  readonly hash: string;
}

export function entryOf(event: StoredEvent): RecordEntry {
  return {
    id: event.id,
    type: event.type,
    revision: event.revision,
    position: formatPosition(event.position),
    data: event.data,
    occurredAt: event.metadata.occurredAt,
    occurredAtMs: Date.parse(event.metadata.occurredAt),
    recordedAt: event.recordedAt,
    recordedAtMs: Date.parse(event.recordedAt),
    actor: { id: event.metadata.actor.id, role: event.metadata.actor.role },
    channel: event.metadata.channel ?? null,
    counterparty: event.metadata.counterparty ?? null,
    hash: event.hash,
  };
}

/** The commitments event an entry holds, or null for a type the commitments catalogue does not know. */
export function accountEventOf(entry: RecordEntry): AccountEvent | null {
  return isAccountEventType(entry.type)
    ? ({ type: entry.type, data: entry.data } as AccountEvent)
    : null;
}

/** How late an entry was stored, in whole minutes (0 when stored as it was said). */
export function lagMinutes(entry: RecordEntry): number {
  return Math.max(0, Math.floor((entry.recordedAtMs - entry.occurredAtMs) / 60_000));
}

/**
 * Whether the entry counts as recorded late under `policy` (its
 * lateEntryThresholdMinutes). Without a policy nothing is judged late.
 */
export function isLate(entry: RecordEntry, policy: Policy | null): boolean {
  return policy !== null && isRecordedLate(policy, entry.occurredAt, entry.recordedAt);
}
