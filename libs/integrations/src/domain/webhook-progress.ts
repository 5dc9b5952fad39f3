import type { WebhookRegistration } from './webhook-registry.js';

/**
 * Each webhook's delivery progress is checkpointed into a stream of its own,
 * `webhook-progress-<id>`, by the replica that delivers it: at most once per
 * checkpoint interval while it moves, and when delivery stops (shutdown,
 * lost leadership, pause). A new leader resumes after the last checkpoint:
 * it may repeat what was acknowledged since, never skip. Internal: the
 * integration feed never publishes these streams (see feedEventOf).
 */
export const WEBHOOK_PROGRESS_STREAM_PREFIX = 'webhook-progress-';

export function webhookProgressStream(webhookId: string): string {
  return `${WEBHOOK_PROGRESS_STREAM_PREFIX}${webhookId}`;
}

/** Where a webhook's delivery stands. */
export interface WebhookProgress {
  /** Last position the receiver acknowledged (exclusive cursor); null: nothing yet, from the first event. */
  readonly cursor: string | null;
  /** Acknowledged deliveries over the webhook's life (repeats included). */
  readonly deliveredCount: number;
  /** Consecutive failed attempts on the event at the head of its queue. */
  readonly consecutiveFailures: number;
  /** When the held-back event is tried again (ISO 8601), while it is being retried. */
  readonly nextAttemptAt: string | null;
}

export const WEBHOOK_PROGRESS_CHECKPOINTED = 'WebhookProgressCheckpointed';

/** The delivering replica's progress on one webhook, as of `at`. */
export interface WebhookProgressCheckpointed {
  readonly type: typeof WEBHOOK_PROGRESS_CHECKPOINTED;
  readonly data: WebhookProgress & {
    readonly webhookId: string;
    /** The registry run this progress belongs to. */
    readonly run: number;
    readonly at: string;
  };
}

export type WebhookCheckpoint = WebhookProgressCheckpointed['data'];

/** Progress as the store has it, and where it came from. */
export interface CheckpointedProgress extends WebhookProgress {
  /** When the checkpoint it comes from was written; null when the run has none yet (it stands at its start). */
  readonly checkpointedAt: string | null;
}

/**
 * Where a webhook stands by the store: its current run's last checkpoint,
 * or the run's start when that run has none yet (a resume or replay starts
 * a run with a fresh failure count). The delivered count carries over runs.
 */
export function progressOf(
  webhook: Pick<WebhookRegistration, 'run' | 'runFrom' | 'status'>,
  last: WebhookCheckpoint | null,
): CheckpointedProgress {
  if (last && last.run === webhook.run) {
    return {
      cursor: last.cursor,
      deliveredCount: last.deliveredCount,
      consecutiveFailures: last.consecutiveFailures,
      nextAttemptAt: webhook.status === 'active' ? last.nextAttemptAt : null,
      checkpointedAt: last.at,
    };
  }
  return {
    cursor: webhook.runFrom,
    deliveredCount: last?.deliveredCount ?? 0,
    consecutiveFailures: 0,
    nextAttemptAt: null,
    checkpointedAt: null,
  };
}

export function sameProgress(a: WebhookProgress, b: WebhookProgress): boolean {
  return (
    a.cursor === b.cursor &&
    a.deliveredCount === b.deliveredCount &&
    a.consecutiveFailures === b.consecutiveFailures &&
    a.nextAttemptAt === b.nextAttemptAt
  );
}

/**
 * How long to wait before writing a checkpoint of changed progress, given
 * when the last one was written (ms on a monotonic clock, null: never) and
 * the interval: at once when the interval has passed since the last write,
 * otherwise when it will have. So a webhook that moves writes at most one
 * checkpoint per interval, and the first move after a quiet spell is
 * written at once.
 */
export function checkpointDelayMs(
  lastWrittenAt: number | null,
  now: number,
  intervalMs: number,
): number {
  if (lastWrittenAt === null) return 0;
  return Math.max(0, lastWrittenAt + intervalMs - now);
}
