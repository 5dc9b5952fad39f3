import { WebhookSecretUnopenableError } from '../application/webhook-secret-box.port.js';
import { AesGcmSecretBox } from './aes-gcm-secret-box.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const WEBHOOK = '7d5e7a4e-7a53-4c0e-9d86-1c6c1d1f0a01';

describe('sealing webhook secrets for the event log', () => {
  const box = new AesGcmSecretBox(Buffer.alloc(32, 1));

  it('given a secret sealed on one replica, another replica with the same key opens it; the sealed form holds nothing of it', () => {
    const sealed = box.seal(WEBHOOK, SECRET);

    expect(new AesGcmSecretBox(Buffer.alloc(32, 1)).open(WEBHOOK, sealed)).toBe(SECRET);
    expect(sealed).toMatchObject({ alg: 'A256GCM', kid: box.keyId });
    expect(JSON.stringify(sealed)).not.toContain(SECRET.slice('whsec_'.length, 20));
    // A fresh nonce each time: the same secret never seals the same way twice.
    expect(box.seal(WEBHOOK, SECRET).ciphertext).not.toBe(sealed.ciphertext);
  });

  it('given a replica with another key, it refuses and names both keys and the setting to fix', () => {
    const sealed = box.seal(WEBHOOK, SECRET);
    const other = new AesGcmSecretBox(Buffer.alloc(32, 2));

    expect(other.keyId).not.toBe(box.keyId);
    expect(() => other.open(WEBHOOK, sealed)).toThrow(WebhookSecretUnopenableError);
    expect(() => other.open(WEBHOOK, sealed)).toThrow(
      new RegExp(`${box.keyId}.*${other.keyId}.*ONRECORD_WEBHOOK_KEY_FILE`),
    );
  });

  it('refuses a sealed secret moved to another webhook or altered', () => {
    const sealed = box.seal(WEBHOOK, SECRET);
    expect(() => box.open('another-webhook', sealed)).toThrow(WebhookSecretUnopenableError);
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open(WEBHOOK, { ...sealed, ciphertext: flipped.toString('base64') })).toThrow(
      WebhookSecretUnopenableError,
    );
  });

  it('takes 32-byte keys only', () => {
    expect(() => new AesGcmSecretBox(Buffer.alloc(16))).toThrow(RangeError);
  });
});
