import { type KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import { NoteKeyError } from './ledger-errors.js';

/** Bytes of an Ed25519 public key as RFC 8032 encodes it. */
const PUBLIC_KEY_BYTES = 32;

/**
 * An Ed25519 public key from a PEM (SPKI) text or a KeyObject; a private
 * KeyObject yields its public half.
 */
export function ed25519PublicKey(key: string | KeyObject): KeyObject {
  let publicKey: KeyObject;
  try {
    publicKey =
      typeof key === 'string'
        ? createPublicKey(key)
        : key.type === 'private'
          ? createPublicKey(key)
          : key;
  } catch (error) {
    throw new NoteKeyError(`not a public key PEM (${(error as Error).message})`);
  }
  if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519') {
    throw new NoteKeyError(
      `a ${publicKey.asymmetricKeyType ?? publicKey.type} key, not an Ed25519 public key`,
    );
  }
  return publicKey;
}

/** An Ed25519 private key from a PEM (PKCS #8) text or a KeyObject. */
export function ed25519PrivateKey(key: string | KeyObject): KeyObject {
  let privateKey: KeyObject;
  try {
    privateKey = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch (error) {
    throw new NoteKeyError(`not a private key PEM (${(error as Error).message})`);
  }
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new NoteKeyError(
      `a ${privateKey.asymmetricKeyType ?? privateKey.type} key, not an Ed25519 private key`,
    );
  }
  return privateKey;
}

/** The 32-byte RFC 8032 encoding of an Ed25519 public key. */
export function rawPublicKey(publicKey: KeyObject): Uint8Array {
  const { x } = publicKey.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new NoteKeyError('the key has no Ed25519 public point');
  return Uint8Array.from(Buffer.from(x, 'base64url'));
}

/** An Ed25519 public key from its 32-byte RFC 8032 encoding. */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== PUBLIC_KEY_BYTES) {
    throw new NoteKeyError(
      `an Ed25519 public key has ${PUBLIC_KEY_BYTES} bytes, not ${raw.length}`,
    );
  }
  const x = Buffer.from(raw).toString('base64url');
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  } catch (error) {
    throw new NoteKeyError(`not an Ed25519 point (${(error as Error).message})`);
  }
}

/** SPKI PEM text of a public key: the form a bundle carries and openssl reads. */
export function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
