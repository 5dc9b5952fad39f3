import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@onrecord/kernel';
import { formatPosition } from '@onrecord/event-store';
import type { EventFilter } from '../domain/event-filter.js';
import { WebhookNotFoundError } from '../domain/integrations.errors.js';
import type { StreamStart } from '../domain/stream-start.js';
import {
  type Webhook,
  type WebhookStatus,
  checkWebhookSecret,
  checkWebhookUrl,
  webhookSecretFrom,
} from '../domain/webhook.js';
import { EventFeed } from './event-feed.service.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { type DeliveryAttempt, WebhookStore } from './webhook-store.port.js';

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
  /** Whether a dispatcher is delivering it in this process now. */
  readonly delivering: boolean;
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

/** Registering and managing webhooks; delivery itself is the WebhookDeliveryService's. */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(WebhookStore) private readonly store: WebhookStore,
    @Inject(WebhookDeliveryService) private readonly delivery: WebhookDeliveryService,
    @Inject(EventFeed) private readonly feed: EventFeed,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async register(input: RegisterWebhook, actorId: string): Promise<RegisteredWebhook> {
    const url = checkWebhookUrl(input.url);
    const secret =
      input.secret === null ? webhookSecretFrom(randomBytes(32)) : checkWebhookSecret(input.secret);
    const cursor = await this.cursorFor(input.start);
    const now = this.clock.now().toISOString();
    const webhook: Webhook = {
      id: randomUUID(),
      url,
      description: input.description,
      filter: input.filter,
      secret,
      status: 'active',
      pausedReason: null,
      cursor,
      consecutiveFailures: 0,
      nextAttemptAt: null,
      deliveredCount: 0,
      createdAt: now,
      createdBy: actorId,
      updatedAt: now,
    };
    await this.delivery.whileStopped(webhook.id, () => this.store.create(webhook));
    return { ...viewOf(webhook), secret };
  }

  async list(): Promise<WebhookView[]> {
    return (await this.store.list()).map(viewOf);
  }

  async get(id: string): Promise<WebhookView> {
    return viewOf(await this.existing(id));
  }

  async remove(id: string): Promise<void> {
    const removed = await this.delivery.whileStopped(id, () => this.store.remove(id));
    if (!removed) throw new WebhookNotFoundError(id);
  }

  /** Stops delivery; undelivered events wait. */
  pause(id: string, actorId: string): Promise<WebhookView> {
    return this.change(id, (webhook) => ({
      status: 'paused',
      pausedReason: `paused by ${actorId}`,
      consecutiveFailures: webhook.consecutiveFailures,
      nextAttemptAt: null,
    }));
  }

  /** Delivers again from where it stopped, with a fresh failure count. */
  resume(id: string): Promise<WebhookView> {
    return this.change(id, () => ({
      status: 'active',
      pausedReason: null,
      consecutiveFailures: 0,
      nextAttemptAt: null,
    }));
  }

  /**
   * Moves the webhook's place and delivers from there (resuming it if it was
   * paused): `start` delivers everything again; a position, the events after
   * it — which also skips an event no receiver can take.
   */
  async replay(id: string, start: StreamStart): Promise<WebhookView> {
    const cursor = await this.cursorFor(start);
    return this.change(id, () => ({
      status: 'active',
      pausedReason: null,
      cursor,
      consecutiveFailures: 0,
      nextAttemptAt: null,
    }));
  }

  async deliveries(id: string, limit: number): Promise<DeliveriesView> {
    const webhook = await this.existing(id);
    const attempts = await this.store.attempts(id, limit);
    const last = attempts[0];
    const pending =
      last && last.outcome !== 'delivered' && webhook.consecutiveFailures > 0
        ? {
            eventId: last.eventId,
            position: last.position,
            eventType: last.eventType,
            accountId: last.accountId,
            failedAttempts: webhook.consecutiveFailures,
            nextAttemptAt: webhook.nextAttemptAt,
          }
        : null;
    return {
      webhook: viewOf(webhook),
      delivering: this.delivery.isDelivering(id),
      pending,
      attempts,
    };
  }

  private async change(
    id: string,
    patch: (webhook: Webhook) => Parameters<WebhookStore['update']>[1],
  ): Promise<WebhookView> {
    const updated = await this.delivery.whileStopped(id, async () => {
      const webhook = await this.existing(id);
      return this.store.update(id, patch(webhook), this.clock.now().toISOString());
    });
    if (!updated) throw new WebhookNotFoundError(id);
    return viewOf(updated);
  }

  private async existing(id: string): Promise<Webhook> {
    const webhook = await this.store.get(id);
    if (!webhook) throw new WebhookNotFoundError(id);
    return webhook;
  }

  /** The exclusive cursor a start means (null: from the very first event). */
  private async cursorFor(start: StreamStart): Promise<string | null> {
    const resolved = await this.feed.resolveStart(start);
    return resolved.kind === 'start' ? null : formatPosition(resolved.position);
  }
}

function viewOf(webhook: Webhook): WebhookView {
  return {
    id: webhook.id,
    url: webhook.url,
    description: webhook.description,
    filter: webhook.filter,
    status: webhook.status,
    pausedReason: webhook.pausedReason,
    deliveredUpTo: webhook.cursor,
    deliveredCount: webhook.deliveredCount,
    consecutiveFailures: webhook.consecutiveFailures,
    nextAttemptAt: webhook.nextAttemptAt,
    createdAt: webhook.createdAt,
    createdBy: webhook.createdBy,
    updatedAt: webhook.updatedAt,
  };
}
