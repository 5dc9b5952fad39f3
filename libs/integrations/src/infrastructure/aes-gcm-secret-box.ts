import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { SealedSecret } from '../domain/sealed-secret.js';
import {
  WebhookSecretBox,
  WebhookSecretUnopenableError,
} from '../application/webhook-secret-box.port.js';
import { WEBHOOK_KEY_BYTES } from './webhook-key-file.js';

/** Binds a sealed secret to its webhook: moved to another registration, it no longer opens. */
function additionalData(webhookId: string): Buffer {
  return Buffer.from(`onrecord-webhook-secret:${webhookId}`, 'utf8');
}

/**
 * AES-256-GCM under the deployment's 32-byte webhook key, a fresh 96-bit
 * nonce per seal. The key id is an HMAC of a fixed label under the key: it
 * tells keys apart without revealing anything about them.
 */
export class AesGcmSecretBox extends WebhookSecretBox {
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    super();
    if (key.length !== WEBHOOK_KEY_BYTES) {
      throw new RangeError(`the webhook key must be ${WEBHOOK_KEY_BYTES} bytes, got ${key.length}`);
    }
    this.key = Buffer.from(key);
    this.keyId = createHmac('sha256', this.key)
      .update('onrecord webhook key id')
      .digest('hex')
      .slice(0, 16);
  }

  seal(webhookId: string, secret: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(additionalData(webhookId));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return {
      alg: 'A256GCM',
      kid: this.keyId,
      iv: iv.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  open(webhookId: string, sealed: SealedSecret): string {
    if (sealed.kid !== this.keyId) {
      throw new WebhookSecretUnopenableError(
        webhookId,
        `it was sealed under webhook key ${sealed.kid}, and this replica holds key ${this.keyId}; every replica must read the same ONRECORD_WEBHOOK_KEY_FILE`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(additionalData(webhookId));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([
        decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new WebhookSecretUnopenableError(
        webhookId,
        'it does not authenticate under this key (altered, or sealed for another webhook)',
      );
    }
  }
}
