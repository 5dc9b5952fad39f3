import type { KeyObject } from 'node:crypto';
import { type StoredEvent, findChainBreak, formatPosition } from '@onrecord/event-store';
import { verifyCheckpoint } from './checkpoint.js';
import { ed25519PublicKey, publicKeyPem } from './ed25519-keys.js';
import { eventLeafHash } from './event-leaf.js';
import { BundleBuildError, CheckpointVerificationError, NoteKeyError } from './ledger-errors.js';
import { sameBytes, toHex } from './merkle-hashing.js';
import type { MerkleLog } from './merkle-log.js';

/** Value of a dispute bundle's `format` member. */
export const DISPUTE_BUNDLE_FORMAT = 'onrecord.dispute-bundle';
/** The bundle layout version this code writes and reads. */
export const DISPUTE_BUNDLE_VERSION = 1;

/**
 * A stored event as a bundle carries it: the full envelope, with the global
 * position written as text (formatPosition: `"42"` or `"42:40"`) because JSON
 * has no 64-bit integers. The position is informative only: neither the chain
 * hash nor the Merkle leaf covers it.
 */
export type BundledEvent = Omit<StoredEvent, 'position'> & { readonly position: string };

/** One event of a bundle and the proof that the signed log holds it. */
export interface BundleEntry {
  readonly event: BundledEvent;
  /** 0-based index of the event's leaf (eventLeaf) in the ledger's Merkle log. */
  readonly leafIndex: number;
  /**
   * RFC 9162 inclusion path from the event's leaf to the checkpoint's root:
   * lowercase hex hashes, the leaf's sibling first.
   */
  readonly inclusionProof: readonly string[];
}

/**
 * A dispute bundle: an account's events over a revision range, with
 * everything a third party needs to check them offline, trusting nothing but
 * the log's public key.
 *
 * - Each event's `hash` is recomputed (chainHash) and each link checked:
 *   revisions run fromRevision..toRevision without a gap, and each prevHash is
 *   the previous event's hash.
 * - A range may start after revision 0. Its first event's prevHash cannot be
 *   checked against an event the bundle does not carry, so the bundle states
 *   it as `precedingHash` (GENESIS_HASH when fromRevision is 0). That value is
 *   authenticated anyway: prevHash is inside the first event's leaf, which the
 *   signed checkpoint covers. What a range bundle cannot show is what lies
 *   outside the range; for the whole history, export from revision 0.
 * - Every event's leaf is proven included in ONE signed checkpoint (C2SP
 *   tlog-checkpoint note, Ed25519), whose key is given as SPKI PEM.
 */
export interface DisputeBundle {
  readonly format: typeof DISPUTE_BUNDLE_FORMAT;
  readonly version: typeof DISPUTE_BUNDLE_VERSION;
  /** The account's stream, e.g. `account-<id>`. */
  readonly streamId: string;
  readonly fromRevision: number;
  readonly toRevision: number;
  /** Hash of the event before fromRevision, or GENESIS_HASH when fromRevision is 0. */
  readonly precedingHash: string;
  /** The events in revision order, each with its inclusion proof. */
  readonly entries: readonly BundleEntry[];
  /** The signed checkpoint note every proof leads to. */
  readonly checkpoint: string;
  /** The log's Ed25519 public key (SPKI PEM) that signed the checkpoint. */
  readonly publicKeyPem: string;
}

/** What an export hands to buildBundle. */
export interface BundleSource {
  /** Consecutive events of one stream, in revision order. */
  readonly events: readonly StoredEvent[];
  /** Each event's leaf index in `log`, in the same order. */
  readonly leafIndices: readonly number[];
  readonly log: MerkleLog;
  /** A checkpoint of `log` signed by `publicKey`'s private half; its size bounds the proofs. */
  readonly checkpoint: string;
  readonly publicKey: string | KeyObject;
}

/** The JSON form of a stored event in a bundle. */
export function toBundledEvent(event: StoredEvent): BundledEvent {
  return { ...event, position: formatPosition(event.position) };
}

/**
 * Assembles a dispute bundle, refusing (BundleBuildError) anything that would
 * not verify: a broken chain, a checkpoint that is not this log's or not
 * signed by the key, a leaf index that does not hold the event.
 */
export function buildBundle(source: BundleSource): DisputeBundle {
  const { events, leafIndices, log } = source;
  const first = events[0];
  const last = events[events.length - 1];
  if (!first || !last) throw new BundleBuildError('a bundle holds at least one event');
  if (leafIndices.length !== events.length) {
    throw new BundleBuildError(`${events.length} events but ${leafIndices.length} leaf indices`);
  }
  const streamId = first.streamId;
  const anchor =
    first.revision === 0 ? null : { revision: first.revision - 1, hash: first.prevHash };
  const broken = findChainBreak(streamId, events, anchor);
  if (broken) {
    throw new BundleBuildError(
      `event ${broken.eventId} (revision ${broken.revision}): ${broken.reason}`,
      { ...broken },
    );
  }

  let publicKey;
  let checkpoint;
  try {
    publicKey = ed25519PublicKey(source.publicKey);
    checkpoint = verifyCheckpoint(source.checkpoint, publicKey);
  } catch (error) {
    if (error instanceof NoteKeyError || error instanceof CheckpointVerificationError) {
      throw new BundleBuildError(error.message);
    }
    throw error;
  }
  const { treeSize, rootHash } = checkpoint;
  if (treeSize > log.size || !sameBytes(log.root(treeSize), rootHash)) {
    throw new BundleBuildError(
      `the checkpoint at size ${treeSize} is not a tree head of this log`,
      { treeSize },
    );
  }

  const entries = events.map((event, i): BundleEntry => {
    const leafIndex = leafIndices[i] ?? -1;
    if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) {
      throw new BundleBuildError(
        `event ${event.id} has leaf index ${leafIndex}, outside the checkpoint's ${treeSize} leaves`,
      );
    }
    if (!sameBytes(log.leafHash(leafIndex), eventLeafHash(event))) {
      throw new BundleBuildError(`leaf ${leafIndex} of the log is not event ${event.id}`, {
        eventId: event.id,
        leafIndex,
      });
    }
    return {
      event: toBundledEvent(event),
      leafIndex,
      inclusionProof: log.inclusionProof(leafIndex, treeSize).map(toHex),
    };
  });

  return {
    format: DISPUTE_BUNDLE_FORMAT,
    version: DISPUTE_BUNDLE_VERSION,
    streamId,
    fromRevision: first.revision,
    toRevision: last.revision,
    precedingHash: first.prevHash,
    entries,
    checkpoint: source.checkpoint,
    publicKeyPem: publicKeyPem(publicKey),
  };
}
