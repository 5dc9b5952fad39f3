import { createHash } from 'node:crypto';
import { leafHash } from '../domain/merkle-hashing.js';
import { MerkleLog } from '../domain/merkle-log.js';
import type { MerkleNodeStore } from '../domain/merkle-node-store.port.js';
import { verifyConsistency, verifyInclusion } from '../domain/merkle-proof.verifier.js';
import { hex, referenceConsistency, referencePath, referenceRoot } from './rfc9162-reference.js';

/** How the contract opens a fresh store, and (for durable ones) the same store again. */
export interface NodeStoreHarness {
  open(): MerkleNodeStore;
  /** Closes the store from `open` and opens what it wrote (durable stores only). */
  reopen?(): MerkleNodeStore;
  dispose(): void;
}

/** The published Certificate Transparency roots of the RFC 6962 test leaves, sizes 0..8. */
const CT_ENTRIES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((text) => Uint8Array.from(Buffer.from(text, 'hex')));
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

const leaves = Array.from({ length: 40 }, (_, i) =>
  leafHash(createHash('sha256').update(`contract leaf ${i}`).digest()),
);

/**
 * One suite every MerkleNodeStore adapter passes: the port's own promises
 * (size, copies, all-or-nothing puts) and the MerkleLog over it reproducing
 * the published vectors and RFC 9162 transcribed literally.
 */
export function merkleNodeStoreContract(
  name: string,
  harness: () => NodeStoreHarness,
  options: { readonly durable: boolean },
): void {
  describe(`MerkleNodeStore contract: ${name}`, () => {
    let h: NodeStoreHarness;
    let store: MerkleNodeStore;
    beforeEach(() => {
      h = harness();
      store = h.open();
    });
    afterEach(() => h.dispose());

    it('starts empty: size 0 and no node', () => {
      expect(store.size()).toBe(0);
      expect(store.get(0, 0)).toBeUndefined();
    });

    it('returns what was put, and sets the size with the nodes', () => {
      const nodes = [
        { level: 0, index: 0, hash: leaves[0]! },
        { level: 0, index: 1, hash: leaves[1]! },
        { level: 1, index: 0, hash: leaves[2]! },
      ];
      store.put(nodes, 2);
      expect(store.size()).toBe(2);
      expect(hex(store.get(1, 0)!)).toBe(hex(leaves[2]!));
      expect(hex(store.get(0, 1)!)).toBe(hex(leaves[1]!));
      expect(store.get(1, 1)).toBeUndefined();
    });

    it('hands out copies and keeps its own: altering either side changes nothing stored', () => {
      const hash = Uint8Array.from(leaves[0]!);
      store.put([{ level: 0, index: 0, hash }], 1);
      hash.fill(1);
      store.get(0, 0)!.fill(2);
      expect(hex(store.get(0, 0)!)).toBe(hex(leaves[0]!));
    });

    it('keeps its size when a put fails part-way, and goes on working', () => {
      const log = new MerkleLog(store);
      log.appendAll(leaves.slice(0, 3));
      const broken = { level: 0, index: 4, hash: undefined as unknown as Uint8Array };
      expect(() => store.put([{ level: 0, index: 3, hash: leaves[3]! }, broken], 5)).toThrow();
      expect(store.size()).toBe(3);
      log.appendAll(leaves.slice(3, 8));
      expect(hex(log.root())).toBe(hex(referenceRoot(leaves.slice(0, 8))));
    });

    it('under a MerkleLog, gives the published Certificate Transparency roots', () => {
      const log = new MerkleLog(store);
      log.appendAll(CT_ENTRIES.map(leafHash));
      for (let size = 0; size <= 8; size++) expect(hex(log.root(size))).toBe(CT_ROOTS[size]);
    });

    it('under a MerkleLog built in uneven batches, gives RFC 9162 roots and proofs that verify', () => {
      const log = new MerkleLog(store);
      for (let at = 0, batch = 1; at < leaves.length; at += batch, batch += 1) {
        log.appendAll(leaves.slice(at, at + batch));
      }
      for (let n = 1; n <= leaves.length; n++) {
        const tree = leaves.slice(0, n);
        const root = referenceRoot(tree);
        expect(hex(log.root(n))).toBe(hex(root));
        for (const m of [0, Math.floor(n / 2), n - 1]) {
          const path = log.inclusionProof(m, n);
          expect(path.map(hex)).toEqual(referencePath(m, tree).map(hex));
          expect(verifyInclusion(leaves[m]!, m, n, path, root)).toBe(true);
        }
        const m = Math.ceil(n / 3);
        if (m < n) {
          const proof = log.consistencyProof(m, n);
          expect(proof.map(hex)).toEqual(referenceConsistency(m, tree).map(hex));
          expect(verifyConsistency(m, n, proof, referenceRoot(leaves.slice(0, m)), root)).toBe(
            true,
          );
        }
      }
    });

    if (options.durable) {
      it('keeps the log across a reopen: same size, same roots', () => {
        new MerkleLog(store).appendAll(leaves.slice(0, 21));
        const reopened = new MerkleLog(h.reopen!());
        expect(reopened.size).toBe(21);
        expect(hex(reopened.root())).toBe(hex(referenceRoot(leaves.slice(0, 21))));
        expect(hex(reopened.root(13))).toBe(hex(referenceRoot(leaves.slice(0, 13))));
        reopened.append(leaves[21]!);
        expect(hex(reopened.root())).toBe(hex(referenceRoot(leaves.slice(0, 22))));
      });
    }
  });
}
