import type { MerkleNode, MerkleNodeStore } from '../domain/merkle-node-store.port.js';

/**
 * Merkle nodes in memory: one array of 32-byte hashes per level. For tests
 * and for rebuilding a log from the event store at start-up.
 */
export class InMemoryMerkleNodeStore implements MerkleNodeStore {
  private readonly levels: Uint8Array[][] = [];
  private leaves = 0;

  size(): number {
    return this.leaves;
  }

  get(level: number, index: number): Uint8Array | undefined {
    const hash = this.levels[level]?.[index];
    // A copy: callers get proofs and roots they may keep or alter freely.
    return hash && Uint8Array.from(hash);
  }

  put(nodes: readonly MerkleNode[], newSize: number): void {
    for (const { level, index, hash } of nodes) {
      (this.levels[level] ??= [])[index] = Uint8Array.from(hash);
    }
    this.leaves = newSize;
  }
}
