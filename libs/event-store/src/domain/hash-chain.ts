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
  return canonicalJson(hashedBodyObject(event));
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

/** hash = hex(SHA-256(prevHash ‖ canonical JSON of the event)). */
export function chainHash(event: HashedBody): string {
  return createHash('sha256')
    .update(event.prevHash, 'utf8')
    .update(canonicalBody(event), 'utf8')
    .digest('hex');
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
