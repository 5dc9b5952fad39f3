import type { KeyObject } from 'node:crypto';
import { ed25519PublicKey } from './ed25519-keys.js';
import { HASH_BYTES, fromBase64, toBase64 } from './merkle-hashing.js';
import {
  CheckpointVerificationError,
  NoteKeyError,
  SignedNoteFormatError,
} from './ledger-errors.js';
import {
  type NoteVerifier,
  checkNoteSignatures,
  isValidKeyName,
  noteVerifier,
  parseSignedNote,
  parseVerifierKey,
  signNote,
} from './signed-note.js';

/*
 * A checkpoint is a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the
 * ledger's Merkle tree head as the text of a signed note.
 *
 *   <origin>\n                        the log's identity, e.g. onrecord.example/ledger
 *   <tree size>\n                     decimal, no leading zeros
 *   <root hash>\n                     standard base64 of the 32-byte RFC 9162 root
 *   timestamp <RFC 3339 UTC>\n        our one extension line, see below
 *
 * The timestamp line is `timestamp ` followed by the instant in exactly the
 * form Date.prototype.toISOString writes (YYYY-MM-DDTHH:mm:ss.sssZ, UTC,
 * milliseconds) — the same form as every event's recordedAt, so "recorded
 * before this checkpoint was signed" is a plain string comparison.
 */

const TIMESTAMP_PREFIX = 'timestamp ';
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A Merkle tree head: the log at one size. */
export interface Checkpoint {
  /** Identity of the log that signed it; also the key name it signs under. */
  readonly origin: string;
  readonly treeSize: number;
  /** RFC 9162 root hash, 32 bytes. */
  readonly rootHash: Uint8Array;
  /** When the checkpoint was made: ISO 8601 / RFC 3339 UTC, as toISOString writes it. */
  readonly timestamp: string;
}

/** A checkpoint whose signature was verified, and the key name that signed it. */
export interface VerifiedCheckpoint extends Checkpoint {
  readonly keyName: string;
}

/** The checkpoint note text (the signed body) for a tree head at an instant. */
export function formatCheckpoint(head: {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly timestamp: Date;
}): string {
  if (head.origin.length === 0 || /[\p{Cc}\p{Cs}]/u.test(head.origin)) {
    throw new SignedNoteFormatError(
      'a checkpoint origin must be one non-empty line without control characters',
    );
  }
  if (!Number.isSafeInteger(head.treeSize) || head.treeSize < 0) {
    throw new SignedNoteFormatError(`tree size ${head.treeSize} is not a whole number`);
  }
  if (head.rootHash.length !== HASH_BYTES) {
    throw new SignedNoteFormatError(
      `a root hash has ${HASH_BYTES} bytes, not ${head.rootHash.length}`,
    );
  }
  if (Number.isNaN(head.timestamp.getTime()))
    throw new SignedNoteFormatError('the timestamp is not a valid date');
  return [
    head.origin,
    String(head.treeSize),
    toBase64(head.rootHash),
    TIMESTAMP_PREFIX + head.timestamp.toISOString(),
    '',
  ].join('\n');
}

