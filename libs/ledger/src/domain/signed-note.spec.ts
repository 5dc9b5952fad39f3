import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { NoteKeyError, SignedNoteFormatError } from './ledger-errors.js';
import {
  checkNoteSignatures,
  formatVerifierKey,
  noteVerifier,
  parseSignedNote,
  parseVerifierKey,
  signNote,
} from './signed-note.js';

// The example of golang.org/x/mod/sumdb/note, the reference implementation
// of C2SP signed-note: its signer key is base64(0x01 ‖ Ed25519 seed).
const GO_SIGNER_KEY =
  'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE =
  GO_TEXT +
  '\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

function goPrivateKey() {
  const seed = Buffer.from(GO_SIGNER_KEY.split('+').slice(4).join('+'), 'base64').subarray(1);
  const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  return createPrivateKey({
    key: Buffer.concat([pkcs8Prefix, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

describe('C2SP signed notes', () => {
  it('signs the Go reference note byte for byte (Ed25519 is deterministic)', () => {
    expect(signNote(GO_TEXT, goPrivateKey(), 'PeterNeumann')).toBe(GO_NOTE);
  });

  it('derives the reference vkey, key ID included, from the key and name', () => {
    expect(formatVerifierKey('PeterNeumann', goPrivateKey())).toBe(GO_VERIFIER_KEY);
    const verifier = parseVerifierKey(GO_VERIFIER_KEY);
    expect(verifier.name).toBe('PeterNeumann');
    expect(verifier.keyId).toBe(0xc74f20a3);
  });

  it('reads a vkey whose base64 holds a +, as transparency-dev/formats publishes one', () => {
    const verifier = parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6');
    expect(verifier).toMatchObject({ name: 'TEST', keyId: 0x7997405c });
    expect(formatVerifierKey('TEST', verifier.publicKey)).toBe(
      'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6',
    );
  });

  it('verifies the reference note with the reference vkey, and not once a letter changes', () => {
    const verifier = parseVerifierKey(GO_VERIFIER_KEY);
    expect(checkNoteSignatures(parseSignedNote(GO_NOTE), verifier)).toEqual({
      ok: true,
      text: GO_TEXT,
      keyName: 'PeterNeumann',
    });
    const altered = parseSignedNote(GO_NOTE.replace('cryptography', 'cryptographY'));
    expect(checkNoteSignatures(altered, verifier)).toMatchObject({
      ok: false,
      failure: 'signature',
    });
  });

  it('reads a note from bytes, keeping blank lines of the text and every signature line', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const text = 'first\n\nafter a blank line\n';
    const twice = signNote(text, privateKey, 'a.example/log') + '— witness.example/w AAAAAQID\n';
    const note = parseSignedNote(Buffer.from(twice, 'utf8'));
    expect(note.text).toBe(text);
    expect(note.signatures.map((s) => s.name)).toEqual(['a.example/log', 'witness.example/w']);
    expect(note.signatures[1]).toMatchObject({ keyId: 1, signature: Uint8Array.of(2, 3) });
  });

  it('ignores other keys and rejects a key with no signature line', () => {
    const a = generateKeyPairSync('ed25519');
    const b = generateKeyPairSync('ed25519');
    const note = parseSignedNote(signNote('hello\n', a.privateKey, 'log.example'));
    expect(checkNoteSignatures(note, noteVerifier('log.example', a.publicKey)).ok).toBe(true);
    expect(checkNoteSignatures(note, noteVerifier('log.example', b.publicKey))).toMatchObject({
      failure: 'unknown-key',
    });
    expect(checkNoteSignatures(note, noteVerifier('other.example', a.publicKey))).toMatchObject({
      failure: 'unknown-key',
    });
  });

  it.each([
    ['no blank line before the signatures', 'text\n— k AAAA\n'],
    ['no signature at all', 'text\n\n'],
    ['a line without the em dash', 'text\n\n- k AAAAAQ==\n'],
    ['a line with a third field', 'text\n\n— k AAAAAQ== extra\n'],
    ['a signature that is not base64', 'text\n\n— k !!!!\n'],
    ['a signature of only a key ID', 'text\n\n— k AAAAAQ==\n'.replace('AAAAAQ==', 'AAAAAA==')],
    ['a missing final newline', 'text\n\n— k AAAAAQI='],
    ['a control character', 'te\txt\n\n— k AAAAAQI=\n'],
    ['a carriage return', 'text\r\n\n— k AAAAAQI=\n'],
  ])('rejects a note with %s', (_, note) => {
    expect(() => parseSignedNote(note)).toThrow(SignedNoteFormatError);
  });

  it('rejects bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from('te'),
      Buffer.from([0xff]),
      Buffer.from('xt\n\n— k AAAAAQI=\n'),
    ]);
    expect(() => parseSignedNote(bytes)).toThrow(SignedNoteFormatError);
  });

  it('refuses to sign text a verifier would reject, or under a malformed name', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    expect(() => signNote('no newline', privateKey, 'k')).toThrow(SignedNoteFormatError);
    expect(() => signNote('tab\there\n', privateKey, 'k')).toThrow(SignedNoteFormatError);
    expect(() => signNote('ok\n', privateKey, 'two words')).toThrow(NoteKeyError);
    expect(() => signNote('ok\n', privateKey, 'a+b')).toThrow(NoteKeyError);
    expect(() => signNote('ok\n', publicKey, 'k')).toThrow(NoteKeyError);
    expect(() =>
      signNote('ok\n', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'k'),
    ).toThrow(NoteKeyError);
  });

  it.each([
    ['a missing part', 'PeterNeumann+c74f20a3'],
    [
      'a key ID that does not match',
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    ],
    ['another name', 'PeterNeumanm+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    [
      'another signature type',
      'PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    ],
    ['a short key', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy'],
  ])('rejects a vkey with %s', (_, vkey) => {
    expect(() => parseVerifierKey(vkey)).toThrow(NoteKeyError);
  });
});
