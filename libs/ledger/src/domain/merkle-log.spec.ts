import { createHash } from 'node:crypto';
import { InMemoryMerkleNodeStore } from '../infrastructure/in-memory-merkle-node-store.js';
import {
  hex,
  referenceConsistency,
  referenceLeafHash,
  referencePath,
  referenceRoot,
  unhex,
} from '../testing/rfc9162-reference.js';
import { MissingMerkleNodeError, TreeRangeError } from './ledger-errors.js';
import { leafHash } from './merkle-hashing.js';
import { MerkleLog } from './merkle-log.js';
import type { MerkleNode, MerkleNodeStore } from './merkle-node-store.port.js';
import { verifyConsistency, verifyInclusion } from './merkle-proof.verifier.js';

/** The RFC 6962 / transparency-dev test leaves and the published root at each size 0..8. */
const CT_ENTRIES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

function logOf(
  leaves: readonly Uint8Array[],
  store: MerkleNodeStore = new InMemoryMerkleNodeStore(),
): MerkleLog {
  const log = new MerkleLog(store);
  log.appendAll(leaves);
  return log;
}

/** Leaves that are not related to each other in any pattern a bug could hide behind. */
const leaves = Array.from({ length: 70 }, (_, i) =>
  leafHash(createHash('sha256').update(`event ${i}`).digest()),
);

