import { randomBytes } from 'node:crypto';
import { readPrivateFile } from '@onrecord/platform';

/** The webhook key: 32 bytes for AES-256-GCM. */
export const WEBHOOK_KEY_BYTES = 32;

/** The webhook key file is missing, unreadable, not 32 bytes, or open to others. */
export class WebhookKeyFileError extends Error {}

export interface LoadedWebhookKey {
  readonly key: Buffer;
  /** True when this call generated the file (first start of an embedded install). */
  readonly created: boolean;
}

/**
 * The key as a file holds it: the 32 bytes themselves (`head -c 32
 * /dev/urandom`), or as text, base64 (`openssl rand -base64 32`, what this
 * server writes) or hex (`openssl rand -hex 32`), surrounding whitespace
 * ignored. The three lengths differ, so no content is read two ways.
 */
export function parseWebhookKey(content: Buffer): Buffer | null {
  if (content.length === WEBHOOK_KEY_BYTES) return Buffer.from(content);
  const text = content.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === WEBHOOK_KEY_BYTES) return key;
  }
  return null;
}

/**
 * Reads the deployment's webhook key, generating it first (base64) when
 * `create` is set and the file does not exist. Like the ledger's signing key,
 * a file its group or others may read or write is refused: whoever reads the
 * key can open every webhook secret in the event log.
 */
export function loadWebhookKeyFile(
  file: string,
  options: { readonly create: boolean },
): LoadedWebhookKey {
  const { content, created } = readPrivateFile(file, {
    what: 'The webhook key',
    missingHint: 'ONRECORD_WEBHOOK_KEY_FILE must name a file holding 32 random bytes',
    error: (message) => new WebhookKeyFileError(message),
    ...(options.create
      ? { generate: () => `${randomBytes(WEBHOOK_KEY_BYTES).toString('base64')}\n` }
      : {}),
  });
  const key = parseWebhookKey(content);
  if (!key) {
    throw new WebhookKeyFileError(
      `The webhook key ${file} must hold 32 random bytes: raw, base64 or hex (e.g. openssl rand -base64 32 > ${file})`,
    );
  }
  return { key, created };
}
