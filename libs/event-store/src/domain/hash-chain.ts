import { createHash } from 'node:crypto';
import { type JsonObject, canonicalJson } from '@onrecord/kernel';
import type { StoredEvent } from './envelope.js';

/** prevHash of the first event of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an event's hash covers: everything but the hash and the global position. */
export type HashedBody = Omit<StoredEvent, 'hash' | 'position'>;

/**
 * The event's canonical bytes (RFC 8785 JSON Canonicalization Scheme). The
 * global position is left out because EventStoreDB only knows it after the
 * append, and the chain must be computable before it.
 */
export function canonicalBody(event: HashedBody): string {
  return wellFormed(event)
    ? canonicalBodyText(event, canonicalJson(event.data), canonicalJson(event.metadata))
    : canonicalJson(hashedBodyObject(event));
}

/** The members an event's hash covers, as one JSON object (canonicalBody is its RFC 8785 text). */
export function hashedBodyObject(event: HashedBody): JsonObject {
  return {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    revision: event.revision,
    data: event.data,
    metadata: event.metadata as unknown as JsonObject,
    recordedAt: event.recordedAt,
    prevHash: event.prevHash,
  };
}

/**
 * RFC 8785 text of the envelope without its global position: the hashed body
 * plus `hash` (JCS puts it between `data` and `id`). Equal to
 * canonicalJson({ ...hashedBodyObject(event), hash: event.hash }).
 */
export function canonicalEnvelope(event: HashedBody & { readonly hash: string }): string {
  return wellFormed(event) && typeof event.hash === 'string'
    ? canonicalBodyText(event, canonicalJson(event.data), canonicalJson(event.metadata), event.hash)
    : canonicalJson({ ...hashedBodyObject(event), hash: event.hash });
}

/**
 * canonicalJson(hashedBodyObject(event)) (plus `hash` when given), written
 * from the canonical text of `data` and `metadata`, which the caller may
 * already hold. The members are fixed, so their JCS order is written out:
 * data, [hash,] id, metadata, prevHash, recordedAt, revision, schemaVersion,
 * streamId, type. Only for a well-formed envelope (see wellFormed).
 */
export function canonicalBodyText(
  event: HashedBody,
  canonicalData: string,
  canonicalMetadata: string,
  hash?: string,
): string {
  return (
    `{"data":${canonicalData}` +
    (hash === undefined ? '' : `,"hash":${canonicalJson(hash)}`) +
    `,"id":${canonicalJson(event.id)}` +
    `,"metadata":${canonicalMetadata}` +
    `,"prevHash":${canonicalJson(event.prevHash)}` +
    `,"recordedAt":${canonicalJson(event.recordedAt)}` +
    `,"revision":${event.revision}` +
    `,"schemaVersion":${event.schemaVersion}` +
    `,"streamId":${canonicalJson(event.streamId)}` +
    `,"type":${canonicalJson(event.type)}}`
  );
}

/**
 * Whether canonicalBodyText writes exactly what canonicalJson would: every
 * member present with the type the envelope declares. Anything else (a
 * tampered or truncated envelope from a bundle) takes the general path, so a
 * malformed event hashes exactly as it always did.
 */
function wellFormed(event: HashedBody): boolean {
  return (
    typeof event.id === 'string' &&
    typeof event.type === 'string' &&
    typeof event.streamId === 'string' &&
    typeof event.recordedAt === 'string' &&
    typeof event.prevHash === 'string' &&
    Number.isSafeInteger(event.revision) &&
    Number.isSafeInteger(event.schemaVersion) &&
    isPlainObject(event.data) &&
    isPlainObject(event.metadata)
  );
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** hex(SHA-256(prevHash ‖ canonical body)): one link of the chain. */
export function sha256Link(prevHash: string, body: string): string {
  return createHash('sha256').update(prevHash, 'utf8').update(body, 'utf8').digest('hex');
}

/** hash = hex(SHA-256(prevHash ‖ canonical JSON of the event)). */
export function chainHash(event: HashedBody): string {
  return sha256Link(event.prevHash, canonicalBody(event));
}

export type ChainBreak = {
  readonly revision: number;
  readonly eventId: string;
  readonly reason: string;
};

/**
 * Checks one stream's events, in revision order from 0, link by link.
 * Returns the first broken link, or null when the chain holds.
 */
export function findChainBreak(
  streamId: string,
  events: Iterable<StoredEvent>,
  previous: { revision: number; hash: string } | null = null,
): ChainBreak | null {
  let expectedRevision = previous ? previous.revision + 1 : 0;
  let expectedPrev = previous ? previous.hash : GENESIS_HASH;
  for (const event of events) {
    const at = { revision: event.revision, eventId: event.id };
    if (event.streamId !== streamId) {
      return { ...at, reason: `belongs to stream ${event.streamId}, not ${streamId}` };
    }
    if (event.revision !== expectedRevision) {
      return {
        ...at,
        reason: `revision ${event.revision} where ${expectedRevision} was expected (an event is missing or out of order)`,
      };
    }
    if (event.prevHash !== expectedPrev) {
      return {
        ...at,
        reason: `prevHash ${event.prevHash} does not match the previous event's hash ${expectedPrev}`,
      };
    }
    const recomputed = chainHash(event);
    if (recomputed !== event.hash) {
      return {
        ...at,
        reason: `content does not match its hash (stored ${event.hash}, recomputed ${recomputed})`,
      };
    }
    expectedRevision += 1;
    expectedPrev = event.hash;
  }
  return null;
}
