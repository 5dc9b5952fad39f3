import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

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
 * Reads the deployment's webhook key, generating it first when `create` is
 * set and the file does not exist. Like the ledger's signing key, a file its
 * group or others may read or write is refused: whoever reads the key can
 * open every webhook secret in the event log.
 */
export function loadWebhookKeyFile(
  file: string,
  options: { readonly create: boolean },
): LoadedWebhookKey {
  let created = false;
  if (options.create && !exists(file)) created = generateKeyFile(file);
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new WebhookKeyFileError(
      `The webhook key ${file} does not exist (ONRECORD_WEBHOOK_KEY_FILE must name a file holding 32 random bytes)`,
    );
  }
  if (!stat.isFile()) throw new WebhookKeyFileError(`The webhook key ${file} is not a file`);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new WebhookKeyFileError(
      `The webhook key ${file} has mode ${mode}: it must be readable by its owner only. Run: chmod 600 ${file}`,
    );
  }
  const key = parseWebhookKey(readFileSync(file));
  if (!key) {
    throw new WebhookKeyFileError(
      `The webhook key ${file} must hold 32 random bytes: raw, base64 or hex (e.g. openssl rand -base64 32 > ${file})`,
    );
  }
  return { key, created };
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a new key, base64, with mode 0600 from the first byte, fsynced with
 * its folder: secrets sealed under a key that a crash then lost could never
 * be opened again. Returns false when another process created it first.
 */
function generateKeyFile(file: string): boolean {
  mkdirSync(dirname(file), { recursive: true });
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${randomBytes(WEBHOOK_KEY_BYTES).toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (process.platform !== 'win32') {
    const dir = openSync(dirname(file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
  return true;
}
