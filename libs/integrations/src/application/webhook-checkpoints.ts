import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '@onrecord/kernel';
import { EventStore, type StoredEvent, WrongExpectedRevisionError } from '@onrecord/event-store';
import {
  WEBHOOK_PROGRESS_CHECKPOINTED,
  type WebhookCheckpoint,
  type WebhookProgress,
  type WebhookProgressCheckpointed,
  checkpointDelayMs,
  sameProgress,
  webhookProgressStream,
} from '../domain/webhook-progress.js';

export interface CheckpointOptions {
  /** ONRECORD_WEBHOOK_CHECKPOINT_MS: at most one checkpoint per webhook this often while it moves. */
  readonly intervalMs: number;
}

/** Injection token of CheckpointOptions. */
export const CHECKPOINT_OPTIONS = Symbol('CheckpointOptions');

/** A webhook's progress stream as last read: its revision (-1: none) and last checkpoint. */
export interface StoredCheckpoint {
  readonly revision: number;
  readonly checkpoint: WebhookCheckpoint | null;
}

function nullableString(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

/** A stored event read as a checkpoint; null for anything else. */
export function checkpointOf(event: StoredEvent): WebhookCheckpoint | null {
  if (event.type !== WEBHOOK_PROGRESS_CHECKPOINTED) return null;
  const d = event.data;
  const ok =
    typeof d['webhookId'] === 'string' &&
    typeof d['run'] === 'number' &&
    nullableString(d['cursor']) &&
    typeof d['deliveredCount'] === 'number' &&
    typeof d['consecutiveFailures'] === 'number' &&
    nullableString(d['nextAttemptAt']) &&
    typeof d['at'] === 'string';
  return ok ? (d as unknown as WebhookCheckpoint) : null;
}

/**
 * Reads and writes webhooks' progress checkpoints (`webhook-progress-<id>`).
 * Every replica reads them to show where a webhook stands; only the
 * delivering replica writes them, through a Checkpointer per webhook.
 */
@Injectable()
export class WebhookCheckpoints {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(CHECKPOINT_OPTIONS) private readonly options: CheckpointOptions,
  ) {}

  async last(webhookId: string): Promise<StoredCheckpoint> {
    const [last] = await this.store.readStream(webhookProgressStream(webhookId), {
      direction: 'backwards',
      fromRevision: 'end',
      maxCount: 1,
    });
    return last
      ? { revision: last.revision, checkpoint: checkpointOf(last) }
      : { revision: -1, checkpoint: null };
  }

  /** A checkpointer for one run of one webhook, continuing the stream from `after`. */
  checkpointer(
    target: { readonly webhookId: string; readonly run: number; readonly writer: string },
    after: CheckpointerStart,
    logger: Logger = new Logger('Webhooks'),
  ): Checkpointer {
    return new Checkpointer(this.store, this.clock, this.options.intervalMs, target, after, logger);
  }
}

/** Where a checkpointer starts: the stream's revision (-1: none), and the progress the store has and since when. */
export interface CheckpointerStart {
  readonly revision: number;
  readonly progress: WebhookProgress;
  readonly at: string | null;
}

/**
 * Writes one webhook's progress into its stream as it moves: the first
 * change after a quiet spell at once, later ones at most once per interval,
 * and whatever is left on `flush()` (delivery stopping). Each write names
 * the exact revision it follows, so a replica that is no longer the only
 * writer (it lost the lease and has not noticed yet, or an older dispatcher
 * of this one) is refused instead of moving the cursor back or forth: it
 * is then `fenced` and writes nothing more.
 */
export class Checkpointer {
  private revision: number;
  private written: WebhookProgress;
  private pending: WebhookProgress;
  private lastWrittenAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private fencedBy: string | null = null;
  private writtenAt: string | null;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly target: {
      readonly webhookId: string;
      readonly run: number;
      readonly writer: string;
    },
    after: CheckpointerStart,
    private readonly logger: Logger,
  ) {
    this.revision = after.revision;
    this.written = after.progress;
    this.pending = after.progress;
    this.writtenAt = after.at;
  }

  /** Why this checkpointer stopped writing (another writer got in first); null while it writes. */
  get fenced(): string | null {
    return this.fencedBy;
  }

  /** The progress the store has, and when it was checkpointed (null: the run has no checkpoint yet). */
  get lastWritten(): { readonly progress: WebhookProgress; readonly at: string | null } {
    return { progress: this.written, at: this.writtenAt };
  }

  /** Progress moved: write it when the interval allows. */
  note(progress: WebhookProgress): void {
    this.pending = progress;
    if (this.timer || this.fencedBy) return;
    const delay = checkpointDelayMs(this.lastWrittenAt, performance.now(), this.intervalMs);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.enqueue();
    }, delay);
    // Never the reason the process stays up: flush() writes what is left.
    this.timer.unref();
  }

  /** Writes what has not been written yet, now; resolves once it is stored (or could not be). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.enqueue();
  }

  private enqueue(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    const progress = this.pending;
    if (this.fencedBy || sameProgress(progress, this.written)) return;
    const at = this.clock.now().toISOString();
    const event: WebhookProgressCheckpointed = {
      type: WEBHOOK_PROGRESS_CHECKPOINTED,
      data: {
        webhookId: this.target.webhookId,
        run: this.target.run,
        cursor: progress.cursor,
        deliveredCount: progress.deliveredCount,
        consecutiveFailures: progress.consecutiveFailures,
        nextAttemptAt: progress.nextAttemptAt,
        at,
      },
    };
    this.lastWrittenAt = performance.now();
    try {
      const result = await this.store.appendToStream(
        webhookProgressStream(this.target.webhookId),
        [
          {
            id: randomUUID(),
            type: event.type,
            data: { ...event.data },
            metadata: {
              occurredAt: at,
              actor: { id: this.target.writer, role: 'system' },
              channel: 'system',
            },
          },
        ],
        { expectedRevision: this.revision === -1 ? 'no_stream' : this.revision },
      );
      this.revision = result.nextExpectedRevision;
      this.written = progress;
      this.writtenAt = at;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) {
        this.fencedBy = `another writer checkpointed webhook ${this.target.webhookId} first (stream at ${String(error.actual)}, expected ${this.revision})`;
        this.logger.warn(this.fencedBy);
        return;
      }
      this.logger.warn(
        `could not checkpoint webhook ${this.target.webhookId}, will retry: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!sameProgress(this.pending, this.written)) this.note(this.pending);
  }
}
