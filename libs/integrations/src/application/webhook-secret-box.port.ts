import type { SealedSecret } from '../domain/sealed-secret.js';

/**
 * Seals webhook signing secrets for the event log and opens them for
 * signing, under the deployment's webhook key. Every replica of a
 * deployment must hold the same key.
 */
export abstract class WebhookSecretBox {
  /** Names the key (never the key itself), as sealed secrets carry it. */
  abstract readonly keyId: string;
  abstract seal(webhookId: string, secret: string): SealedSecret;
  /** Throws WebhookSecretUnopenableError when the secret was sealed under another key, or altered. */
  abstract open(webhookId: string, sealed: SealedSecret): string;
}

/** A sealed secret this replica cannot open: another deployment key, or altered bytes. */
export class WebhookSecretUnopenableError extends Error {
  constructor(
    readonly webhookId: string,
    detail: string,
  ) {
    super(`The signing secret of webhook ${webhookId} cannot be opened: ${detail}`);
  }
}
