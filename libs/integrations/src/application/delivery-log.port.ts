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
  /** `aborted`: delivery stopped (shutdown, lost leadership, a manager's change) mid-attempt; it does not count as a failure. */
  readonly outcome: 'delivered' | 'failed' | 'aborted';
  readonly error: string | null;
  /** The start of the receiver's answer, for diagnosis. */
  readonly responseExcerpt: string | null;
  /** When this event is tried again, after a failure that did not pause the webhook. */
  readonly nextAttemptAt: string | null;
}

/**
 * The delivery-attempts log: operational diagnostics, kept by the replica
 * that made the attempts and nowhere else. Writing one event per attempt
 * into the shared log would double it; what must survive a failover (the
 * cursor, the failure count, a pause) is checkpointed into the event store
 * instead. A failure to write here never holds delivery up.
 */
export abstract class DeliveryLog {
  abstract record(attempt: DeliveryAttempt): Promise<void>;
  /** The latest attempts this replica made, newest first. */
  abstract latest(webhookId: string, limit: number): Promise<DeliveryAttempt[]>;
  /** Drops a removed webhook's attempts. */
  abstract forget(webhookId: string): Promise<void>;
  abstract close(): void;
}
