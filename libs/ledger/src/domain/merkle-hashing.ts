import { createHash } from 'node:crypto';

/** Bytes of one SHA-256 digest: every leaf hash, node hash and root in the log. */
export const HASH_BYTES = 32;

/** RFC 9162 §2.1.1: the root of the empty tree, MTH({}) = SHA-256 of no bytes. */
export const EMPTY_TREE_ROOT: Uint8Array = createHash('sha256').digest();

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/**
 * RFC 9162 leaf hash: SHA-256(0x00 ‖ leaf). The prefix keeps a leaf from ever
 * hashing like an interior node (second-preimage resistance).
 */
export function leafHash(leaf: Uint8Array): Uint8Array {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

/** RFC 9162 interior node hash: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * The largest power of two strictly below n (n ≥ 2): RFC 9162's split point k
 * in MTH(D[n]) = HASH(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])). Sizes stay below
 * 2^53, so plain arithmetic is exact where 32-bit shifts would overflow.
 */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Lowercase hex, the encoding of every hash in a bundle (as in the per-stream chain). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/** Decodes a lowercase 64-digit hex hash; null for anything else. */
export function hashFromHex(text: string): Uint8Array | null {
  return HEX_HASH.test(text) ? Uint8Array.from(Buffer.from(text, 'hex')) : null;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict standard base64 (RFC 4648 §4, padded). Node's decoder skips
 * characters it does not know, so the text is checked first and must
 * re-encode to itself: one root hash has one spelling.
 */
export function fromBase64(text: string): Uint8Array | null {
  if (!BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? Uint8Array.from(bytes) : null;
}
