import { BackgroundWorkLeader } from '@onrecord/platform';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Clock } from '@onrecord/kernel';
import { EventFeed } from './event-feed.service.js';
import {
  DELIVERY_OPTIONS,
  type DeliveryOptions,
  type DispatchEnd,
  WebhookDispatcher,
} from './webhook-dispatcher.js';
import { WebhookSender } from './webhook-sender.port.js';
import { WebhookStore } from './webhook-store.port.js';

/** How long a dispatcher that broke (the store failed under it) waits before it starts again. */
const RESTART_AFTER_MS = 1_000;

/**
 * Runs one dispatcher per active webhook while this process leads background
 * work, and none otherwise. Changes to a webhook (pause, resume, replay,
 * delete) happen with its dispatcher stopped, one at a time per webhook, so
 * an attempt in flight can never move the cursor after a replay set it.
 */
@Injectable()
export class WebhookDeliveryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly running = new Map<string, WebhookDispatcher>();
  private readonly restarts = new Map<string, NodeJS.Timeout>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private stopping = false;
  private unsubscribe: () => void = () => undefined;

  constructor(
    @Inject(WebhookStore) private readonly store: WebhookStore,
    @Inject(WebhookSender) private readonly sender: WebhookSender,
    @Inject(EventFeed) private readonly feed: EventFeed,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(BackgroundWorkLeader) private readonly leader: BackgroundWorkLeader,
    @Inject(DELIVERY_OPTIONS) private readonly options: DeliveryOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = this.leader.onLeadershipChange((leading) => {
      void (leading ? this.startAll() : this.stopAll());
    });
    if (this.leader.isLeader()) await this.startAll();
    else
      this.logger.log(
        'not the background worker here (see ONRECORD_WORKER): webhooks are not delivered by this process',
      );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.unsubscribe();
    await this.stopAll();
  }

  /** Whether a dispatcher is delivering this webhook now. */
  isDelivering(id: string): boolean {
    return this.running.has(id);
  }

  /**
   * Runs `change` with the webhook's dispatcher stopped (an attempt in flight
   * is aborted and will be repeated), then starts it again if the webhook is
   * active. Calls for one webhook run one after the other.
   */
  whileStopped<T>(id: string, change: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        await this.stop(id);
        try {
          return await change();
        } finally {
          await this.startIfActive(id);
        }
      });
    this.locks.set(id, next);
    void next
      .finally(() => {
        if (this.locks.get(id) === next) this.locks.delete(id);
      })
      .catch(() => undefined);
    return next;
  }

  /** (Re)starts the dispatcher under the webhook's lock, so starts never race a change. */
  private restart(id: string): Promise<void> {
    return this.whileStopped(id, () => Promise.resolve());
  }

  private async startAll(): Promise<void> {
    const webhooks = await this.store.list();
    await Promise.all(webhooks.map((webhook) => this.restart(webhook.id)));
  }

  private async stopAll(): Promise<void> {
    for (const timer of this.restarts.values()) clearTimeout(timer);
    this.restarts.clear();
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  private async stop(id: string): Promise<void> {
    const timer = this.restarts.get(id);
    if (timer) clearTimeout(timer);
    this.restarts.delete(id);
    const dispatcher = this.running.get(id);
    if (!dispatcher) return;
    await dispatcher.stop();
    if (this.running.get(id) === dispatcher) this.running.delete(id);
  }

  /** Only called holding the webhook's lock (from whileStopped). */
  private async startIfActive(id: string): Promise<void> {
    if (this.stopping || !this.leader.isLeader() || this.running.has(id)) return;
    const webhook = await this.store.get(id);
    if (!webhook || webhook.status !== 'active') return;
    const dispatcher = new WebhookDispatcher(webhook, {
      feed: this.feed,
      store: this.store,
      sender: this.sender,
      clock: this.clock,
      random: Math.random,
      options: this.options,
      logger: this.logger,
    });
    this.running.set(id, dispatcher);
    void dispatcher.start().then((end) => this.ended(id, dispatcher, end));
  }

  private ended(id: string, dispatcher: WebhookDispatcher, end: DispatchEnd): void {
    if (this.running.get(id) !== dispatcher) return;
    this.running.delete(id);
    if (end !== 'failed' || this.stopping) return;
    const timer = setTimeout(() => {
      this.restarts.delete(id);
      void this.restart(id).catch((error: unknown) =>
        this.logger.error({ err: error, webhook: id }, 'could not restart the webhook dispatcher'),
      );
    }, RESTART_AFTER_MS);
    timer.unref();
    this.restarts.set(id, timer);
  }
}
