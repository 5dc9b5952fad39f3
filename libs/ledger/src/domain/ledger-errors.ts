import { DomainError } from '@onrecord/kernel';

/** A leaf index or tree size outside what the Merkle log holds. */
export class TreeRangeError extends DomainError {
  readonly code = 'merkle-range';
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(reason, details);
  }
}

/**
 * The node store lacks a perfect-subtree hash that its size says it has: the
 * store was truncated or written around the log. Nothing can be proven from it.
 */
export class MissingMerkleNodeError extends DomainError {
  readonly code = 'merkle-node-missing';
  constructor(
    readonly level: number,
    readonly index: number,
  ) {
    super(`Merkle node store has no hash at level ${level}, index ${index}`, { level, index });
  }
}

/** Text that is not a well-formed C2SP signed note. */
export class SignedNoteFormatError extends DomainError {
  readonly code = 'signed-note-format';
  constructor(reason: string) {
    super(`Not a signed note: ${reason}`, { reason });
  }
}

/** A key given to sign or verify that is not usable as a C2SP Ed25519 note key. */
export class NoteKeyError extends DomainError {
  readonly code = 'note-key';
  constructor(reason: string) {
    super(`Unusable note key: ${reason}`, { reason });
  }
}

/**
 * Which check a checkpoint failed:
 * - `key`: the verifier key is not an Ed25519 public key (PEM, KeyObject or vkey);
 * - `note-format`: the text is not a signed note;
 * - `unknown-key`: no signature line carries this key's name and key ID;
 * - `signature`: a signature line of this key does not verify over the text;
 * - `checkpoint-format`: the signed text is not a checkpoint with a timestamp.
 */
export type CheckpointFailure =
  'key' | 'note-format' | 'unknown-key' | 'signature' | 'checkpoint-format';

/** A checkpoint that must not be trusted, naming the check it failed. */
export class CheckpointVerificationError extends DomainError {
  readonly code = 'checkpoint-not-verified';
  constructor(
    readonly failure: CheckpointFailure,
    reason: string,
  ) {
    super(`Checkpoint not verified (${failure}): ${reason}`, { failure, reason });
  }
}

/** Inputs from which no verifiable dispute bundle can be built; nothing was exported. */
export class BundleBuildError extends DomainError {
  readonly code = 'dispute-bundle-build';
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(`Cannot build dispute bundle: ${reason}`, details);
  }
}
