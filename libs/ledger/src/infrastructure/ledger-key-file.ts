import { generateKeyPairSync } from 'node:crypto';
import { readPrivateFile } from '@onrecord/platform';
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
 * first start when `create` is set. A file its group or others may read or
 * write is refused: whoever can read the key can sign checkpoints in the
 * log's name.
 */
export function loadLedgerKeyFile(file: string, options: { readonly create: boolean }): LoadedKey {
  const { content, created } = readPrivateFile(file, {
    what: 'The ledger signing key',
    missingHint: 'ONRECORD_LEDGER_KEY_FILE must name an Ed25519 private key PEM',
    error: (message) => new LedgerKeyFileError(message),
    ...(options.create ? { generate: newKeyPem } : {}),
  });
  const pem = content.toString('utf8');
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

function newKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}
