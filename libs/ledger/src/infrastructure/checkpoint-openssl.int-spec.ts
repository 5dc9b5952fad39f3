import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { formatCheckpoint, signCheckpoint } from '../domain/checkpoint.js';
import { publicKeyPem } from '../domain/ed25519-keys.js';
import { parseSignedNote } from '../domain/signed-note.js';

// An auditor checks a checkpoint with stock OpenSSL, trusting none of our code:
// the note's text is the signed message and the signature line is
// base64(4-byte key ID ‖ 64-byte Ed25519 signature).
const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const hasOpenssl = openssl.status === 0;
const itWithOpenssl = hasOpenssl ? it : it.skip;

describe(`a signed checkpoint under ${hasOpenssl ? openssl.stdout.trim() : 'openssl (absent: skipped)'}`, () => {
  const key = generateKeyPairSync('ed25519');
  const note = signCheckpoint(
    formatCheckpoint({
      origin: 'onrecord.example/ledger',
      treeSize: 10,
      rootHash: Buffer.alloc(32, 7),
      timestamp: new Date('2026-03-02T09:15:30.250Z'),
    }),
    key.privateKey,
  );

  /** Runs `openssl pkeyutl -verify -rawin` on the note text and the bare signature. */
  function opensslVerify(
    body: string,
    signature: Uint8Array,
  ): { status: number | null; output: string } {
    const dir = tempDir('onrecord-openssl-');
    try {
      writeFileSync(join(dir.path, 'pub.pem'), publicKeyPem(key.publicKey));
      writeFileSync(join(dir.path, 'body.txt'), body, 'utf8');
      writeFileSync(join(dir.path, 'sig.bin'), signature);
      const run = spawnSync(
        'openssl',
        [
          'pkeyutl',
          '-verify',
          '-pubin',
          '-inkey',
          'pub.pem',
          '-rawin',
          '-in',
          'body.txt',
          '-sigfile',
          'sig.bin',
        ],
        { cwd: dir.path, encoding: 'utf8' },
      );
      return { status: run.status, output: `${run.stdout}${run.stderr}` };
    } finally {
      dir.remove();
    }
  }

  itWithOpenssl('verifies with openssl pkeyutl -rawin over the note text', () => {
    const { text, signatures } = parseSignedNote(note);
    const [line] = signatures;
    expect(line?.signature).toHaveLength(64);
    const result = opensslVerify(text, line!.signature);
    expect(result.output).toContain('Signature Verified Successfully');
    expect(result.status).toBe(0);
  });

  itWithOpenssl('fails under openssl once the text is altered', () => {
    const { text, signatures } = parseSignedNote(note);
    const result = opensslVerify(text.replace('\n10\n', '\n11\n'), signatures[0]!.signature);
    expect(result.status).not.toBe(0);
    expect(result.output).not.toContain('Signature Verified Successfully');
  });
});