/** Reads a checkpoint note text; throws SignedNoteFormatError naming the first problem. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new SignedNoteFormatError('a checkpoint ends in a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, size, root, ...extensions] = lines;
  if (origin === undefined || size === undefined || root === undefined) {
    throw new SignedNoteFormatError('a checkpoint has an origin, a tree size and a root hash line');
  }
  if (lines.some((line) => line.length === 0))
    throw new SignedNoteFormatError('a checkpoint has no empty line');
  if (!/^(0|[1-9]\d*)$/.test(size) || !Number.isSafeInteger(Number(size))) {
    throw new SignedNoteFormatError(
      `tree size ${JSON.stringify(size)} is not a decimal without leading zeros`,
    );
  }
  const rootHash = fromBase64(root);
  if (!rootHash || rootHash.length !== HASH_BYTES) {
    throw new SignedNoteFormatError('the root hash line is not base64 of 32 bytes');
  }
  const stamps = extensions.filter((line) => line.startsWith(TIMESTAMP_PREFIX));
  const [stamp] = stamps;
  if (stamps.length !== 1 || stamp === undefined) {
    throw new SignedNoteFormatError(
      `a checkpoint has exactly one timestamp line, not ${stamps.length}`,
    );
  }
  const timestamp = stamp.slice(TIMESTAMP_PREFIX.length);
  if (
    !ISO_INSTANT.test(timestamp) ||
    Number.isNaN(Date.parse(timestamp)) ||
    new Date(timestamp).toISOString() !== timestamp
  ) {
    throw new SignedNoteFormatError(
      `timestamp ${JSON.stringify(timestamp)} is not YYYY-MM-DDTHH:mm:ss.sssZ`,
    );
  }
  return { origin, treeSize: Number(size), rootHash, timestamp };
}

/**
 * Signs a checkpoint body as a C2SP signed note with Ed25519. The key name
 * defaults to the origin, as tlog-checkpoint recommends.
 */
export function signCheckpoint(
  body: string,
  privateKey: string | KeyObject,
  keyName?: string,
): string {
  const { origin } = parseCheckpoint(body);
  const name = keyName ?? origin;
  if (!isValidKeyName(name)) {
    throw new NoteKeyError(`key name ${JSON.stringify(name)} holds a space or +; pass a keyName`);
  }
  return signNote(body, privateKey, name);
}

/**
 * Verifies a signed checkpoint against one key and returns what it says.
 *
 * `key` is a public key (PEM or KeyObject) or a C2SP vkey text. The key name
 * comes from the vkey, else from `options.keyName`, else from any signature
 * line whose key ID matches the key under that line's name. Every signature
 * of the key must verify; signatures by other keys (witnesses) are ignored.
 *
 * @throws CheckpointVerificationError naming the failed check.
 */
export function verifyCheckpoint(
  note: string | Uint8Array,
  key: string | KeyObject,
  options: { readonly keyName?: string } = {},
): VerifiedCheckpoint {
  const given = resolveKey(key, options.keyName);
  let parsed;
  try {
    parsed = parseSignedNote(note);
  } catch (error) {
    throw new CheckpointVerificationError('note-format', (error as Error).message);
  }
  const verifiers: NoteVerifier[] =
    'verifier' in given
      ? [given.verifier]
      : [...new Set(parsed.signatures.map((s) => s.name))]
          .map((name) => noteVerifier(name, given.publicKey))
          .filter((v) => parsed.signatures.some((s) => s.name === v.name && s.keyId === v.keyId));
  if (verifiers.length === 0) {
    throw new CheckpointVerificationError('unknown-key', 'no signature line carries this key');
  }
  let keyName = '';
  for (const verifier of verifiers) {
    const checked = checkNoteSignatures(parsed, verifier);
    if (!checked.ok) throw new CheckpointVerificationError(checked.failure, checked.reason);
    keyName = checked.keyName;
  }
  try {
    return { ...parseCheckpoint(parsed.text), keyName };
  } catch (error) {
    throw new CheckpointVerificationError('checkpoint-format', (error as Error).message);
  }
}

function resolveKey(
  key: string | KeyObject,
  keyName: string | undefined,
): { readonly verifier: NoteVerifier } | { readonly publicKey: KeyObject } {
  try {
    if (typeof key === 'string' && !key.includes('-----BEGIN')) {
      const verifier = parseVerifierKey(key.trim());
      return {
        verifier: keyName === undefined ? verifier : noteVerifier(keyName, verifier.publicKey),
      };
    }
    const publicKey = ed25519PublicKey(key);
    return keyName === undefined ? { publicKey } : { verifier: noteVerifier(keyName, publicKey) };
  } catch (error) {
    if (error instanceof NoteKeyError) throw new CheckpointVerificationError('key', error.message);
    throw error;
  }
}
