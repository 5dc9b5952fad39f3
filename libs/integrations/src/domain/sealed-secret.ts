/**
 * A webhook signing secret as the event log keeps it: AES-256-GCM under the
 * deployment's webhook key, bound to its webhook (the id is the additional
 * authenticated data), never in clear. The log is immutable, replicated and
 * exported; whoever reads it without the key learns nothing of the secret.
 */
export interface SealedSecret {
  readonly alg: 'A256GCM';
  /** Names the key it was sealed under (a keyed hash, not the key): a replica with another key says so instead of failing obscurely. */
  readonly kid: string;
  /** Base64 of the 12-byte nonce. */
  readonly iv: string;
  readonly ciphertext: string;
  /** Base64 of the 16-byte GCM tag. */
  readonly tag: string;
}

export function isSealedSecret(value: unknown): value is SealedSecret {
  if (typeof value !== 'object' || value === null) return false;
  const sealed = value as Record<string, unknown>;
  return (
    sealed['alg'] === 'A256GCM' &&
    typeof sealed['kid'] === 'string' &&
    typeof sealed['iv'] === 'string' &&
    typeof sealed['ciphertext'] === 'string' &&
    typeof sealed['tag'] === 'string'
  );
}
