import { createHash } from 'node:crypto';

/*
 * RFC 9162 §2.1 transcribed as literally as possible, for tests only: slow
 * (it rehashes whole subtrees), recursive, sharing no code with MerkleLog or
 * the verifiers, so agreement between them means something.
 */

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** HASH(0x00 ‖ d). */
export function referenceLeafHash(entry: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0x00), entry);
}

/** The largest power of two smaller than n. */
function k(n: number): number {
  let power = 1;
  while (power * 2 < n) power *= 2;
  return power;
}

/**
 * MTH(D[n]) over leaf hashes (the entries' leaf hashes are taken as given so
 * the log and the reference can share the input).
 */
export function referenceRoot(leaves: readonly Uint8Array[]): Uint8Array {
  const n = leaves.length;
  if (n === 0) return sha256();
  if (n === 1) return leaves[0]!;
  const split = k(n);
  return sha256(
    Uint8Array.of(0x01),
    referenceRoot(leaves.slice(0, split)),
    referenceRoot(leaves.slice(split)),
  );
}

/** PATH(m, D[n]). */
export function referencePath(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  const n = leaves.length;
  if (n === 1) return [];
  const split = k(n);
  return m < split
    ? [...referencePath(m, leaves.slice(0, split)), referenceRoot(leaves.slice(split))]
    : [...referencePath(m - split, leaves.slice(split)), referenceRoot(leaves.slice(0, split))];
}

/** SUBPROOF(m, D[n], b). */
function subproof(m: number, leaves: readonly Uint8Array[], b: boolean): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [referenceRoot(leaves)];
  const split = k(n);
  return m <= split
    ? [...subproof(m, leaves.slice(0, split), b), referenceRoot(leaves.slice(split))]
    : [...subproof(m - split, leaves.slice(split), false), referenceRoot(leaves.slice(0, split))];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true), for 0 < m < n. */
export function referenceConsistency(m: number, leaves: readonly Uint8Array[]): Uint8Array[] {
  return subproof(m, leaves, true);
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
