import type { Logger } from '@nestjs/common';
import type { Clock } from '@onrecord/kernel';
import { parsePosition } from '@onrecord/event-store';
import { CLOUDEVENTS_CONTENT_TYPE } from '../domain/cloud-event.js';
import type { EventFilter } from '../domain/event-filter.js';
import { type RetryPolicy, afterFailure } from '../domain/retry-schedule.js';
import type { StreamStart } from '../domain/stream-start.js';
import type { WebhookProgress } from '../domain/webhook-progress.js';
import { signWebhook } from '../domain/webhook-signature.js';
import type { DeliveryAttempt, DeliveryLog } from './delivery-log.port.js';
import type { EventFeed, FeedEvent } from './event-feed.service.js';
import type { Checkpointer } from './webhook-checkpoints.js';
import type { WebhookSender } from './webhook-sender.port.js';

export interface DeliveryOptions {
  /** Per attempt: connecting, sending and reading the answer. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Largest request body sent; a bigger event pauses the webhook rather than being dropped. */
  readonly maxBodyBytes: number;
  readonly userAgent: string;
}

/** Injection token of DeliveryOptions. */
export const DELIVERY_OPTIONS = Symbol('DeliveryOptions');

/** What one dispatcher delivers: one run of one webhook, with its secret opened. */
export interface DispatchTarget {
  readonly id: string;
  readonly url: string;
  readonly filter: EventFilter;
  readonly secret: string;
  readonly run: number;
}

export interface DispatcherDeps {
  readonly feed: EventFeed;
  readonly sender: WebhookSender;
  readonly clock: Clock;
  /** In [0, 1): the retry jitter. */
  readonly random: () => number;
  readonly options: DeliveryOptions;
  readonly logger: Logger;
  /** This replica's attempts log. */
  readonly log: DeliveryLog;
  /** Writes the progress into the event store as it moves. */
  readonly checkpointer: Checkpointer;
  /** Records in the registry that the webhook paused (after its progress is checkpointed). */
  readonly pause: (failures: number, reason: string) => Promise<void>;
}

/** Why a dispatcher ended: told to stop, paused by its failures, or broken (the store failed, or another writer). */
export type DispatchEnd = 'stopped' | 'paused' | 'failed';

/**
 * Delivers one run of one webhook, one event at a time in global order — so
 * in order per account too: an event the receiver does not acknowledge
 * holds back every later one until it is delivered, the webhook is paused,
 * or a manager replays. It follows the feed from the run's place; the next
 * event is pulled only once the current one is settled, so a failing
 * receiver costs one store page of memory, not a queue. Progress moves only
 * after a 2xx and reaches the store through the checkpointer, which flushes
 * when the dispatcher ends: a successor repeats at most what was
 * acknowledged since the last checkpoint, and never skips an event.
 */
export class WebhookDispatcher {
  private readonly abort = new AbortController();
  private progress: WebhookProgress;
  private running: Promise<DispatchEnd> | null = null;

  constructor(
    private readonly target: DispatchTarget,
    start: WebhookProgress,
    private readonly deps: DispatcherDeps,
  ) {
    this.progress = start;
  }

  get run(): number {
    return this.target.run;
  }

  /** Where delivery stands in this process, up to the last answer. */
  current(): WebhookProgress {
    return this.progress;
  }

