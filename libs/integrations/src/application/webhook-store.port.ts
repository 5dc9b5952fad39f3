import type { Webhook, WebhookStatus } from '../domain/webhook.js';

/** One attempt to deliver one event to one webhook, as the deliveries log shows it. */
export interface DeliveryAttempt {
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly accountId: string | null;
  readonly position: string;
  /** 1 for the first try of this event, counting since the last success, resume or replay. */
  readonly attempt: number;
  readonly attemptedAt: string;
  readonly durationMs: number;
  /** The receiver's HTTP status; null when none came back (timeout, refused, reset). */
  readonly statusCode: number | null;
  /** `aborted`: the server stopped (or a manager replayed) mid-attempt; it does not count as a failure. */
  readonly outcome: 'delivered' | 'failed' | 'aborted';
  readonly error: string | null;
  /** The start of the receiver's answer, for diagnosis. */
  readonly responseExcerpt: string | null;
  /** When this event is tried again, after a failure that did not pause the webhook. */
  readonly nextAttemptAt: string | null;
}

/** What an attempt does to the webhook's state, written in the same transaction as the attempt. */
export type AttemptEffect =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly failures: number; readonly nextAttemptAt: string }
  | { readonly kind: 'pause'; readonly failures: number; readonly reason: string }
  | { readonly kind: 'none' };

export interface WebhookStatePatch {
  readonly status: WebhookStatus;
  readonly pausedReason: string | null;
  /** Left out: unchanged. */
  readonly cursor?: string | null;
  readonly consecutiveFailures: number;
  readonly nextAttemptAt: string | null;
}

/**
 * Registrations and delivery state. The embedded implementation is one
 * SQLite file in the data directory; a scaled deployment plugs in a shared
 * one. Delivery progress moves only through `recordAttempt`, after the
 * receiver answered, so a crash can repeat an unacknowledged delivery but
 * never skip one.
 */
export abstract class WebhookStore {
  abstract create(webhook: Webhook): Promise<void>;
  abstract list(): Promise<Webhook[]>;
  abstract get(id: string): Promise<Webhook | null>;
  /** Removes the registration and its log; false when there was none. */
  abstract remove(id: string): Promise<boolean>;
  abstract update(id: string, patch: WebhookStatePatch, at: string): Promise<Webhook | null>;
  /** Logs the attempt and applies its effect atomically; `delivered` moves the cursor to its position. */
  abstract recordAttempt(attempt: DeliveryAttempt, effect: AttemptEffect): Promise<void>;
  /** The latest attempts, newest first. */
  abstract attempts(webhookId: string, limit: number): Promise<DeliveryAttempt[]>;
  abstract close(): void;
}
