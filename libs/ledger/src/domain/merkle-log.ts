import { HASH_BYTES, EMPTY_TREE_ROOT, nodeHash, splitPoint } from './merkle-hashing.js';
import { MissingMerkleNodeError, TreeRangeError } from './ledger-errors.js';
import type { MerkleNode, MerkleNodeStore } from './merkle-node-store.port.js';

/**
 * The ledger's append-only Merkle log (RFC 9162, Certificate Transparency v2)
 * over leaf hashes.
 *
 * It keeps the hash of every perfect subtree that is complete. Every range the
 * RFC's recursion visits, for any tree size, starts at a multiple of a power
 * of two at least as large as itself, so its hash is either one stored node
 * or a node over a stored left half and a smaller such range on the right.
 * Roots and proofs for any earlier size therefore read O(log n) nodes and
 * never rehash leaves.
 */
export class MerkleLog {
  constructor(private readonly store: MerkleNodeStore) {}

  /** Number of leaves appended so far. */
  get size(): number {
    return this.store.size();
  }

  /** Appends one leaf hash (see leafHash) and returns its 0-based leaf index. */
  append(leafHash: Uint8Array): number {
    return this.appendAll([leafHash]);
  }

  /**
   * Appends leaf hashes in order, in one store write, and returns the index of
   * the first. An empty batch changes nothing and returns the current size.
   */
  appendAll(leafHashes: readonly Uint8Array[]): number {
    const first = this.store.size();
    if (leafHashes.length === 0) return first;
    const written = new Map<string, Uint8Array>();
    const nodes: MerkleNode[] = [];
    const keep = (level: number, index: number, hash: Uint8Array): void => {
      written.set(`${level}/${index}`, hash);
      nodes.push({ level, index, hash });
    };
    leafHashes.forEach((leaf, offset) => {
      if (leaf.length !== HASH_BYTES) {
        throw new TreeRangeError(`leaf hash ${offset} has ${leaf.length} bytes, not ${HASH_BYTES}`);
      }
      let level = 0;
      let index = first + offset;
      let hash: Uint8Array = Uint8Array.from(leaf);
      keep(level, index, hash);
      // A right child completes its parent; climb while we are one.
      while (index % 2 === 1) {
        const left = written.get(`${level}/${index - 1}`) ?? this.node(level, index - 1);
        hash = nodeHash(left, hash);
        level += 1;
        index = (index - 1) / 2;
        keep(level, index, hash);
      }
    });
    this.store.put(nodes, first + leafHashes.length);
    return first;
  }

  /** The leaf hash at `index`. */
  leafHash(index: number): Uint8Array {
    this.checkIndex(index, this.size);
    return this.node(0, index);
  }

  /** MTH(D[0:treeSize]): the root the log had when it held `treeSize` leaves. */
  root(treeSize: number = this.size): Uint8Array {
    this.checkSize(treeSize, 'tree size');
    return treeSize === 0 ? Uint8Array.from(EMPTY_TREE_ROOT) : this.rangeHash(0, treeSize);
  }

  /**
   * RFC 9162 §2.1.3.1 PATH(index, D[0:treeSize]): the sibling hashes from the
   * leaf up to the root, the leaf's sibling first.
   */
  inclusionProof(index: number, treeSize: number = this.size): Uint8Array[] {
    this.checkSize(treeSize, 'tree size');
    this.checkIndex(index, treeSize);
    const path: Uint8Array[] = [];
    let start = 0;
    let end = treeSize;
    while (end - start > 1) {
      const k = splitPoint(end - start);
      if (index < start + k) {
        path.push(this.rangeHash(start + k, end));
        end = start + k;
      } else {
        path.push(this.rangeHash(start, start + k));
        start += k;
      }
    }
    return path.reverse();
  }

  /**
   * RFC 9162 §2.1.4.1 PROOF(size1, D[0:size2]): the hashes that show the tree
   * of size1 is a prefix of the tree of size2. Empty when size1 is 0 or equal
   * to size2, where there is nothing to prove (verifyConsistency agrees).
   */
  consistencyProof(size1: number, size2: number = this.size): Uint8Array[] {
    this.checkSize(size2, 'second tree size');
    this.checkSize(size1, 'first tree size');
    if (size1 > size2) {
      throw new TreeRangeError(`first tree size ${size1} exceeds second tree size ${size2}`, {
        size1,
        size2,
      });
    }
    if (size1 === 0 || size1 === size2) return [];
    // SUBPROOF(m, D[start:end], b), unrolled from the top; collected root-first.
    const proof: Uint8Array[] = [];
    let m = size1;
    let start = 0;
    let end = size2;
    let wholeOldTree = true;
    while (m !== end - start) {
      const k = splitPoint(end - start);
      if (m <= k) {
        proof.push(this.rangeHash(start + k, end));
        end = start + k;
      } else {
        proof.push(this.rangeHash(start, start + k));
        m -= k;
        start += k;
        wholeOldTree = false;
      }
    }
    // The verifier already holds MTH(D[0:size1]); any other subtree it needs.
    if (!wholeOldTree) proof.push(this.rangeHash(start, end));
    return proof.reverse();
  }

  /**
   * MTH(D[start:end]) for a range the RFC recursion visits: `start` is a
   * multiple of a power of two ≥ end - start, so a power-of-two range is one
   * stored node and any other splits into a stored left half and a smaller
   * range of the same kind.
   */
  private rangeHash(start: number, end: number): Uint8Array {
    const width = end - start;
    const level = perfectLevel(width);
    if (level !== null) return this.node(level, start / width);
    const k = splitPoint(width);
    return nodeHash(this.rangeHash(start, start + k), this.rangeHash(start + k, end));
  }

  private node(level: number, index: number): Uint8Array {
    const hash = this.store.get(level, index);
    if (!hash) throw new MissingMerkleNodeError(level, index);
    return hash;
  }

  private checkSize(treeSize: number, what: string): void {
    const size = this.size;
    if (!Number.isSafeInteger(treeSize) || treeSize < 0 || treeSize > size) {
      throw new TreeRangeError(`${what} ${treeSize} is not between 0 and the log's size ${size}`, {
        treeSize,
        size,
      });
    }
  }

  private checkIndex(index: number, treeSize: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) {
      throw new TreeRangeError(`leaf index ${index} is not in a tree of ${treeSize} leaves`, {
        index,
        treeSize,
      });
    }
  }
}

/** L when width is 2^L (a perfect subtree), else null. */
function perfectLevel(width: number): number | null {
  let level = 0;
  while (2 ** level < width) level += 1;
  return 2 ** level === width ? level : null;
}
