import { createHash } from 'node:crypto';
import {
  referenceConsistency,
  referencePath,
  referenceRoot,
} from '../testing/rfc9162-reference.js';
import { leafHash } from './merkle-hashing.js';
import { verifyConsistency, verifyInclusion } from './merkle-proof.verifier.js';

// Proofs come from the literal RFC transcription, so these tests pin the
// verifiers to the RFC and not to MerkleLog.
const N = 40;
const leaves = Array.from({ length: N }, (_, i) =>
  leafHash(createHash('sha256').update(`leaf ${i}`).digest()),
);
const roots = Array.from({ length: N + 1 }, (_, n) => referenceRoot(leaves.slice(0, n)));

/** Every proof with one byte of one hash flipped. */
function flippedCopies(proof: readonly Uint8Array[]): Uint8Array[][] {
  return proof.map((_, at) =>
    proof.map((hash, i) => (i === at ? hash.map((b, j) => (j === 7 ? b ^ 0x40 : b)) : hash)),
  );
}

describe('verifyInclusion (RFC 9162 §2.1.3.2)', () => {
  it('accepts the RFC proof of every leaf of every size', () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 0; m < n; m++) {
        expect(
          verifyInclusion(leaves[m]!, m, n, referencePath(m, leaves.slice(0, n)), roots[n]!),
        ).toBe(true);
      }
    }
  });

  it('rejects every tampered, truncated or extended proof, another leaf, index or root', () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 0; m < n; m++) {
        const proof = referencePath(m, leaves.slice(0, n));
        const root = roots[n]!;
        for (const bad of flippedCopies(proof))
          expect(verifyInclusion(leaves[m]!, m, n, bad, root)).toBe(false);
        if (proof.length > 0)
          expect(verifyInclusion(leaves[m]!, m, n, proof.slice(0, -1), root)).toBe(false);
        expect(verifyInclusion(leaves[m]!, m, n, [...proof, leaves[0]!], root)).toBe(false);
        expect(verifyInclusion(leaves[(m + 1) % N]!, m, n, proof, root)).toBe(false);
        if ((m ^ 1) < n) expect(verifyInclusion(leaves[m]!, m ^ 1, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaves[m]!, m, n, proof, roots[n - 1]!)).toBe(false);
      }
    }
  });

  it('rejects impossible positions and malformed hashes instead of throwing', () => {
    const proof = referencePath(5, leaves.slice(0, 8));
    expect(verifyInclusion(leaves[5]!, 8, 8, proof, roots[8]!)).toBe(false);
    expect(verifyInclusion(leaves[5]!, -1, 8, proof, roots[8]!)).toBe(false);
    expect(verifyInclusion(leaves[5]!, 5, 0, proof, roots[8]!)).toBe(false);
    expect(verifyInclusion(leaves[5]!, 5.5, 8, proof, roots[8]!)).toBe(false);
    expect(verifyInclusion(leaves[5]!.subarray(1), 5, 8, proof, roots[8]!)).toBe(false);
    expect(
      verifyInclusion(leaves[5]!, 5, 8, [proof[0]!.subarray(1), ...proof.slice(1)], roots[8]!),
    ).toBe(false);
    expect(verifyInclusion(leaves[0]!, 0, 1, [], leaves[0]!)).toBe(true);
  });
});

describe('verifyConsistency (RFC 9162 §2.1.4.2)', () => {
  it('accepts the RFC proof between every pair of sizes', () => {
    for (let n = 2; n <= N; n++) {
      for (let m = 1; m < n; m++) {
        expect(
          verifyConsistency(
            m,
            n,
            referenceConsistency(m, leaves.slice(0, n)),
            roots[m]!,
            roots[n]!,
          ),
        ).toBe(true);
      }
    }
  });

  it('rejects every tampered, truncated or extended proof, and roots that do not match', () => {
    for (let n = 2; n <= N; n++) {
      for (let m = 1; m < n; m++) {
        const proof = referenceConsistency(m, leaves.slice(0, n));
        const [r1, r2] = [roots[m]!, roots[n]!];
        for (const bad of flippedCopies(proof))
          expect(verifyConsistency(m, n, bad, r1, r2)).toBe(false);
        expect(verifyConsistency(m, n, proof.slice(0, -1), r1, r2)).toBe(false);
        expect(verifyConsistency(m, n, [...proof, leaves[0]!], r1, r2)).toBe(false);
        expect(verifyConsistency(m, n, proof, roots[m - 1]!, r2)).toBe(false);
        expect(verifyConsistency(m, n, proof, r1, roots[n - 1]!)).toBe(false);
        expect(verifyConsistency(m, n, proof, r2, r1)).toBe(false);
      }
    }
  });

  it('treats equal sizes and the empty tree as the trivial cases, and only with an empty proof', () => {
    expect(verifyConsistency(5, 5, [], roots[5]!, roots[5]!)).toBe(true);
    expect(verifyConsistency(5, 5, [], roots[5]!, roots[6]!)).toBe(false);
    expect(verifyConsistency(5, 5, [roots[5]!], roots[5]!, roots[5]!)).toBe(false);
    expect(verifyConsistency(0, 9, [], roots[0]!, roots[9]!)).toBe(true);
    expect(verifyConsistency(0, 9, [], roots[1]!, roots[9]!)).toBe(false);
    expect(verifyConsistency(0, 9, [roots[0]!], roots[0]!, roots[9]!)).toBe(false);
  });

  it('rejects an empty proof, a shrinking tree and malformed hashes instead of throwing', () => {
    const proof = referenceConsistency(3, leaves.slice(0, 7));
    expect(verifyConsistency(3, 7, [], roots[3]!, roots[7]!)).toBe(false);
    expect(verifyConsistency(7, 3, proof, roots[7]!, roots[3]!)).toBe(false);
    expect(verifyConsistency(-1, 7, proof, roots[3]!, roots[7]!)).toBe(false);
    expect(verifyConsistency(3, 7, proof, roots[3]!.subarray(2), roots[7]!)).toBe(false);
    expect(
      verifyConsistency(3, 7, [new Uint8Array(31), ...proof.slice(1)], roots[3]!, roots[7]!),
    ).toBe(false);
  });
});
