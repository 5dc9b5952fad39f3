import { type KeyObject, createHash, sign, verify } from 'node:crypto';
import {
  ed25519PrivateKey,
  ed25519PublicKey,
  publicKeyFromRaw,
  rawPublicKey,
} from './ed25519-keys.js';
import { fromBase64, toBase64 } from './merkle-hashing.js';
import { NoteKeyError, SignedNoteFormatError } from './ledger-errors.js';

/*
 * C2SP signed-note (c2sp.org/signed-note), Ed25519 signatures only:
 *
 *   <text, ending in \n>
 *   \n
 *   — <key name> <base64(key ID ‖ signature)>\n   (one line per signature)
 *
 * The signature is Ed25519 over the text's UTF-8 bytes exactly, so any
 * Ed25519 tool verifies it (e.g. `openssl pkeyutl -verify -rawin`).
 */

/** Signature type byte of Ed25519 in the signed-note key ID and vkey. */
const ED25519_TYPE = 0x01;
const ED25519_SIGNATURE_BYTES = 64;
const KEY_ID_BYTES = 4;
const SIGNATURE_LINE_PREFIX = '\u2014 ';
/** The spec asks verifiers to cap signatures and accept at least 16. */
const MAX_SIGNATURES = 100;

/** One signature line of a note. */
export interface NoteSignature {
  readonly name: string;
  /** uint32 key ID: the first four bytes of the line's base64, big-endian. */
  readonly keyId: number;
  /** The bytes after the key ID: for Ed25519, the 64-byte signature. */
  readonly signature: Uint8Array;
}

/** A note split into its signed text and its signature lines, nothing verified. */
export interface SignedNote {
  /** The signed text, including its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** A key that can check note signatures: the name it signs under, and its public key. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: KeyObject;
}

/** Key names must be non-empty and hold no Unicode space, no `+` and no control character. */
export function isValidKeyName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length > 0 && !/[\s+\u0000-\u001f\u007f]/u.test(name) && !/\p{Cs}/u.test(name);
}

/**
 * C2SP Ed25519 key ID: the first four bytes, big-endian, of
 * SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key).
 */
export function noteKeyId(name: string, publicKey: KeyObject): number {
  const digest = createHash('sha256')
    .update(name, 'utf8')
    .update(Uint8Array.of(0x0a, ED25519_TYPE))
    .update(rawPublicKey(publicKey))
    .digest();
  return digest.readUInt32BE(0);
}

/** The C2SP verifier key text: `<name>+<hex key ID>+<base64(0x01 ‖ public key)>`. */
export function formatVerifierKey(name: string, publicKey: string | KeyObject): string {
  if (!isValidKeyName(name))
    throw new NoteKeyError(`key name ${JSON.stringify(name)} is empty or holds a space or +`);
  const key = ed25519PublicKey(publicKey);
  const id = noteKeyId(name, key).toString(16).padStart(8, '0');
  const encoded = toBase64(Uint8Array.from([ED25519_TYPE, ...rawPublicKey(key)]));
  return `${name}+${id}+${encoded}`;
}

/** Reads a C2SP verifier key text, checking that its key ID matches its name and key. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  // Only the first two `+` separate: the base64 key may itself hold a `+`.
  const match = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey);
  if (!match) throw new NoteKeyError('a verifier key is name+keyid+key');
  const [, name = '', idHex = '', encoded = ''] = match;
  if (!isValidKeyName(name)) throw new NoteKeyError('the verifier key name is empty or malformed');
  if (!/^[0-9a-f]{8}$/.test(idHex))
    throw new NoteKeyError('the verifier key ID is not 8 lowercase hex digits');
  const bytes = fromBase64(encoded);
  if (!bytes || bytes[0] !== ED25519_TYPE)
    throw new NoteKeyError('the verifier key is not an Ed25519 (type 0x01) key');
  const publicKey = publicKeyFromRaw(bytes.subarray(1));
  const keyId = noteKeyId(name, publicKey);
  if (keyId !== Number.parseInt(idHex, 16)) {
    throw new NoteKeyError('the verifier key ID does not match its name and key');
  }
  return { name, keyId, publicKey };
}

/** A verifier for `publicKey` signing under `name`. */
export function noteVerifier(name: string, publicKey: string | KeyObject): NoteVerifier {
  if (!isValidKeyName(name))
    throw new NoteKeyError(`key name ${JSON.stringify(name)} is empty or holds a space or +`);
  const key = ed25519PublicKey(publicKey);
  return { name, keyId: noteKeyId(name, key), publicKey: key };
}

