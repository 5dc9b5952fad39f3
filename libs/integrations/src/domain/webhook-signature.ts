import { createHmac } from 'node:crypto';
import { WEBHOOK_SECRET_PREFIX } from './webhook.js';

/**
 * Standard Webhooks (standardwebhooks.com) headers: `webhook-id` is the event
 * id — the same on every retry, so receivers deduplicate on it —,
 * `webhook-timestamp` the attempt's time in seconds, and `webhook-signature`
 * `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` keyed with the
 * base64-decoded part of the `whsec_` secret.
 */
export interface WebhookSignatureHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

export function signWebhook(input: {
  readonly secret: string;
  readonly id: string;
  readonly timestampSeconds: number;
  readonly body: string;
}): WebhookSignatureHeaders {
  const key = Buffer.from(input.secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
  const timestamp = String(Math.floor(input.timestampSeconds));
  const signature = createHmac('sha256', key)
    .update(`${input.id}.${timestamp}.${input.body}`)
    .digest('base64');
  return {
    'webhook-id': input.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}
