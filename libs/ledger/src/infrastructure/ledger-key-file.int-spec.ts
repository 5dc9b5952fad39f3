import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { LedgerKeyFileError, loadLedgerKeyFile } from './ledger-key-file.js';

const posix = process.platform !== 'win32';
const itOnPosix = posix ? it : it.skip;

describe('the ledger signing key file', () => {
  let dir: { path: string; remove: () => void };
  beforeEach(() => (dir = tempDir('onrecord-ledger-key-')));
  afterEach(() => dir.remove());

  itOnPosix(
    'given none, generates an Ed25519 key with mode 0600, and reads the same key next time',
    () => {
      const file = join(dir.path, 'keys', 'ledger-signing-key.pem');
      const first = loadLedgerKeyFile(file, { create: true });
      expect(first.created).toBe(true);
      expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
      expect(first.pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const again = loadLedgerKeyFile(file, { create: true });
      expect(again).toEqual({ pem: first.pem, created: false });
    },
  );

  itOnPosix('refuses a key file its group or others may read, naming the mode and the fix', () => {
    const file = join(dir.path, 'ledger-signing-key.pem');
    loadLedgerKeyFile(file, { create: true });
    chmodSync(file, 0o640);
    expect(() => loadLedgerKeyFile(file, { create: true })).toThrow(
      new LedgerKeyFileError(
        `The ledger signing key ${file} has mode 0640: it must be readable by its owner only. Run: chmod 600 ${file}`,
      ),
    );
  });

  it('never generates a key the operator said to supply, and refuses a key that is not Ed25519', () => {
    const missing = join(dir.path, 'operator.pem');
    expect(() => loadLedgerKeyFile(missing, { create: false })).toThrow(/does not exist/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    writeFileSync(missing, rsa.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    expect(() => loadLedgerKeyFile(missing, { create: false })).toThrow(
      /not an Ed25519 private key/,
    );
    expect(readFileSync(missing, 'utf8')).toMatch(/PRIVATE KEY/);
  });
});
