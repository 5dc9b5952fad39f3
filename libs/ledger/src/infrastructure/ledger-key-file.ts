import { generateKeyPairSync } from 'node:crypto';
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
import { ed25519PrivateKey } from '../domain/ed25519-keys.js';
import { NoteKeyError } from '../domain/ledger-errors.js';

/** The signing key file is missing, unreadable, not an Ed25519 key, or open to others. */
export class LedgerKeyFileError extends Error {}

export interface LoadedKey {
  readonly pem: string;
  /** True when this call generated the key (first start). */
  readonly created: boolean;
}

/**
 * Reads the ledger's Ed25519 private key (PKCS #8 PEM), generating it on the
 * first start when `create` is set. Like ssh with its private keys, a file
 * that its group or others may read or write is refused: whoever can read the
 * key can sign checkpoints in the log's name.
 */
export function loadLedgerKeyFile(file: string, options: { readonly create: boolean }): LoadedKey {
  let created = false;
  if (options.create && !exists(file)) created = generateKeyFile(file);
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new LedgerKeyFileError(
      `The ledger signing key ${file} does not exist` +
        (options.create ? '' : ' (ONRECORD_LEDGER_KEY_FILE must name an Ed25519 private key PEM)'),
    );
  }
  if (!stat.isFile()) throw new LedgerKeyFileError(`The ledger signing key ${file} is not a file`);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new LedgerKeyFileError(
      `The ledger signing key ${file} has mode ${mode}: it must be readable by its owner only. Run: chmod 600 ${file}`,
    );
  }
  const pem = readFileSync(file, 'utf8');
  try {
    ed25519PrivateKey(pem);
  } catch (error) {
    if (error instanceof NoteKeyError) {
      throw new LedgerKeyFileError(`The ledger signing key ${file} is unusable: ${error.message}`);
    }
    throw error;
  }
  return { pem, created };
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
 * Writes a new key with mode 0600 from the first byte (never a moment with a
 * looser mode), fsynced with its folder: checkpoints signed with a key that a
 * crash then lost could never be checked again. Returns false when another
 * process created the file first.
 */
function generateKeyFile(file: string): boolean {
  mkdirSync(dirname(file), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, pem);
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
