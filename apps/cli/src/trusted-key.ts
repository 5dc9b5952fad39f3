import { createPublicKey } from 'node:crypto';
import { parseVerifierKey } from '@onrecord/ledger';
import { UsageError } from './cli-args.js';
import { readInput } from './cli-io.js';

/** The key an auditor trusts, obtained out of band (GET /ledger/public-key, or the operator). */
export interface TrustedKey {
  /** SPKI PEM of the Ed25519 public key. */
  readonly pem: string;
  /** The C2SP verifier key when the file held one: it also fixes the key name. */
  readonly verifierKey: string | null;
  /** True when the file held a private key: fine for the operator, not independent evidence. */
  readonly fromPrivateKey: boolean;
}

/**
 * Reads a trusted key file: an Ed25519 public key PEM (what GET
 * /ledger/public-key serves), a C2SP verifier key line
 * (`<name>+<key id>+<key>`), or the private key PEM itself.
 */
export function readTrustedKey(file: string): TrustedKey {
  const text = readInput(file, 'key file').trim();
  try {
    if (!text.includes('-----BEGIN')) {
      const verifier = parseVerifierKey(text);
      return {
        pem: verifier.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        verifierKey: text,
        fromPrivateKey: false,
      };
    }
    const fromPrivateKey = text.includes('PRIVATE KEY');
    const key = createPublicKey(text);
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new Error(`a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
    }
    return {
      pem: key.export({ type: 'spki', format: 'pem' }).toString(),
      verifierKey: null,
      fromPrivateKey,
    };
  } catch (error) {
    throw new UsageError(
      `${file} is not an Ed25519 public key PEM or verifier key: ${(error as Error).message}`,
    );
  }
}
