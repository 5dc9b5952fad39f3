import type { Logger } from '@nestjs/common';
import type { Clock } from '@onrecord/kernel';
import { parsePosition } from '@onrecord/event-store';
import { CLOUDEVENTS_CONTENT_TYPE } from '../domain/cloud-event.js';
import { type RetryPolicy, afterFailure } from '../domain/retry-schedule.js';
import type { StreamStart } from '../domain/stream-start.js';
import type { Webhook } from '../domain/webhook.js';
import { signWebhook } from '../domain/webhook-signature.js';
import type { EventFeed, FeedEvent } from './event-feed.service.js';
import type { WebhookSender } from './webhook-sender.port.js';
import type { AttemptEffect, DeliveryAttempt, WebhookStore } from './webhook-store.port.js';

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

export interface DispatcherDeps {
  readonly feed: EventFeed;
  readonly store: WebhookStore;
  readonly sender: WebhookSender;
  readonly clock: Clock;
  /** In [0, 1): the retry jitter. */
  readonly random: () => number;
  readonly options: DeliveryOptions;
  readonly logger: Logger;
}

/** Why a dispatcher ended: told to stop, paused by its failures, or broken (the store failed). */
export type DispatchEnd = 'stopped' | 'paused' | 'failed';

/**
 * Delivers one webhook's events, one at a time in global order — so in order
 * per account too: an event the receiver does not acknowledge holds back
 * every later one until it is delivered, the webhook is paused, or a
 * manager replays. It follows the feed from the last acknowledged position;
 * the next event is pulled only once the current one is settled, so a
 * failing receiver costs one store page of memory, not a queue.
 */
export class WebhookDispatcher {
  private readonly abort = new AbortController();
  private failures: number;
  private nextAttemptAt: Date | null;
  private running: Promise<DispatchEnd> | null = null;

  constructor(
    private readonly webhook: Webhook,
    private readonly deps: DispatcherDeps,
  ) {
    this.failures = webhook.consecutiveFailures;
    this.nextAttemptAt = webhook.nextAttemptAt ? new Date(webhook.nextAttemptAt) : null;
  }

  start(): Promise<DispatchEnd> {
    this.running ??= this.run();
    return this.running;
  }

  /** Aborts an attempt in flight (it is logged as aborted and repeated later) and ends the loop. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async run(): Promise<DispatchEnd> {
    const { signal } = this.abort;
    const position = this.webhook.cursor === null ? null : parsePosition(this.webhook.cursor);
    const start: StreamStart = position ? { kind: 'after', position } : { kind: 'start' };
    const subscription = this.deps.feed.subscribe(this.webhook.filter, start);
    const closeOnAbort = () => void subscription.close();
    signal.addEventListener('abort', closeOnAbort, { once: true });
    try {
      for await (const item of subscription) {
        if (signal.aborted) return 'stopped';
        if (item.kind !== 'event') continue;
        const outcome = await this.deliver(item.feed);
        if (outcome !== 'delivered') return outcome;
      }
      return 'stopped';
    } catch (error) {
      if (signal.aborted) return 'stopped';
      this.deps.logger.error({ err: error, webhook: this.webhook.id }, 'webhook dispatcher failed');
      return 'failed';
    } finally {
      signal.removeEventListener('abort', closeOnAbort);
      await subscription.close();
    }
  }

  private async deliver(feed: FeedEvent): Promise<'delivered' | 'paused' | 'stopped'> {
    const { clock, options, sender } = this.deps;
    const { signal } = this.abort;
    const body = JSON.stringify(this.deps.feed.cloudEvent(feed));
    const bytes = Buffer.byteLength(body);
    if (bytes > options.maxBodyBytes) {
      const reason = `event at ${feed.position} is ${bytes} bytes, over the ${options.maxBodyBytes}-byte delivery limit; replay from ${feed.position} to skip it`;
      await this.record(
        feed,
        clock.now(),
        0,
        { statusCode: null, error: reason, responseExcerpt: null },
        'failed',
        null,
        {
          kind: 'pause',
          failures: this.failures,
          reason,
        },
      );
      this.deps.logger.warn(`webhook ${this.webhook.id} paused: ${reason}`);
      return 'paused';
    }
    for (;;) {
      if (this.nextAttemptAt) {
        const wait = this.nextAttemptAt.getTime() - clock.now().getTime();
        await sleep(Math.min(Math.max(wait, 0), options.retry.maxDelayMs), signal);
        if (signal.aborted) return 'stopped';
      }
      const attemptedAt = clock.now();
      const response = await sender.send({
        url: this.webhook.url,
        headers: {
          'content-type': `${CLOUDEVENTS_CONTENT_TYPE}; charset=utf-8`,
          'user-agent': options.userAgent,
          ...signWebhook({
            secret: this.webhook.secret,
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
        await this.record(feed, attemptedAt, response.durationMs, response, 'delivered', null, {
          kind: 'delivered',
        });
        this.failures = 0;
        this.nextAttemptAt = null;
        return 'delivered';
      }
      if (signal.aborted) {
        await this.record(
          feed,
          attemptedAt,
          response.durationMs,
          {
            ...response,
            error:
              'aborted: the dispatcher stopped (shutdown, pause or replay) before the receiver answered',
          },
          'aborted',
          null,
          { kind: 'none' },
        ).catch(() => undefined);
        return 'stopped';
      }
      const failures = this.failures + 1;
      const why = response.error ?? `HTTP ${status}`;
      const failed = { ...response, error: why };
      const next = afterFailure(failures, options.retry, this.deps.random());
      if (next.action === 'pause') {
        const reason = `${failures} consecutive failed attempts on the event at ${feed.position}; last: ${why}`;
        await this.record(feed, attemptedAt, response.durationMs, failed, 'failed', null, {
          kind: 'pause',
          failures,
          reason,
        });
        this.failures = failures;
        this.nextAttemptAt = null;
        this.deps.logger.warn(`webhook ${this.webhook.id} paused: ${reason}`);
        return 'paused';
      }
      const nextAttemptAt = new Date(clock.now().getTime() + next.delayMs);
      await this.record(feed, attemptedAt, response.durationMs, failed, 'failed', nextAttemptAt, {
        kind: 'retry',
        failures,
        nextAttemptAt: nextAttemptAt.toISOString(),
      });
      this.failures = failures;
      this.nextAttemptAt = nextAttemptAt;
    }
  }

  private record(
    feed: FeedEvent,
    attemptedAt: Date,
    durationMs: number,
    response: Pick<DeliveryAttempt, 'statusCode' | 'error' | 'responseExcerpt'>,
    outcome: DeliveryAttempt['outcome'],
    nextAttemptAt: Date | null,
    effect: AttemptEffect,
  ): Promise<void> {
    return this.deps.store.recordAttempt(
      {
        webhookId: this.webhook.id,
        eventId: feed.event.id,
        eventType: feed.event.type,
        accountId: feed.accountId,
        position: feed.position,
        attempt: this.failures + 1,
        attemptedAt: attemptedAt.toISOString(),
        durationMs: Math.round(durationMs),
        statusCode: response.statusCode,
        outcome,
        error: response.error,
        responseExcerpt: response.responseExcerpt,
        nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
      },
      effect,
    );
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