describe('MerkleLog against the published Certificate Transparency vectors', () => {
  const log = logOf(CT_ENTRIES.map(leafHash));

  it('hashes a leaf as SHA-256(0x00 ‖ leaf): the empty leaf gives the published one-leaf root', () => {
    expect(hex(leafHash(new Uint8Array()))).toBe(CT_ROOTS[1]);
    expect(hex(leafHash(Uint8Array.of(1, 2)))).toBe(hex(referenceLeafHash(Uint8Array.of(1, 2))));
  });

  it('has the published root at every size 0..8, the empty tree being SHA-256 of nothing', () => {
    for (let size = 0; size <= 8; size++) expect(hex(log.root(size))).toBe(CT_ROOTS[size]);
  });

  it('gives the published inclusion proofs', () => {
    expect(log.inclusionProof(0, 8).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(log.inclusionProof(5, 8).map(hex)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(log.inclusionProof(0, 1)).toEqual([]);
  });

  it('gives the published consistency proofs', () => {
    expect(log.consistencyProof(1, 8).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(log.consistencyProof(6, 8).map(hex)).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(log.consistencyProof(2, 5).map(hex)).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
  });
});

describe('MerkleLog against RFC 9162 transcribed literally, for every size up to 70', () => {
  // Built leaf by leaf and in uneven batches, so both append paths are covered.
  const oneByOne = new MerkleLog(new InMemoryMerkleNodeStore());
  for (const leaf of leaves) oneByOne.append(leaf);
  const batched = new MerkleLog(new InMemoryMerkleNodeStore());
  for (let at = 0, batch = 1; at < leaves.length; at += batch, batch += 1) {
    batched.appendAll(leaves.slice(at, at + batch));
  }
  const roots = Array.from({ length: leaves.length + 1 }, (_, n) =>
    referenceRoot(leaves.slice(0, n)),
  );

  it('builds the same log either way', () => {
    expect(oneByOne.size).toBe(70);
    expect(batched.size).toBe(70);
    for (let n = 0; n <= 70; n++) expect(hex(batched.root(n))).toBe(hex(oneByOne.root(n)));
  });

  it('has MTH(D[0:n]) as its root at every earlier size n', () => {
    for (let n = 0; n <= 70; n++) expect(hex(oneByOne.root(n))).toBe(hex(roots[n]!));
  });

  it('gives PATH(m, D[0:n]) for every leaf m of every size n, and each proof verifies', () => {
    for (let n = 1; n <= 70; n++) {
      const tree = leaves.slice(0, n);
      for (let m = 0; m < n; m++) {
        const proof = oneByOne.inclusionProof(m, n);
        expect(proof.map(hex)).toEqual(referencePath(m, tree).map(hex));
        expect(verifyInclusion(leaves[m]!, m, n, proof, roots[n]!)).toBe(true);
      }
    }
  });

  it('gives PROOF(m, D[0:n]) for every pair of sizes m ≤ n, and each proof verifies', () => {
    for (let n = 0; n <= 70; n++) {
      for (let m = 0; m <= n; m++) {
        const proof = oneByOne.consistencyProof(m, n);
        const expected = m === 0 || m === n ? [] : referenceConsistency(m, leaves.slice(0, n));
        expect(proof.map(hex)).toEqual(expected.map(hex));
        expect(verifyConsistency(m, n, proof, roots[m]!, roots[n]!)).toBe(true);
      }
    }
  });
});

describe('MerkleLog storage', () => {
  /** Counts node reads, to show proofs do not rehash the tree. */
  class CountingStore extends InMemoryMerkleNodeStore {
    reads = 0;
    override get(level: number, index: number): Uint8Array | undefined {
      this.reads += 1;
      return super.get(level, index);
    }
  }

  it('keeps about two hashes per leaf and reads O(log n) of them per root or proof', () => {
    const puts: MerkleNode[] = [];
    const store = new CountingStore();
    const recording: MerkleNodeStore = {
      size: () => store.size(),
      get: (level, index) => store.get(level, index),
      put: (nodes, size) => {
        puts.push(...nodes);
        store.put(nodes, size);
      },
    };
    const n = 3000;
    const log = logOf(
      Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(i % 256, i >> 8))),
      recording,
    );
    expect(puts.length).toBeLessThan(2 * n);
    const budget = 4 * Math.ceil(Math.log2(n));
    for (const read of [
      () => log.root(),
      () => log.root(2047),
      () => log.inclusionProof(1234),
      () => log.inclusionProof(2000, n - 1),
      () => log.consistencyProof(1500),
      () => log.consistencyProof(777, 2999),
    ]) {
      store.reads = 0;
      read();
      expect(store.reads).toBeLessThanOrEqual(budget);
    }
  });

  it('writes each append as one put whose size covers its nodes', () => {
    const calls: Array<{ nodes: readonly MerkleNode[]; size: number }> = [];
    const inner = new InMemoryMerkleNodeStore();
    const log = new MerkleLog({
      size: () => inner.size(),
      get: (level, index) => inner.get(level, index),
      put: (nodes, size) => {
        calls.push({ nodes, size });
        inner.put(nodes, size);
      },
    });
    expect(log.appendAll(leaves.slice(0, 3))).toBe(0);
    expect(log.append(leaves[3]!)).toBe(3);
    expect(calls.map((c) => c.size)).toEqual([3, 4]);
    // Leaf 3 completes the pair (2,3) at level 1 and the four-leaf subtree at level 2.
    expect(calls[1]!.nodes.map(({ level, index }) => [level, index])).toEqual([
      [0, 3],
      [1, 1],
      [2, 0],
    ]);
    expect(log.appendAll([])).toBe(4);
    expect(calls).toHaveLength(2);
  });

  it('hands out copies: altering a returned root or proof does not alter the log', () => {
    const log = logOf(leaves.slice(0, 8));
    const root = log.root();
    const before = hex(root);
    root.fill(0);
    log.inclusionProof(3)[0]!.fill(0);
    log.leafHash(3).fill(0);
    expect(hex(log.root())).toBe(before);
    expect(hex(log.inclusionProof(3)[0]!)).toBe(hex(referencePath(3, leaves.slice(0, 8))[0]!));
  });

  it('names a node the store has lost instead of returning a wrong root', () => {
    const store = new InMemoryMerkleNodeStore();
    const log = logOf(leaves.slice(0, 6), store);
    const forgetful: MerkleNodeStore = {
      size: () => store.size(),
      get: (level, index) => (level === 1 && index === 2 ? undefined : store.get(level, index)),
      put: (nodes, size) => store.put(nodes, size),
    };
    expect(() => new MerkleLog(forgetful).root()).toThrow(MissingMerkleNodeError);
    expect(hex(log.root())).toBe(hex(referenceRoot(leaves.slice(0, 6))));
  });
});

describe('MerkleLog refuses what it cannot prove', () => {
  const log = logOf(leaves.slice(0, 10));

  it.each([
    ['a leaf past the tree', () => log.inclusionProof(10)],
    ['a leaf past an earlier size', () => log.inclusionProof(5, 5)],
    ['a negative leaf', () => log.inclusionProof(-1)],
    ['a fractional leaf', () => log.inclusionProof(1.5)],
    ['a size the log has not reached', () => log.root(11)],
    ['a proof to a size the log has not reached', () => log.consistencyProof(3, 11)],
    ['a first size after the second', () => log.consistencyProof(6, 5)],
    ['the leaf hash past the tree', () => log.leafHash(10)],
    ['a leaf hash of the wrong length', () => log.append(new Uint8Array(31))],
  ])('refuses %s', (_, call) => {
    expect(call).toThrow(TreeRangeError);
  });

  it('leaves the log unchanged when a batch holds a bad leaf', () => {
    expect(() => log.appendAll([leaves[10]!, new Uint8Array(5)])).toThrow(TreeRangeError);
    expect(log.size).toBe(10);
  });
});
