import type { MerkleNode, MerkleNodeStore } from '../domain/merkle-node-store.port.js';

/** Which event a leaf of the log is, and where it sits in the event store. */
export interface LeafRecord {
  /** 0-based index of the leaf in the Merkle log. */
  readonly leafIndex: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: number;
  /** The event's global position as formatPosition writes it (`"42"` or `"42:40"`). */
  readonly position: string;
}

/** A signed checkpoint the ledger issued. Checkpoints are kept forever. */
export interface KeptCheckpoint {
  readonly treeSize: number;
  /** The C2SP signed note, exactly as signed. */
  readonly note: string;
  /** When it was signed (ISO 8601, the note's timestamp line). */
  readonly createdAt: string;
}

/**
 * Everything the ledger keeps: the Merkle log's nodes, which event each leaf
 * is (and so the last position applied), and the signed checkpoints. It
 * doubles as the NestJS injection token.
 *
 * The leaves and the nodes they complete are written in one transaction, so
 * after a crash the log size, the leaf table and the resume position agree.
 */
export abstract class LedgerStorage implements MerkleNodeStore {
  abstract size(): number;
  abstract get(level: number, index: number): Uint8Array | undefined;
  abstract put(nodes: readonly MerkleNode[], newSize: number): void;

  /**
   * Runs `work` in one transaction: everything it writes lands, or nothing.
   * Nested calls join the outer transaction.
   */
  abstract transaction<T>(work: () => T): T;

  /** Records leaves after the current last one (their indices must continue it). */
  abstract addLeaves(leaves: readonly LeafRecord[]): void;

  /** The leaf of an event, or null when the log does not hold it. */
  abstract leafOf(eventId: string): LeafRecord | null;

  /** The leaf with the highest index: the last event applied. */
  abstract lastLeaf(): LeafRecord | null;

  /** Leaves in index order from `fromIndex`, at most `limit`. */
  abstract leaves(fromIndex: number, limit: number): LeafRecord[];

  /** Keeps a checkpoint; one already kept (the same note) is left as it is. */
  abstract addCheckpoint(checkpoint: KeptCheckpoint): void;

  /** The checkpoint covering the most leaves (the one signed last among those). */
  abstract latestCheckpoint(): KeptCheckpoint | null;

  /** The checkpoint signed last at exactly this tree size. */
  abstract checkpointAt(treeSize: number): KeptCheckpoint | null;

  /** Every checkpoint, in the order this replica kept them. */
  abstract checkpoints(): KeptCheckpoint[];

  abstract close(): void;
}
