/**
 * The hash of one perfect subtree of the log: at `level` L and `index` i it
 * covers leaves [i·2^L, (i+1)·2^L). Level 0 holds the leaf hashes themselves.
 */
export interface MerkleNode {
  readonly level: number;
  readonly index: number;
  readonly hash: Uint8Array;
}

/**
 * Where a MerkleLog keeps its perfect-subtree hashes (about two per leaf).
 * Synchronous on purpose: the embedded adapter is SQLite (better-sqlite3 is
 * synchronous), and a proof reads O(log n) nodes in a tight loop.
 */
export interface MerkleNodeStore {
  /** Number of leaves in the log. */
  size(): number;
  /** The node's hash, or undefined when the store never received it. */
  get(level: number, index: number): Uint8Array | undefined;
  /**
   * Stores the nodes completed by an append and sets the size, all or
   * nothing, so a crash never leaves a size that claims nodes not written
   * (an SQLite adapter wraps this in one transaction).
   */
  put(nodes: readonly MerkleNode[], newSize: number): void;
}
