import { EMPTY_TREE_ROOT, HASH_BYTES, nodeHash } from './merkle-hashing.js';
import { TreeRangeError } from './ledger-errors.js';
import type { MerkleNode } from './merkle-node-store.port.js';

/**
 * The right edge of a Merkle log: the root of each perfect subtree in the
 * binary decomposition of its size, largest (leftmost) first. It keeps
 * O(log n) hashes, so a verifier can recompute the RFC 9162 root of millions
 * of leaves as it streams them, without a node store.
 *
 * MTH(D[n]) splits at the largest power of two below n, so the root is the
 * peaks folded from the right: HASH(p0 ‖ HASH(p1 ‖ … HASH(p(k-2) ‖ p(k-1)))).
 */
export class MerkleFrontier {
  private readonly peaks: MerkleNode[] = [];
  private leaves = 0;

  get size(): number {
    return this.leaves;
  }

  /**
   * Appends a leaf hash and returns the perfect-subtree nodes it completes,
   * the leaf itself first: the nodes a MerkleLog stores for it, so a
   * verifier can compare a node store with the leaves node by node.
   */
  append(leafHash: Uint8Array): MerkleNode[] {
    if (leafHash.length !== HASH_BYTES) {
      throw new TreeRangeError(`a leaf hash has ${HASH_BYTES} bytes, not ${leafHash.length}`);
    }
    let node: MerkleNode = { level: 0, index: this.leaves, hash: Uint8Array.from(leafHash) };
    const completed = [node];
    // Two peaks of equal height are siblings: merge them into their parent.
    for (let top = this.peaks.at(-1); top?.level === node.level; top = this.peaks.at(-1)) {
      this.peaks.pop();
      node = { level: node.level + 1, index: top.index / 2, hash: nodeHash(top.hash, node.hash) };
      completed.push(node);
    }
    this.peaks.push(node);
    this.leaves += 1;
    return completed.map((n) => ({ ...n, hash: Uint8Array.from(n.hash) }));
  }

  /** MTH(D[0:size]) of the leaves appended so far. */
  root(): Uint8Array {
    let root: Uint8Array | undefined;
    for (let i = this.peaks.length - 1; i >= 0; i--) {
      const peak = this.peaks[i]!.hash;
      root = root ? nodeHash(peak, root) : peak;
    }
    return Uint8Array.from(root ?? EMPTY_TREE_ROOT);
  }
}
