import { GENESIS_HASH, type EventMetadata, chainHash, parsePosition } from '@onrecord/event-store';
import { isJsonObject } from '@onrecord/kernel';
import { type VerifiedCheckpoint, verifyCheckpoint } from './checkpoint.js';
import {
  DISPUTE_BUNDLE_FORMAT,
  DISPUTE_BUNDLE_VERSION,
  type DisputeBundle,
} from './dispute-bundle.js';
import { ed25519PublicKey, rawPublicKey } from './ed25519-keys.js';
import { eventLeafHash } from './event-leaf.js';
import { CheckpointVerificationError, NoteKeyError } from './ledger-errors.js';
import { hashFromHex, sameBytes, toBase64 } from './merkle-hashing.js';
import { verifyInclusion } from './merkle-proof.verifier.js';
import { formatVerifierKey } from './signed-note.js';

/**
 * The checks of a dispute bundle, in the order they run:
 * - `format`: the JSON is not a bundle of this version;
 * - `public-key`: the bundle's key is not an Ed25519 public key;
 * - `trusted-key`: the bundle's key is not the key the verifier trusts;
 * - `checkpoint`: the checkpoint note does not verify under the bundle's key;
 * - `range`: the stated range does not match the events;
 * - `stream`: an event belongs to another stream;
 * - `revision`: an event is missing, extra or out of order;
 * - `prev-hash`: an event does not link to the one before it;
 * - `event-hash`: an event's content does not match its hash;
 * - `leaf-index`: an event's leaf index is outside the checkpoint or not rising;
 * - `inclusion`: the inclusion proof does not lead to the checkpoint's root.
 */
export type BundleCheck =
  | 'format'
  | 'public-key'
  | 'trusted-key'
  | 'checkpoint'
  | 'range'
  | 'stream'
  | 'revision'
  | 'prev-hash'
  | 'event-hash'
  | 'leaf-index'
  | 'inclusion';

export type BundleVerification =
  | {
      readonly ok: true;
      readonly streamId: string;
      readonly fromRevision: number;
      readonly toRevision: number;
      readonly eventCount: number;
      /** False for a range that starts after revision 0: earlier history is not in the bundle. */
      readonly startsAtGenesis: boolean;
      readonly checkpoint: VerifiedCheckpoint;
      /** The signing key as a C2SP vkey, to compare with the log's published key. */
      readonly verifierKey: string;
      /**
       * True when the key was checked against `trustedPublicKeyPem`. When false
       * the bundle is only consistent with itself: whoever made it could have
       * made the key too.
       */
      readonly keyTrusted: boolean;
    }
  | {
      readonly ok: false;
      readonly check: BundleCheck;
      readonly reason: string;
      /** The first event that failed, when the failure is an event's. */
      readonly eventId?: string;
      readonly revision?: number;
    };

export interface VerifyBundleOptions {
  /** The log's public key (SPKI PEM) obtained out of band; the bundle's key must be it. */
  readonly trustedPublicKeyPem?: string;
}

/**
 * Verifies a dispute bundle offline and names the first thing that fails.
 * Takes the parsed JSON as is (`unknown`): the bundle is evidence from
 * outside and its shape is checked too. Never throws for a bad bundle; throws
 * NoteKeyError only when `trustedPublicKeyPem` itself is not a usable key.
 */
