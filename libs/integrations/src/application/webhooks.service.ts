import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@onrecord/kernel';
import { type Actor, formatPosition } from '@onrecord/event-store';
import type { EventFilter } from '../domain/event-filter.js';
import { WebhookNotFoundError } from '../domain/integrations.errors.js';
import type { StreamStart } from '../domain/stream-start.js';
import {
  type WebhookStatus,
  checkWebhookSecret,
  checkWebhookUrl,
  webhookSecretFrom,
} from '../domain/webhook.js';
import { type WebhookProgress, progressOf } from '../domain/webhook-progress.js';
import type { WebhookCommand, WebhookRegistration } from '../domain/webhook-registry.js';
import { type DeliveryAttempt, DeliveryLog } from './delivery-log.port.js';
import { EventFeed } from './event-feed.service.js';
import { WebhookCheckpoints } from './webhook-checkpoints.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { WebhookRegistry } from './webhook-registry.js';
import { WebhookSecretBox } from './webhook-secret-box.port.js';

/** A webhook as the API shows it: everything but the secret. */
export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly description: string | null;
  readonly filter: EventFilter;
  readonly status: WebhookStatus;
  readonly pausedReason: string | null;
  /** Last position the receiver acknowledged; delivery continues after it. Null: from the start. */
  readonly deliveredUpTo: string | null;
  readonly deliveredCount: number;
  readonly consecutiveFailures: number;
  readonly nextAttemptAt: string | null;
  /**
   * `live`: this replica delivers the webhook, and the progress fields are
   * its own, up to the last answer. `checkpoint`: they are as the
   * delivering replica last checkpointed them into the event store — at
   * most ONRECORD_WEBHOOK_CHECKPOINT_MS behind while it moves.
   */
  readonly progressFrom: 'live' | 'checkpoint';
  /** Where a new delivering replica would continue: the last checkpoint (or the run's start). */
  readonly checkpointedUpTo: string | null;
  /** When that checkpoint was written; null when the current run has none yet. */
  readonly checkpointedAt: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

/** The registration answer: the only time the secret is shown. */
export interface RegisteredWebhook extends WebhookView {
  readonly secret: string;
}

export interface DeliveriesView {
  readonly webhook: WebhookView;
  /** Whether a dispatcher is delivering it in this replica now. */
  readonly delivering: boolean;
  /** Which replica answered (its worker id), and whether it holds the background-work lease. */
  readonly answeredBy: { readonly replica: string; readonly leading: boolean };
  /**
   * `this-replica`: the attempts (and `pending`) are those the answering
   * replica made. The log is per replica, not shared: after a failover,
   * the new leader's log starts where it took over; the attempts before
   * stay with the replica that made them.
   */
  readonly attemptsLog: 'this-replica';
  /** The event held back by failures, with its next try, while there is one. */
  readonly pending: {
    readonly eventId: string;
    readonly position: string;
    readonly eventType: string;
    readonly accountId: string | null;
    readonly failedAttempts: number;
    readonly nextAttemptAt: string | null;
  } | null;
  /** Newest first. */
  readonly attempts: readonly DeliveryAttempt[];
}

export interface RegisterWebhook {
  readonly url: string;
  readonly description: string | null;
  readonly filter: EventFilter;
  readonly secret: string | null;
  /** Where delivery starts: `now` (default), `start`, or after a position. */
  readonly start: StreamStart;
}

/** A webhook's progress as shown, and where it was read from. */
interface ShownProgress {
  readonly progress: WebhookProgress;
  readonly from: WebhookView['progressFrom'];
  readonly checkpointed: { readonly cursor: string | null; readonly at: string | null };
}