/** Why note text cannot be signed or read, or null when it is fine. */
function textProblem(text: string): string | null {
  if (text.length === 0) return 'the text is empty';
  if (!text.endsWith('\n')) return 'the text does not end in a newline';
  if (/\p{Cs}/u.test(text)) return 'the text is not valid UTF-8';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text))
    return 'the text holds a control character other than newline';
  return null;
}

/** Signs `text` as a C2SP note with one Ed25519 signature line. */
export function signNote(text: string, privateKey: string | KeyObject, name: string): string {
  const problem = textProblem(text);
  if (problem) throw new SignedNoteFormatError(problem);
  if (!isValidKeyName(name))
    throw new NoteKeyError(`key name ${JSON.stringify(name)} is empty or holds a space or +`);
  const key = ed25519PrivateKey(privateKey);
  const signature = sign(null, Buffer.from(text, 'utf8'), key);
  const keyId = Buffer.alloc(KEY_ID_BYTES);
  keyId.writeUInt32BE(noteKeyId(name, ed25519PublicKey(key)));
  return `${text}\n${SIGNATURE_LINE_PREFIX}${name} ${toBase64(Buffer.concat([keyId, signature]))}\n`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Splits a signed note into text and signature lines, checking only the
 * format. The text MUST NOT be trusted until a signature is verified.
 */
export function parseSignedNote(note: string | Uint8Array): SignedNote {
  let whole: string;
  if (typeof note === 'string') {
    whole = note;
  } else {
    try {
      whole = utf8.decode(note);
    } catch {
      throw new SignedNoteFormatError('the note is not valid UTF-8');
    }
  }
  // The last blank line separates the text (which may hold blank lines) from the signatures.
  const split = whole.lastIndexOf('\n\n');
  if (split < 0) throw new SignedNoteFormatError('no blank line before the signatures');
  const text = whole.slice(0, split + 1);
  const block = whole.slice(split + 2);
  const problem = textProblem(whole);
  if (problem) throw new SignedNoteFormatError(problem.replace('the text', 'the note'));
  if (block.length === 0) throw new SignedNoteFormatError('the note has no signature');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES)
    throw new SignedNoteFormatError(`more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line, i): NoteSignature => {
    const fields = line.startsWith(SIGNATURE_LINE_PREFIX)
      ? line.slice(SIGNATURE_LINE_PREFIX.length).split(' ')
      : [];
    const [name, encoded] = fields;
    if (fields.length !== 2 || name === undefined || encoded === undefined) {
      throw new SignedNoteFormatError(`signature line ${i + 1} is not "— <name> <signature>"`);
    }
    if (!isValidKeyName(name))
      throw new SignedNoteFormatError(`signature line ${i + 1} has a malformed key name`);
    const bytes = fromBase64(encoded);
    if (!bytes || bytes.length <= KEY_ID_BYTES) {
      throw new SignedNoteFormatError(
        `signature line ${i + 1} is not base64 of a key ID and a signature`,
      );
    }
    return {
      name,
      keyId: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32BE(0),
      signature: bytes.subarray(KEY_ID_BYTES),
    };
  });
  return { text, signatures };
}

/** What checking a note against one key found. */
export type NoteCheck =
  | { readonly ok: true; readonly text: string; readonly keyName: string }
  | { readonly ok: false; readonly failure: 'unknown-key' | 'signature'; readonly reason: string };

/**
 * Checks a parsed note against one key, as the spec asks: lines whose name
 * and key ID both match the key are its signatures and must all verify;
 * other lines (other logs, witnesses) are ignored.
 */
export function checkNoteSignatures(note: SignedNote, verifier: NoteVerifier): NoteCheck {
  const mine = note.signatures.filter(
    (s) => s.name === verifier.name && s.keyId === verifier.keyId,
  );
  if (mine.length === 0) {
    const names = note.signatures.map((s) => s.name).join(', ');
    return {
      ok: false,
      failure: 'unknown-key',
      reason: `no signature by key ${verifier.name} (the note is signed by ${names})`,
    };
  }
  const body = Buffer.from(note.text, 'utf8');
  for (const { signature } of mine) {
    if (
      signature.length !== ED25519_SIGNATURE_BYTES ||
      !verify(null, body, verifier.publicKey, signature)
    ) {
      return {
        ok: false,
        failure: 'signature',
        reason: `the signature of ${verifier.name} does not verify over the note text`,
      };
    }
  }
  return { ok: true, text: note.text, keyName: verifier.name };
}