export function verifyBundle(
  input: unknown,
  options: VerifyBundleOptions = {},
): BundleVerification {
  const shape = readBundle(input);
  if ('problem' in shape) return { ok: false, check: 'format', reason: shape.problem, ...shape.at };
  const bundle = shape.bundle;

  let publicKey;
  try {
    publicKey = ed25519PublicKey(bundle.publicKeyPem);
  } catch (error) {
    if (error instanceof NoteKeyError)
      return { ok: false, check: 'public-key', reason: error.message };
    throw error;
  }
  const keyTrusted = options.trustedPublicKeyPem !== undefined;
  if (options.trustedPublicKeyPem !== undefined) {
    const trusted = rawPublicKey(ed25519PublicKey(options.trustedPublicKeyPem));
    const carried = rawPublicKey(publicKey);
    if (!sameBytes(trusted, carried)) {
      return {
        ok: false,
        check: 'trusted-key',
        reason: `the bundle is signed with key ${toBase64(carried)}, not the trusted key ${toBase64(trusted)}`,
      };
    }
  }

  let checkpoint: VerifiedCheckpoint;
  try {
    checkpoint = verifyCheckpoint(bundle.checkpoint, publicKey);
  } catch (error) {
    if (error instanceof CheckpointVerificationError)
      return { ok: false, check: 'checkpoint', reason: error.message };
    throw error;
  }

  const { fromRevision, toRevision } = bundle;
  if (fromRevision > toRevision) {
    return {
      ok: false,
      check: 'range',
      reason: `fromRevision ${fromRevision} is after toRevision ${toRevision}`,
    };
  }
  if (fromRevision === 0 && bundle.precedingHash !== GENESIS_HASH) {
    return {
      ok: false,
      check: 'range',
      reason: 'a range from revision 0 must have the genesis hash as precedingHash',
    };
  }

  let expectedRevision = fromRevision;
  let expectedPrev = bundle.precedingHash;
  let previousLeaf = -1;
  for (const { event, leafIndex, inclusionProof } of bundle.entries) {
    const fail = (check: BundleCheck, reason: string): BundleVerification => ({
      ok: false,
      check,
      reason,
      eventId: event.id,
      revision: event.revision,
    });
    if (event.streamId !== bundle.streamId) {
      return fail('stream', `belongs to stream ${event.streamId}, not ${bundle.streamId}`);
    }
    if (event.revision > toRevision) {
      return fail(
        'range',
        `revision ${event.revision} is after the bundle's toRevision ${toRevision}`,
      );
    }
    if (event.revision !== expectedRevision) {
      return fail(
        'revision',
        `revision ${event.revision} where ${expectedRevision} was expected (an event is missing or out of order)`,
      );
    }
    if (event.prevHash !== expectedPrev) {
      return fail(
        'prev-hash',
        `prevHash ${event.prevHash} is not the previous event's hash ${expectedPrev}`,
      );
    }
    const recomputed = chainHash(event);
    if (recomputed !== event.hash) {
      return fail(
        'event-hash',
        `content does not match its hash (carried ${event.hash}, recomputed ${recomputed})`,
      );
    }
    if (leafIndex >= checkpoint.treeSize) {
      return fail(
        'leaf-index',
        `leaf index ${leafIndex} is outside the checkpoint's ${checkpoint.treeSize} leaves`,
      );
    }
    // The log appends events in global order, and a stream's order is part of it.
    if (leafIndex <= previousLeaf) {
      return fail(
        'leaf-index',
        `leaf index ${leafIndex} does not come after the previous event's ${previousLeaf}`,
      );
    }
    const path = inclusionProof.map((hex) => hashFromHex(hex) ?? new Uint8Array());
    if (
      !verifyInclusion(
        eventLeafHash(event),
        leafIndex,
        checkpoint.treeSize,
        path,
        checkpoint.rootHash,
      )
    ) {
      return fail(
        'inclusion',
        `the inclusion proof for leaf ${leafIndex} does not lead to the checkpoint's root`,
      );
    }
    expectedRevision += 1;
    expectedPrev = event.hash;
    previousLeaf = leafIndex;
  }
  const lastRevision = expectedRevision - 1;
  if (lastRevision !== toRevision) {
    return {
      ok: false,
      check: 'range',
      reason: `the events end at revision ${lastRevision}, the bundle states ${toRevision}`,
    };
  }

  return {
    ok: true,
    streamId: bundle.streamId,
    fromRevision,
    toRevision,
    eventCount: bundle.entries.length,
    startsAtGenesis: fromRevision === 0,
    checkpoint,
    verifierKey: formatVerifierKey(checkpoint.keyName, publicKey),
    keyTrusted,
  };
}