  start(): Promise<DispatchEnd> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Aborts an attempt in flight (it is logged as aborted and repeated later), ends the loop and flushes the checkpoint. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<DispatchEnd> {
    const { signal } = this.abort;
    const cursor = this.progress.cursor;
    const position = cursor === null ? null : parsePosition(cursor);
    const start: StreamStart = position ? { kind: 'after', position } : { kind: 'start' };
    const subscription = this.deps.feed.subscribe(this.target.filter, start);
    const closeOnAbort = () => void subscription.close();
    signal.addEventListener('abort', closeOnAbort, { once: true });
    try {
      for await (const item of subscription) {
        if (signal.aborted) return 'stopped';
        if (item.kind !== 'event') continue;
        const outcome = await this.deliver(item.feed);
        if (outcome !== 'delivered') return outcome;
        if (this.deps.checkpointer.fenced) return 'failed';
      }
      return 'stopped';
    } catch (error) {
      if (signal.aborted) return 'stopped';
      this.deps.logger.error({ err: error, webhook: this.target.id }, 'webhook dispatcher failed');
      return 'failed';
    } finally {
      signal.removeEventListener('abort', closeOnAbort);
      await subscription.close();
      await this.deps.checkpointer
        .flush()
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: error, webhook: this.target.id }, 'final checkpoint failed'),
        );
    }
  }

  private async deliver(feed: FeedEvent): Promise<'delivered' | 'paused' | 'stopped'> {
    const { clock, options, sender } = this.deps;
    const { signal } = this.abort;
    const body = JSON.stringify(this.deps.feed.cloudEvent(feed));
    const bytes = Buffer.byteLength(body);
    if (bytes > options.maxBodyBytes) {
      const reason = `event at ${feed.position} is ${bytes} bytes, over the ${options.maxBodyBytes}-byte delivery limit; replay from ${feed.position} to skip it`;
      await this.log(feed, clock.now(), 0, {
        statusCode: null,
        error: reason,
        responseExcerpt: null,
        outcome: 'failed',
        nextAttemptAt: null,
      });
      return this.pause(this.progress.consecutiveFailures, reason);
    }
    for (;;) {
      const waitUntil = this.progress.nextAttemptAt;
      if (waitUntil) {
        const wait = new Date(waitUntil).getTime() - clock.now().getTime();
        await sleep(Math.min(Math.max(wait, 0), options.retry.maxDelayMs), signal);
        if (signal.aborted) return 'stopped';
      }
      const attemptedAt = clock.now();
      const response = await sender.send({
        url: this.target.url,
        headers: {
          'content-type': `${CLOUDEVENTS_CONTENT_TYPE}; charset=utf-8`,
          'user-agent': options.userAgent,
          ...signWebhook({
            secret: this.target.secret,
            id: feed.event.id,
            timestampSeconds: attemptedAt.getTime() / 1000,
            body,
          }),
        },
        body,
        timeoutMs: options.timeoutMs,
        signal,
      });
      const status = response.statusCode;
      if (status !== null && status >= 200 && status < 300) {
        await this.log(feed, attemptedAt, response.durationMs, {
          ...response,
          outcome: 'delivered',
          nextAttemptAt: null,
        });
        this.move({
          cursor: feed.position,
          deliveredCount: this.progress.deliveredCount + 1,
          consecutiveFailures: 0,
          nextAttemptAt: null,
        });
        return 'delivered';
      }
      if (signal.aborted) {
        await this.log(feed, attemptedAt, response.durationMs, {
          ...response,
          error:
            'aborted: delivery stopped (shutdown, lost leadership, or a change to the webhook) before the receiver answered',
          outcome: 'aborted',
          nextAttemptAt: null,
        });
        return 'stopped';
      }
      const failures = this.progress.consecutiveFailures + 1;
      const why = response.error ?? `HTTP ${status}`;
      const next = afterFailure(failures, options.retry, this.deps.random());
      if (next.action === 'pause') {
        await this.log(feed, attemptedAt, response.durationMs, {
          ...response,
          error: why,
          outcome: 'failed',
          nextAttemptAt: null,
        });
        return this.pause(
          failures,
          `${failures} consecutive failed attempts on the event at ${feed.position}; last: ${why}`,
        );
      }
      const nextAttemptAt = new Date(clock.now().getTime() + next.delayMs).toISOString();
      await this.log(feed, attemptedAt, response.durationMs, {
        ...response,
        error: why,
        outcome: 'failed',
        nextAttemptAt,
      });
      this.move({ ...this.progress, consecutiveFailures: failures, nextAttemptAt });
    }
  }

  private move(progress: WebhookProgress): void {
    this.progress = progress;
    this.deps.checkpointer.note(progress);
  }

  /** Checkpoints where it stands, then records the pause: whoever resumes finds the place first. */
  private async pause(failures: number, reason: string): Promise<'paused'> {
    this.move({ ...this.progress, consecutiveFailures: failures, nextAttemptAt: null });
    await this.deps.checkpointer.flush();
    await this.deps.pause(failures, reason);
    this.deps.logger.warn(`webhook ${this.target.id} paused: ${reason}`);
    return 'paused';
  }

  /** Logs the attempt locally; a failure to log is reported and never holds delivery up. */
  private async log(
    feed: FeedEvent,
    attemptedAt: Date,
    durationMs: number,
    result: Pick<
      DeliveryAttempt,
      'statusCode' | 'error' | 'responseExcerpt' | 'outcome' | 'nextAttemptAt'
    >,
  ): Promise<void> {
    try {
      await this.deps.log.record({
        webhookId: this.target.id,
        eventId: feed.event.id,
        eventType: feed.event.type,
        accountId: feed.accountId,
        position: feed.position,
        attempt: this.progress.consecutiveFailures + 1,
        attemptedAt: attemptedAt.toISOString(),
        durationMs: Math.round(durationMs),
        statusCode: result.statusCode,
        outcome: result.outcome,
        error: result.error,
        responseExcerpt: result.responseExcerpt,
        nextAttemptAt: result.nextAttemptAt,
      });
    } catch (error) {
      this.deps.logger.warn(
        { err: error, webhook: this.target.id },
        'could not log a delivery attempt',
      );
    }
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
