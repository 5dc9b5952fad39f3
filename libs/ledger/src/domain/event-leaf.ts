import { type StoredEvent, canonicalEnvelope } from '@onrecord/event-store';
import { leafHash } from './merkle-hashing.js';

/**
 * What an event's leaf covers: the whole envelope except the global position,
 * which EventStoreDB assigns only after the append and which is not part of
 * what was said. A bundle carries the position, but nothing proves it.
 */
export type LeafSource = Omit<StoredEvent, 'position'>;

/**
 * An event's leaf in the ledger's Merkle log: the UTF-8 bytes of the RFC 8785
 * canonical JSON of the object with exactly these members —
 * `id, type, schemaVersion, streamId, revision, data, metadata, recordedAt,
 * prevHash` (the per-stream chain's hashed body, see canonicalBody) plus
 * `hash` (the event's chain hash, lowercase hex). JCS orders the members:
 * `data, hash, id, metadata, prevHash, recordedAt, revision, schemaVersion,
 * streamId, type`.
 *
 * Including `hash` ties the log to the chain: a leaf proves the event and
 * the exact link it holds in its stream. The text comes from
 * canonicalEnvelope, written by the chain's own definition of the hashed
 * body, so the two cannot drift apart.
 */
export function eventLeaf(event: LeafSource): Uint8Array {
  return Buffer.from(canonicalEnvelope(event), 'utf8');
}

/** leafHash(eventLeaf(event)): what the log appends for an event. */
export function eventLeafHash(event: LeafSource): Uint8Array {
  return leafHash(eventLeaf(event));
}
