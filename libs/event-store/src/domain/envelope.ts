import type { JsonObject } from '@onrecord/kernel';

/** Who said it, taken from the caller's credential and never from a request body. */
export interface Actor {
  readonly id: string;
  readonly role: string;
}

/**
 * What the writer supplies about an event besides its data. `recordedAt` is
 * absent on purpose: the store stamps it.
 */
export interface EventMetadata {
  /** When it was said (ISO 8601). May be earlier than recordedAt, never later. */
  readonly occurredAt: string;
  readonly actor: Actor;
  /** How it was said: phone, email, meeting, portal, chat, letter, system. */
  readonly channel?: string;
  /** The customer's contact it was said to (a contact id, or an opaque reference). */
  readonly counterparty?: JsonObject | null;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Documents backing the record (an email, a signed quote): where they are and their SHA-256. */
  readonly evidence?: ReadonlyArray<{ readonly uri: string; readonly sha256: string }>;
}

/** An event as a writer hands it to the store. */
export interface NewEvent {
  /** UUID; the idempotency key of the append. */
  readonly id: string;
  /** Past-tense business name, e.g. `ConcessionGranted`. */
  readonly type: string;
  /** Version of `data`'s shape for this type; 1 unless the type evolved. */
  readonly schemaVersion?: number;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
}

/**
 * A point in the global order of all events. The embedded stores use a dense
 * sequence starting at 1 (commit === prepare === sequence); EventStoreDB uses
 * its transaction-log pair. Both halves are always kept.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** An event as stored: the full envelope of DESIGN.md. */
export interface StoredEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly streamId: string;
  /** 0-based index of the event in its stream. */
  readonly revision: number;
  readonly position: Position;
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
  /** When the store accepted it (ISO 8601), set by the store. */
  readonly recordedAt: string;
  /** Hash of the previous event in the stream, or GENESIS_HASH for revision 0. */
  readonly prevHash: string;
  /** SHA-256 (hex) of prevHash ‖ canonical JSON of the hashed body. */
  readonly hash: string;
}

/** What a writer expects the stream to look like before its append lands. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  readonly streamId: string;
  /** Revision of the last event now in the stream. */
  readonly nextExpectedRevision: number;
  /** Position of the last appended event: a read model that reached it reflects this append. */
  readonly position: Position;
  readonly events: readonly StoredEvent[];
}

export function formatPosition(position: Position): string {
  return position.commit === position.prepare
    ? position.commit.toString()
    : `${position.commit}:${position.prepare}`;
}

/** Parses `"42"` or `"42:40"`; returns null for anything else. */
export function parsePosition(text: string): Position | null {
  const match = /^(\d{1,20})(?::(\d{1,20}))?$/.exec(text);
  if (!match) return null;
  const commit = BigInt(match[1]!);
  const prepare = match[2] === undefined ? commit : BigInt(match[2]);
  return { commit, prepare };
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function sequencePosition(sequence: number | bigint): Position {
  const n = BigInt(sequence);
  return { commit: n, prepare: n };
}
