import { type JsonObject, isJsonObject } from '@onrecord/kernel';
import type { EventMetadata, Position, StoredEvent } from '../../domain/envelope.js';
import { CorruptEventError } from '../../domain/event-store-errors.js';

/**
 * An EventStoreDB record as the adapter sees it, whether it came through the
 * client's typed reads or a raw gRPC read.
 */
export interface EsdbRecord {
  readonly id: string;
  readonly streamId: string;
  readonly revision: bigint;
  readonly type: string;
  readonly position: Position | undefined;
  /** Parsed JSON when the record is JSON, its bytes otherwise. */
  readonly data: unknown;
  /** Parsed custom metadata JSON, its bytes, or undefined when empty. */
  readonly metadata: unknown;
}

/** The key under which our envelope travels in an event's metadata JSON. */
const ENVELOPE_KEY = 'onrecord';
const ENVELOPE_VERSION = 1;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The store-owned envelope fields, stored in the event's metadata JSON
 * (EventStoreDB keeps id, type, stream, revision and position itself).
 * `$correlationId` / `$causationId` repeat the caller's ids under the names
 * EventStoreDB's own projections and UI understand.
 */
interface EnvelopeMetadata {
  readonly [ENVELOPE_KEY]: {
    readonly v: typeof ENVELOPE_VERSION;
    readonly schemaVersion: number;
    readonly recordedAt: string;
    readonly prevHash: string;
    readonly hash: string;
    readonly metadata: EventMetadata;
  };
  readonly $correlationId?: string;
  readonly $causationId?: string;
}

/** What the adapter hands to the client's `jsonEvent`: data as-is, the envelope as metadata. */
export function toEsdbEventParts(event: StoredEvent): {
  id: string;
  type: string;
  data: JsonObject;
  metadata: JsonObject;
} {
  const envelope: EnvelopeMetadata = {
    [ENVELOPE_KEY]: {
      v: ENVELOPE_VERSION,
      schemaVersion: event.schemaVersion,
      recordedAt: event.recordedAt,
      prevHash: event.prevHash,
      hash: event.hash,
      metadata: event.metadata,
    },
    ...(event.metadata.correlationId ? { $correlationId: event.metadata.correlationId } : {}),
    ...(event.metadata.causationId ? { $causationId: event.metadata.causationId } : {}),
  };
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: envelope as unknown as JsonObject,
  };
}

/**
 * True for events this adapter wrote. Everything else in $all (the server's
 * own `$` events, other applications sharing the database) is foreign and
 * skipped by $all reads and subscriptions.
 */
export function isOnRecordRecord(record: EsdbRecord): boolean {
  return (
    typeof record.metadata === 'object' &&
    record.metadata !== null &&
    ENVELOPE_KEY in record.metadata
  );
}

/** Rebuilds the stored envelope; anything malformed is a CorruptEventError naming the event. */
export function fromEsdbRecord(record: EsdbRecord): StoredEvent {
  const revision = Number(record.revision);
  const corrupt = (reason: string): CorruptEventError =>
    new CorruptEventError(record.streamId, revision, record.id, reason);
  if (!isOnRecordRecord(record)) throw corrupt('it carries no OnRecord envelope in its metadata');
  const envelope = (record.metadata as Record<string, unknown>)[ENVELOPE_KEY];
  if (typeof envelope !== 'object' || envelope === null)
    throw corrupt('its envelope is not an object');
  const { v, schemaVersion, recordedAt, prevHash, hash, metadata } = envelope as Record<
    string,
    unknown
  >;
  if (v !== ENVELOPE_VERSION) throw corrupt(`unknown envelope version ${String(v)}`);
  if (
    typeof schemaVersion !== 'number' ||
    !Number.isSafeInteger(schemaVersion) ||
    schemaVersion < 1
  ) {
    throw corrupt('its schemaVersion is not an integer >= 1');
  }
  if (typeof recordedAt !== 'string' || Number.isNaN(Date.parse(recordedAt)))
    throw corrupt('its recordedAt is not an instant');
  if (typeof prevHash !== 'string' || !SHA256_HEX.test(prevHash))
    throw corrupt('its prevHash is not a SHA-256 hex digest');
  if (typeof hash !== 'string' || !SHA256_HEX.test(hash))
    throw corrupt('its hash is not a SHA-256 hex digest');
  if (!isJsonObject(metadata)) throw corrupt('its metadata is not a JSON object');
  if (!isJsonObject(record.data)) throw corrupt('its data is not a JSON object');
  if (!record.position)
    throw corrupt(
      'the server reported no position for it (EventStoreDB 22.6 or later is required)',
    );
  return {
    id: record.id.toLowerCase(),
    type: record.type,
    schemaVersion,
    streamId: record.streamId,
    revision,
    position: { commit: record.position.commit, prepare: record.position.prepare },
    data: record.data,
    metadata: metadata as unknown as EventMetadata,
    recordedAt,
    prevHash,
    hash,
  };
}