/**
 * Registering and managing webhooks. Every change is an event in the
 * `webhooks` stream, so any replica can take it and every replica shows
 * it; delivery itself is the WebhookDeliveryService's, on the replica that
 * holds the background-work lease.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(WebhookRegistry) private readonly registry: WebhookRegistry,
    @Inject(WebhookCheckpoints) private readonly checkpoints: WebhookCheckpoints,
    @Inject(WebhookSecretBox) private readonly secrets: WebhookSecretBox,
    @Inject(DeliveryLog) private readonly log: DeliveryLog,
    @Inject(WebhookDeliveryService) private readonly delivery: WebhookDeliveryService,
    @Inject(EventFeed) private readonly feed: EventFeed,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Records the registration — one event, secret sealed — and answers with the secret, this once. */
  async register(input: RegisterWebhook, actor: Actor): Promise<RegisteredWebhook> {
    const url = checkWebhookUrl(input.url);
    const secret =
      input.secret === null ? webhookSecretFrom(randomBytes(32)) : checkWebhookSecret(input.secret);
    const from = await this.cursorFor(input.start);
    const webhookId = randomUUID();
    const webhook = await this.change(webhookId, actor, () => ({
      kind: 'register',
      webhookId,
      url,
      description: input.description,
      filter: input.filter,
      secret: this.secrets.seal(webhookId, secret),
      from,
      by: actor.id,
      at: this.now(),
    }));
    return { ...(await this.viewOf(webhook)), secret };
  }

  async list(): Promise<WebhookView[]> {
    const webhooks = await this.registry.list();
    return Promise.all(webhooks.map((webhook) => this.viewOf(webhook)));
  }

  async get(id: string): Promise<WebhookView> {
    return this.viewOf(await this.existing(id));
  }

  async remove(id: string, actor: Actor): Promise<void> {
    await this.delivery.whileStopped(id, () =>
      this.registry.decide({ kind: 'remove', webhookId: id, by: actor.id, at: this.now() }, actor),
    );
    await this.log.forget(id);
  }

  /** Stops delivery; undelivered events wait. */
  async pause(id: string, actor: Actor): Promise<WebhookView> {
    return this.viewOf(
      await this.change(id, actor, () => ({
        kind: 'pause',
        webhookId: id,
        by: actor.id,
        at: this.now(),
      })),
    );
  }

  /** Delivers again from where it stopped (its last checkpoint), with a fresh failure count. */
  async resume(id: string, actor: Actor): Promise<WebhookView> {
    return this.viewOf(
      await this.change(id, actor, async (webhook) => {
        if (!webhook) throw new WebhookNotFoundError(id);
        return {
          kind: 'resume',
          webhookId: id,
          from: (await this.stored(webhook)).progress.cursor,
          by: actor.id,
          at: this.now(),
        };
      }),
    );
  }

  /**
   * Moves the webhook's place and delivers from there (resuming it if it was
   * paused): `start` delivers everything again; a position, the events after
   * it — which also skips an event no receiver can take.
   */
  async replay(id: string, start: StreamStart, actor: Actor): Promise<WebhookView> {
    const from = await this.cursorFor(start);
    return this.viewOf(
      await this.change(id, actor, () => ({
        kind: 'replay',
        webhookId: id,
        from,
        by: actor.id,
        at: this.now(),
      })),
    );
  }

  async deliveries(id: string, limit: number): Promise<DeliveriesView> {
    const webhook = await this.existing(id);
    const view = await this.viewOf(webhook);
    const attempts = await this.log.latest(id, limit);
    const last = attempts[0];
    const pending =
      last && last.outcome !== 'delivered' && view.consecutiveFailures > 0
        ? {
            eventId: last.eventId,
            position: last.position,
            eventType: last.eventType,
            accountId: last.accountId,
            failedAttempts: view.consecutiveFailures,
            nextAttemptAt: view.nextAttemptAt,
          }
        : null;
    return {
      webhook: view,
      delivering: this.delivery.isDelivering(id),
      answeredBy: { replica: this.delivery.replica, leading: this.delivery.isLeading() },
      attemptsLog: 'this-replica',
      pending,
      attempts,
    };
  }

  /**
   * Decides and records one command with this replica's dispatcher of the
   * webhook stopped (its checkpoint flushed), then lets delivery follow.
   * `command` sees the webhook as it is (null before it is registered).
   */
  private async change(
    id: string,
    actor: Actor,
    command: (webhook: WebhookRegistration | null) => WebhookCommand | Promise<WebhookCommand>,
  ): Promise<WebhookRegistration> {
    const changed = await this.delivery.whileStopped(id, async () =>
      this.registry.decide(await command(await this.registry.get(id)), actor),
    );
    if (!changed.webhook) throw new WebhookNotFoundError(id);
    return changed.webhook;
  }

  private async existing(id: string): Promise<WebhookRegistration> {
    const webhook = await this.registry.get(id);
    if (!webhook) throw new WebhookNotFoundError(id);
    return webhook;
  }

  /** The progress the event store has for the webhook's current run. */
  private async stored(webhook: WebhookRegistration): Promise<ShownProgress> {
    const { checkpoint } = await this.checkpoints.last(webhook.id);
    const progress = progressOf(webhook, checkpoint);
    return {
      progress,
      from: 'checkpoint',
      checkpointed: { cursor: progress.cursor, at: progress.checkpointedAt },
    };
  }

  private async shown(webhook: WebhookRegistration): Promise<ShownProgress> {
    const live = this.delivery.live(webhook.id);
    if (!live) return this.stored(webhook);
    return {
      progress: live.progress,
      from: 'live',
      checkpointed: { cursor: live.checkpointed.progress.cursor, at: live.checkpointed.at },
    };
  }

  private async viewOf(webhook: WebhookRegistration): Promise<WebhookView> {
    const { progress, from, checkpointed } = await this.shown(webhook);
    return {
      id: webhook.id,
      url: webhook.url,
      description: webhook.description,
      filter: webhook.filter,
      status: webhook.status,
      pausedReason: webhook.pausedReason,
      deliveredUpTo: progress.cursor,
      deliveredCount: progress.deliveredCount,
      consecutiveFailures: progress.consecutiveFailures,
      nextAttemptAt: webhook.status === 'active' ? progress.nextAttemptAt : null,
      progressFrom: from,
      checkpointedUpTo: checkpointed.cursor,
      checkpointedAt: checkpointed.at,
      createdAt: webhook.createdAt,
      createdBy: webhook.createdBy,
      updatedAt: webhook.updatedAt,
    };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  /** The exclusive cursor a start means (null: from the very first event). */
  private async cursorFor(start: StreamStart): Promise<string | null> {
    const resolved = await this.feed.resolveStart(start);
    return resolved.kind === 'start' ? null : formatPosition(resolved.position);
  }
}
