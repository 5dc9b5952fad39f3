import type { KeyObject } from 'node:crypto';
import { signCheckpoint } from '../domain/checkpoint.js';
import { ed25519PrivateKey, ed25519PublicKey, publicKeyPem } from '../domain/ed25519-keys.js';
import { formatVerifierKey } from '../domain/signed-note.js';

/**
 * The log's identity (its origin, also the key name it signs under) and the
 * Ed25519 key that signs its checkpoints. The private key never leaves this
 * object.
 */
export class LedgerSigner {
  readonly publicKey: KeyObject;
  /** SPKI PEM: what an auditor keeps as the trusted key. */
  readonly publicKeyPem: string;
  /** C2SP verifier key `<name>+<key id>+<key>`, as note tooling reads it. */
  readonly verifierKey: string;
  private readonly privateKey: KeyObject;

  constructor(
    readonly origin: string,
    privateKey: string | KeyObject,
  ) {
    this.privateKey = ed25519PrivateKey(privateKey);
    this.publicKey = ed25519PublicKey(this.privateKey);
    this.publicKeyPem = publicKeyPem(this.publicKey);
    this.verifierKey = formatVerifierKey(origin, this.publicKey);
  }

  /** Signs a checkpoint body (formatCheckpoint) under the origin as key name. */
  sign(body: string): string {
    return signCheckpoint(body, this.privateKey, this.origin);
  }
}
