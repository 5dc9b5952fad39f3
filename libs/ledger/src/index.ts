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
export { MerkleFrontier } from './domain/merkle-frontier.js';
export {
  LedgerStorage,
  type LeafRecord,
  type KeptCheckpoint,
} from './application/ledger-storage.port.js';
export { LedgerSigner } from './application/ledger-signer.js';
export {
  LedgerService,
  LEDGER_OPTIONS,
  type LedgerOptions,
  type CheckpointView,
  type InclusionProofView,
  type ConsistencyProofView,
  type PublicKeyView,
} from './application/ledger.service.js';
export {
  DisputeBundleExportService,
  MAX_BUNDLE_EVENTS,
} from './application/dispute-bundle-export.service.js';
export {
  EventNotInLedgerError,
  LedgerRangeError,
  RevisionRangeError,
  CheckpointNotFoundError,
  LedgerUnavailableError,
  LedgerOutOfStepError,
} from './application/ledger.errors.js';
export {
  verifyLedgerStore,
  type StoreCheck,
  type StoreFailure,
  type StoreVerification,
  type VerifyLedgerStoreOptions,
} from './application/verify-ledger-store.js';
export {
  SqliteMerkleNodeStore,
  type SqliteMerkleNodeStoreOptions,
} from './infrastructure/sqlite-merkle-node-store.js';
export {
  LEDGER_DATABASE_FILE,
  LEDGER_KEY_FILE,
  DEFAULT_LEDGER_ORIGIN,
  type LedgerConfig,
  readLedgerConfig,
} from './infrastructure/ledger-config.js';
export { LedgerKeyFileError, loadLedgerKeyFile } from './infrastructure/ledger-key-file.js';
export { VERIFIER_KEY_HEADER } from './http/ledger.controller.js';
export { LedgerModule } from './ledger.module.js';
