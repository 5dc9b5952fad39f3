import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { WebhookKeyFileError, loadWebhookKeyFile, parseWebhookKey } from './webhook-key-file.js';

describe('the webhook key file', () => {
  it('given no key on an embedded install, generates 32 random bytes with mode 0600 once, and reads the same key after', () => {
    const dir = tempDir('onrecord-webhook-key-');
    try {
      const file = join(dir.path, 'nested', 'webhook-key');
      const first = loadWebhookKeyFile(file, { create: true });
      const again = loadWebhookKeyFile(file, { create: true });

      expect(first.created).toBe(true);
      expect(again.created).toBe(false);
      expect(first.key).toHaveLength(32);
      expect(again.key.equals(first.key)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toBe(`${first.key.toString('base64')}\n`);
    } finally {
      dir.remove();
    }
  });

  it('refuses a supplied key that is missing, readable by others, or not 32 bytes', () => {
    const dir = tempDir('onrecord-webhook-key-');
    try {
      const file = join(dir.path, 'webhook-key');
      expect(() => loadWebhookKeyFile(file, { create: false })).toThrow(/does not exist/);

      writeFileSync(file, Buffer.alloc(32, 5), { mode: 0o644 });
      chmodSync(file, 0o644);
      expect(() => loadWebhookKeyFile(file, { create: false })).toThrow(/mode 0644.*chmod 600/);

      chmodSync(file, 0o600);
      expect(loadWebhookKeyFile(file, { create: false }).key.equals(Buffer.alloc(32, 5))).toBe(
        true,
      );

      writeFileSync(file, 'hunter2\n');
      expect(() => loadWebhookKeyFile(file, { create: false })).toThrow(WebhookKeyFileError);
    } finally {
      dir.remove();
    }
  });

  it('reads the key raw, as base64 or as hex', () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7));
    expect(parseWebhookKey(key)?.equals(key)).toBe(true);
    expect(parseWebhookKey(Buffer.from(`${key.toString('base64')}\n`))?.equals(key)).toBe(true);
    expect(parseWebhookKey(Buffer.from(key.toString('base64url')))?.equals(key)).toBe(true);
    expect(parseWebhookKey(Buffer.from(` ${key.toString('hex')}\n`))?.equals(key)).toBe(true);
    expect(parseWebhookKey(Buffer.from(key.toString('base64').slice(0, 40)))).toBeNull();
    expect(parseWebhookKey(Buffer.alloc(31))).toBeNull();
  });
});
