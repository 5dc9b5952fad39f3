import { createHash } from 'node:crypto';
import { HASH_BYTES, nodeHash, sameBytes } from './merkle-hashing.js';

/*
 * Proof verification written from the text of RFC 9162 §2.1.3.2 and
 * §2.1.4.2, step for step, sharing nothing with the prover (MerkleLog) but the
 * node hash, so a bug in one is caught by the other. Sizes are below 2^53:
 * halving is done with division because JavaScript's shift operators work on
 * 32 bits.
 */

const lsb = (n: number): boolean => n % 2 === 1;
const shift = (n: number): number => Math.floor(n / 2);

function wellFormed(hashes: readonly Uint8Array[]): boolean {
  return hashes.every((hash) => hash instanceof Uint8Array && hash.length === HASH_BYTES);
}

/**
 * RFC 9162 §2.1.3.2: true when `path` proves that the leaf with hash
 * `leafHash` sits at `index` in the tree of `treeSize` leaves whose root is
 * `root`. Never throws: malformed input is simply not a proof.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0) return false;
  if (!wellFormed([leafHash, root, ...path])) return false;
  // 1. leaf_index must be below tree_size.
  if (index >= treeSize) return false;
  // 2. fn = leaf_index, sn = tree_size - 1.
  let fn = index;
  let sn = treeSize - 1;
  // 3. r = hash.
  let r = leafHash;
  // 4. For each p in inclusion_path:
  for (const p of path) {
    // a. A path longer than the tree is high fails.
    if (sn === 0) return false;
    // b. A right child (or the last node of its level) takes p on its left.
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      // Climb past levels where this node has no right sibling.
      if (!lsb(fn)) {
        while (!(lsb(fn) || fn === 0)) {
          fn = shift(fn);
          sn = shift(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    // c.
    fn = shift(fn);
    sn = shift(sn);
  }
  // 5. The path must reach the top exactly, at the root.
  return sn === 0 && sameBytes(r, root);
}

/**
 * RFC 9162 §2.1.4.2: true when `proof` shows the tree of size1 leaves with
 * root `root1` is a prefix of the tree of size2 leaves with root `root2`.
 *
 * Two cases the RFC leaves to the caller, decided as transparency-dev/merkle
 * does: equal sizes need an empty proof and equal roots; size1 = 0 needs an
 * empty proof and root1 = MTH({}) (the empty tree is a prefix of every tree).
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1)
    return false;
  if (!wellFormed([root1, root2, ...proof])) return false;
  if (size1 === size2) return proof.length === 0 && sameBytes(root1, root2);
  if (size1 === 0) return proof.length === 0 && sameBytes(root1, createHash('sha256').digest());
  // 1. An empty consistency_path fails.
  if (proof.length === 0) return false;
  // 2. When first is an exact power of 2, its root is a node of the new tree: prepend it.
  const [first, ...rest] = isExactPowerOfTwo(size1) ? [root1, ...proof] : proof;
  if (!first) return false;
  // 3.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // 4. Skip the levels where the old tree's last node is a right child.
  while (lsb(fn)) {
    fn = shift(fn);
    sn = shift(sn);
  }
  // 5.
  let fr = first;
  let sr = first;
  // 6. For each subsequent c:
  for (const c of rest) {
    // a.
    if (sn === 0) return false;
    // b.
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!(lsb(fn) || fn === 0)) {
          fn = shift(fn);
          sn = shift(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    // c.
    fn = shift(fn);
    sn = shift(sn);
  }
  // 7. Both roots rebuilt, and the path reached the top of the new tree.
  return sameBytes(fr, root1) && sameBytes(sr, root2) && sn === 0;
}

function isExactPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}
