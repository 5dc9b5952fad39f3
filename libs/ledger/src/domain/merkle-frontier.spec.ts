import { createHash } from 'node:crypto';
import { hex, referenceRoot } from '../testing/rfc9162-reference.js';
import { TreeRangeError } from './ledger-errors.js';
import { MerkleFrontier } from './merkle-frontier.js';
import { leafHash } from './merkle-hashing.js';

const leaves = Array.from({ length: 130 }, (_, i) =>
  leafHash(createHash('sha256').update(`leaf ${i}`).digest()),
);

describe('a Merkle frontier (streaming root)', () => {
  it('has the empty tree root before any leaf', () => {
    expect(hex(new MerkleFrontier().root())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('has MTH(D[0:n]) as its root after every leaf n, up to 130', () => {
    const frontier = new MerkleFrontier();
    for (let n = 1; n <= leaves.length; n++) {
      frontier.append(leaves[n - 1]!);
      expect(frontier.size).toBe(n);
      expect(hex(frontier.root())).toBe(hex(referenceRoot(leaves.slice(0, n))));
    }
  });

  it('reports the nodes each leaf completes, as a MerkleLog stores them', () => {
    const frontier = new MerkleFrontier();
    const reported = leaves.slice(0, 8).map((leaf) => frontier.append(leaf));
    expect(reported.map((nodes) => nodes.map(({ level, index }) => [level, index]))).toEqual([
      [[0, 0]],
      [
        [0, 1],
        [1, 0],
      ],
      [[0, 2]],
      [
        [0, 3],
        [1, 1],
        [2, 0],
      ],
      [[0, 4]],
      [
        [0, 5],
        [1, 2],
      ],
      [[0, 6]],
      [
        [0, 7],
        [1, 3],
        [2, 1],
        [3, 0],
      ],
    ]);
    expect(hex(reported[7]![3]!.hash)).toBe(hex(referenceRoot(leaves.slice(0, 8))));
    expect(hex(reported[5]![1]!.hash)).toBe(hex(referenceRoot(leaves.slice(4, 6))));
  });

  it('hands out a copy of its root and refuses a leaf hash of the wrong length', () => {
    const frontier = new MerkleFrontier();
    frontier.append(leaves[0]!);
    frontier.root().fill(0);
    expect(hex(frontier.root())).toBe(hex(leaves[0]!));
    expect(() => frontier.append(new Uint8Array(31))).toThrow(TreeRangeError);
    expect(frontier.size).toBe(1);
  });
});
