import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  type VerifiedCheckpoint,
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from './checkpoint.js';
import { publicKeyPem } from './ed25519-keys.js';
import { CheckpointVerificationError, SignedNoteFormatError } from './ledger-errors.js';
import { formatVerifierKey, signNote } from './signed-note.js';

const ORIGIN = 'onrecord.example/ledger';
const ROOT = createHash('sha256').update('a root').digest();
const AT = new Date('2026-03-02T09:15:30.250Z');
const logKey = generateKeyPairSync('ed25519');
const otherKey = generateKeyPairSync('ed25519');

const body = formatCheckpoint({ origin: ORIGIN, treeSize: 1234, rootHash: ROOT, timestamp: AT });

/** The failure verifyCheckpoint names, or 'verified'. */
function failureOf(verify: () => VerifiedCheckpoint): string {
  try {
    verify();
    return 'verified';
  } catch (error) {
    if (error instanceof CheckpointVerificationError) return error.failure;
    throw error;
  }
}

describe('checkpoint body (C2SP tlog-checkpoint)', () => {
  it('is origin, decimal size, base64 root and one timestamp line, each ending in a newline', () => {
    expect(body).toBe(
      `${ORIGIN}\n1234\n${ROOT.toString('base64')}\ntimestamp 2026-03-02T09:15:30.250Z\n`,
    );
    expect(parseCheckpoint(body)).toEqual({
      origin: ORIGIN,
      treeSize: 1234,
      rootHash: Uint8Array.from(ROOT),
      timestamp: '2026-03-02T09:15:30.250Z',
    });
  });

  it('writes the empty tree as size 0', () => {
    const empty = formatCheckpoint({
      origin: ORIGIN,
      treeSize: 0,
      rootHash: createHash('sha256').digest(),
      timestamp: AT,
    });
    expect(empty.split('\n')[1]).toBe('0');
    expect(parseCheckpoint(empty).treeSize).toBe(0);
  });

  it.each([
    ['a size with a leading zero', body.replace('\n1234\n', '\n01234\n')],
    ['a negative size', body.replace('\n1234\n', '\n-1\n')],
    ['a size beyond 2^53', body.replace('\n1234\n', '\n9007199254740993\n')],
    [
      'a root of 31 bytes',
      body.replace(ROOT.toString('base64'), ROOT.subarray(1).toString('base64')),
    ],
    ['a root in base64url', body.replace(ROOT.toString('base64'), ROOT.toString('base64url'))],
    ['no timestamp', body.replace(/timestamp .*\n/, '')],
    ['two timestamps', body + 'timestamp 2026-03-02T09:15:31.000Z\n'],
    ['a timestamp without milliseconds', body.replace('30.250Z', '30Z')],
    ['a timestamp in another zone', body.replace('30.250Z', '30.250+01:00')],
    ['an impossible date', body.replace('03-02T', '02-30T')],
    ['an empty extension line', body + '\n'],
    ['no final newline', body.slice(0, -1)],
    ['only two lines', `${ORIGIN}\n1234\n`],
  ])('rejects a body with %s', (_, text) => {
    expect(() => parseCheckpoint(text)).toThrow(SignedNoteFormatError);
  });

  it('keeps extension lines it does not know', () => {
    expect(parseCheckpoint(body + 'witnessed-by example\n').treeSize).toBe(1234);
  });
});