type Shape =
  | { readonly bundle: DisputeBundle }
  | {
      readonly problem: string;
      readonly at?: { readonly eventId?: string; readonly revision?: number };
    };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0;
const isHexHash = (value: unknown): value is string =>
  typeof value === 'string' && hashFromHex(value) !== null;

/** Checks the bundle's JSON shape, naming the first member that is wrong. */
function readBundle(input: unknown): Shape {
  if (!isRecord(input)) return { problem: 'a bundle is a JSON object' };
  if (input.format !== DISPUTE_BUNDLE_FORMAT)
    return { problem: `format is not ${DISPUTE_BUNDLE_FORMAT}` };
  if (input.version !== DISPUTE_BUNDLE_VERSION) {
    return { problem: `version ${String(input.version)} is not ${DISPUTE_BUNDLE_VERSION}` };
  }
  if (typeof input.streamId !== 'string' || input.streamId.length === 0)
    return { problem: 'streamId is not a string' };
  if (!isCount(input.fromRevision) || !isCount(input.toRevision)) {
    return { problem: 'fromRevision and toRevision are not whole numbers' };
  }
  if (!isHexHash(input.precedingHash))
    return { problem: 'precedingHash is not a 64-digit hex hash' };
  if (typeof input.checkpoint !== 'string')
    return { problem: 'checkpoint is not a signed note text' };
  if (typeof input.publicKeyPem !== 'string') return { problem: 'publicKeyPem is not a PEM text' };
  if (!Array.isArray(input.entries) || input.entries.length === 0)
    return { problem: 'entries is not a non-empty list' };
  for (const [i, entry] of (input.entries as unknown[]).entries()) {
    const problem = entryProblem(entry);
    if (problem) {
      const event: unknown = isRecord(entry) ? entry.event : undefined;
      const at = isRecord(event)
        ? {
            ...(typeof event.id === 'string' ? { eventId: event.id } : {}),
            ...(isCount(event.revision) ? { revision: event.revision } : {}),
          }
        : {};
      return { problem: `entries[${i}]: ${problem}`, at };
    }
  }
  return { bundle: input as unknown as DisputeBundle };
}

function entryProblem(entry: unknown): string | null {
  if (!isRecord(entry)) return 'not an object';
  if (!isCount(entry.leafIndex)) return 'leafIndex is not a whole number';
  const proof = entry.inclusionProof;
  if (!Array.isArray(proof) || !proof.every(isHexHash))
    return 'inclusionProof is not a list of hex hashes';
  const event = entry.event;
  if (!isRecord(event)) return 'event is not an object';
  for (const key of ['id', 'type', 'streamId', 'recordedAt', 'position'] as const) {
    if (typeof event[key] !== 'string') return `event.${key} is not a string`;
  }
  if (parsePosition(event.position as string) === null) return 'event.position is not a position';
  if (!isCount(event.schemaVersion) || !isCount(event.revision))
    return 'event.schemaVersion or event.revision is not a whole number';
  if (!isHexHash(event.prevHash) || !isHexHash(event.hash))
    return 'event.prevHash or event.hash is not a 64-digit hex hash';
  if (!isJsonObject(event.data)) return 'event.data is not a JSON object';
  if (!isMetadata(event.metadata)) return 'event.metadata lacks occurredAt or actor';
  return null;
}

function isMetadata(value: unknown): value is EventMetadata {
  if (!isJsonObject(value)) return false;
  const actor = value.actor;
  return (
    typeof value.occurredAt === 'string' &&
    isRecord(actor) &&
    typeof actor.id === 'string' &&
    typeof actor.role === 'string'
  );
}
