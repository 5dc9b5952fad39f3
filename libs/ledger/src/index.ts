export { leafHash, nodeHash } from './domain/merkle-hashing.js';
export { eventLeaf, eventLeafHash, type LeafSource } from './domain/event-leaf.js';
export { MerkleLog } from './domain/merkle-log.js';
export { type MerkleNode, type MerkleNodeStore } from './domain/merkle-node-store.port.js';
export { verifyInclusion, verifyConsistency } from './domain/merkle-proof.verifier.js';
export {
  type NoteSignature,
  type SignedNote,
  type NoteVerifier,
  parseSignedNote,
  noteKeyId,
  formatVerifierKey,
  parseVerifierKey,
} from './domain/signed-note.js';
export {
  type Checkpoint,
  type VerifiedCheckpoint,
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from './domain/checkpoint.js';
export {
  DISPUTE_BUNDLE_FORMAT,
  DISPUTE_BUNDLE_VERSION,
  type DisputeBundle,
  type BundleEntry,
  type BundledEvent,
  type BundleSource,
  buildBundle,
} from './domain/dispute-bundle.js';
export {
  type BundleCheck,
  type BundleVerification,
  type VerifyBundleOptions,
  verifyBundle,
} from './domain/dispute-bundle.verifier.js';
export {
  TreeRangeError,
  MissingMerkleNodeError,
  SignedNoteFormatError,
  NoteKeyError,
  CheckpointVerificationError,
  type CheckpointFailure,
  BundleBuildError,
} from './domain/ledger-errors.js';
export { InMemoryMerkleNodeStore } from './infrastructure/in-memory-merkle-node-store.js';