describe('signed checkpoints', () => {
  const note = signCheckpoint(body, logKey.privateKey);

  it('is the body, a blank line and one Ed25519 line under the origin as key name', () => {
    expect(note.startsWith(body + '\n— ' + ORIGIN + ' ')).toBe(true);
    expect(note.endsWith('\n')).toBe(true);
    expect(Buffer.from(note.slice(body.length + 2 + ORIGIN.length + 2, -1), 'base64')).toHaveLength(
      4 + 64,
    );
  });

  it('round-trips with the public key as PEM, KeyObject or vkey', () => {
    const expected = {
      origin: ORIGIN,
      treeSize: 1234,
      rootHash: Uint8Array.from(ROOT),
      timestamp: AT.toISOString(),
      keyName: ORIGIN,
    };
    expect(verifyCheckpoint(note, publicKeyPem(logKey.publicKey))).toEqual(expected);
    expect(verifyCheckpoint(note, logKey.publicKey)).toEqual(expected);
    expect(verifyCheckpoint(note, formatVerifierKey(ORIGIN, logKey.publicKey))).toEqual(expected);
    expect(verifyCheckpoint(Buffer.from(note, 'utf8'), logKey.publicKey)).toEqual(expected);
  });

  it('signs under another key name when asked, and verifies under it', () => {
    const named = signCheckpoint(body, logKey.privateKey, 'onrecord.example/ledger-key-2');
    expect(verifyCheckpoint(named, logKey.publicKey).keyName).toBe('onrecord.example/ledger-key-2');
    expect(
      verifyCheckpoint(named, logKey.publicKey, { keyName: 'onrecord.example/ledger-key-2' })
        .treeSize,
    ).toBe(1234);
    expect(failureOf(() => verifyCheckpoint(named, logKey.publicKey, { keyName: ORIGIN }))).toBe(
      'unknown-key',
    );
  });

  it('rejects the wrong key: its key ID matches no signature line', () => {
    expect(failureOf(() => verifyCheckpoint(note, otherKey.publicKey))).toBe('unknown-key');
    expect(
      failureOf(() => verifyCheckpoint(note, formatVerifierKey(ORIGIN, otherKey.publicKey))),
    ).toBe('unknown-key');
  });

  it('rejects a signature line forged to carry the right key ID', () => {
    const forged = signNote(body, otherKey.privateKey, ORIGIN);
    const rightId = note.slice(note.lastIndexOf(' ') + 1, note.lastIndexOf(' ') + 1 + 8);
    const spliced =
      forged.slice(0, forged.lastIndexOf(' ') + 1) +
      rightId +
      forged.slice(forged.lastIndexOf(' ') + 1 + 8);
    expect(failureOf(() => verifyCheckpoint(spliced, logKey.publicKey))).toBe('signature');
  });

  it.each([
    ['tree size', (text: string) => text.replace('\n1234\n', '\n1235\n')],
    ['origin', (text: string) => text.replace(`${ORIGIN}\n`, 'onrecord.example/ledgex\n')],
    [
      'root hash',
      (text: string) =>
        text.replace(ROOT.toString('base64'), createHash('sha256').update('b').digest('base64')),
    ],
    ['timestamp', (text: string) => text.replace('09:15:30.250Z', '09:15:31.250Z')],
  ])('rejects a note whose %s was altered after signing', (_, alter) => {
    expect(failureOf(() => verifyCheckpoint(alter(note), logKey.publicKey))).toBe('signature');
  });

  it('ignores cosignatures by other keys, and fails if any signature of its own key fails', () => {
    const cosigned =
      note + signNote(body, otherKey.privateKey, 'witness.example').slice(body.length + 1);
    expect(verifyCheckpoint(cosigned, logKey.publicKey).treeSize).toBe(1234);
    const line = note.slice(body.length + 1);
    const badCopy = line.replace(/.{4}=\n$/, 'AAAA=\n');
    expect(badCopy).not.toBe(line);
    expect(failureOf(() => verifyCheckpoint(note + badCopy, logKey.publicKey))).toBe('signature');
  });

  it('names a note that is not a note, a signed text that is not a checkpoint, and a key that is not Ed25519', () => {
    expect(failureOf(() => verifyCheckpoint(body, logKey.publicKey))).toBe('note-format');
    const notACheckpoint = signNote('hello\n', logKey.privateKey, ORIGIN);
    expect(failureOf(() => verifyCheckpoint(notACheckpoint, logKey.publicKey))).toBe(
      'checkpoint-format',
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(failureOf(() => verifyCheckpoint(note, rsa))).toBe('key');
    expect(failureOf(() => verifyCheckpoint(note, 'not a key'))).toBe('key');
  });

  it('refuses to sign a body that is not a checkpoint, or under an origin that is no key name', () => {
    expect(() => signCheckpoint('hello\n', logKey.privateKey)).toThrow(SignedNoteFormatError);
    const spaced = formatCheckpoint({
      origin: 'OnRecord ledger',
      treeSize: 1,
      rootHash: ROOT,
      timestamp: AT,
    });
    expect(() => signCheckpoint(spaced, logKey.privateKey)).toThrow(/keyName/);
    expect(
      verifyCheckpoint(
        signCheckpoint(spaced, logKey.privateKey, 'onrecord.example'),
        logKey.publicKey,
      ).origin,
    ).toBe('OnRecord ledger');
  });
});
