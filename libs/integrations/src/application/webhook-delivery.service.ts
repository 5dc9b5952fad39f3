import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Clock } from '@onrecord/kernel';
import { BackgroundWorkLeader } from '@onrecord/platform';
import { type WebhookProgress, progressOf } from '../domain/webhook-progress.js';
import type { WebhookRegistration } from '../domain/webhook-registry.js';
import { DeliveryLog } from './delivery-log.port.js';
import { EventFeed } from './event-feed.service.js';
import { type Checkpointer, WebhookCheckpoints } from './webhook-checkpoints.js';
import {
  DELIVERY_OPTIONS,
  type DeliveryOptions,
  type DispatchEnd,
  WebhookDispatcher,
} from './webhook-dispatcher.js';
import { type RegistryChanges, WebhookRegistry } from './webhook-registry.js';
import { WebhookSecretBox, WebhookSecretUnopenableError } from './webhook-secret-box.port.js';
import { WebhookSender } from './webhook-sender.port.js';

/** How long a dispatcher (or the registry follower) that broke waits before it starts again. */
const RESTART_AFTER_MS = 1_000;

interface Running {
  readonly dispatcher: WebhookDispatcher;
  readonly checkpointer: Checkpointer;
  /** Set when this service stops it, so its end is not taken for a breakdown. */
  stopping: boolean;
}

/** Live progress of a webhook this replica delivers. */
export interface LiveProgress {
  readonly progress: WebhookProgress;
  /** What the store has: the last checkpoint's progress, and when it was written (null: none in this run). */
  readonly checkpointed: { readonly progress: WebhookProgress; readonly at: string | null };
}

/**
 * Runs one dispatcher per active webhook while this replica holds the
 * background-work lease (BackgroundWorkLeader.runWhileLeader), and none
 * otherwise. It learns of registrations and changes made on any replica by
 * following the `webhooks` stream, and brings each webhook's dispatcher in
 * line with the registry one webhook at a time: started for an active
 * webhook, stopped (checkpoint flushed) when it is paused or removed,
 * restarted when a resume or replay starts a new run. Losing the lease or
 * shutting down stops every dispatcher — each flushes its checkpoint — before
 * the lease is released, so the next leader continues from there.
 */
@Injectable()
export class WebhookDeliveryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly running = new Map<string, Running>();
  private readonly restarts = new Map<string, NodeJS.Timeout>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private leading = false;
  private changes: { readonly feed: RegistryChanges; readonly done: Promise<void> } | null = null;
  private refollow: NodeJS.Timeout | null = null;
  private unregister: (() => Promise<void>) | null = null;

  constructor(
    @Inject(WebhookRegistry) private readonly registry: WebhookRegistry,
    @Inject(WebhookCheckpoints) private readonly checkpoints: WebhookCheckpoints,
    @Inject(WebhookSecretBox) private readonly secrets: WebhookSecretBox,
    @Inject(DeliveryLog) private readonly log: DeliveryLog,
    @Inject(WebhookSender) private readonly sender: WebhookSender,
    @Inject(EventFeed) private readonly feed: EventFeed,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(BackgroundWorkLeader) private readonly leader: BackgroundWorkLeader,
    @Inject(DELIVERY_OPTIONS) private readonly options: DeliveryOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.unregister = this.leader.runWhileLeader(
      'webhook delivery',
      () => this.startDelivering(),
      () => this.stopDelivering(),
    );
  }

  /** Stops delivery (flushing checkpoints) before the leader releases the lease and the store closes. */
  async onModuleDestroy(): Promise<void> {
    await this.unregister?.();
    this.unregister = null;
  }

  /** This replica's name in the lease, as the deliveries log reports it. */
  get replica(): string {
    return this.leader.holder;
  }

  isLeading(): boolean {
    return this.leading;
  }

  /** Whether a dispatcher is delivering this webhook here now. */
  isDelivering(id: string): boolean {
    return this.running.has(id);
  }

  /** The progress of a webhook this replica delivers, fresher than its last checkpoint; null elsewhere. */
  live(id: string): LiveProgress | null {
    const entry = this.running.get(id);
    if (!entry) return null;
    return {
      progress: entry.dispatcher.current(),
      checkpointed: entry.checkpointer.lastWritten,
    };
  }

  /**
   * Runs `change` (a registry write) with this replica's dispatcher of the
   * webhook stopped and its checkpoint flushed — an attempt in flight is
   * aborted and will be repeated — then brings delivery in line with the
   * registry. Calls for one webhook run one after the other. On a replica
   * that does not deliver, it just runs `change`; the leader follows the
   * registry stream.
   */
  whileStopped<T>(id: string, change: () => Promise<T>): Promise<T> {
    return this.locked(id, async () => {
      await this.stop(id);
      try {
        return await change();
      } finally {
        await this.alignOrRetry(id);
      }
    });
  }

  /**
   * Brings the webhook's dispatcher in line with the registry, under the
   * webhook's lock. When the store cannot be read it tries again shortly.
   */
  reconcile(id: string): Promise<void> {
    return this.locked(id, () => this.alignOrRetry(id));
  }

  private async startDelivering(): Promise<void> {
    // A failure here leaves nothing started; the leader tries again next round.
    const { state, revision } = await this.registry.load();
    this.leading = true;
    this.follow(revision);
    await Promise.all([...state.webhooks.keys()].map((id) => this.reconcile(id)));
    this.logger.log(
      `${this.leader.holder} delivers webhooks now (${this.running.size} active of ${state.webhooks.size})`,
    );
  }

  private async stopDelivering(): Promise<void> {
    this.leading = false;
    if (this.refollow) clearTimeout(this.refollow);
    this.refollow = null;
    const changes = this.changes;
    this.changes = null;
    if (changes) {
      await changes.feed.close();
      await changes.done;
    }
    for (const timer of this.restarts.values()) clearTimeout(timer);
    this.restarts.clear();
    const ids = new Set([...this.running.keys(), ...this.locks.keys()]);
    await Promise.all([...ids].map((id) => this.locked(id, () => this.stop(id))));
    this.logger.log(`${this.leader.holder} no longer delivers webhooks; progress checkpointed`);
  }

  /** Follows the registry stream after `revision`, reconciling each webhook it names. */
  private follow(revision: number): void {
    const feed = this.registry.changes(revision);
    const done = (async () => {
      try {
        for await (const id of feed) void this.reconcile(id);
      } catch (error) {
        if (!this.leading || this.changes?.feed !== feed) return;
        this.logger.error({ err: error }, 'lost the webhooks stream; following it again shortly');
        this.changes = null;
        this.refollow = setTimeout(() => void this.restartFollowing(), RESTART_AFTER_MS);
        this.refollow.unref();
      }
    })();
    this.changes = { feed, done };
  }

  private async restartFollowing(): Promise<void> {
    this.refollow = null;
    if (!this.leading) return;
    try {
      const { state, revision } = await this.registry.load();
      if (!this.leading) return;
      this.follow(revision);
      const ids = new Set([...state.webhooks.keys(), ...this.running.keys()]);
      await Promise.all([...ids].map((id) => this.reconcile(id)));
    } catch (error) {
      this.logger.error({ err: error }, 'could not follow the webhooks stream; retrying');
      this.refollow = setTimeout(() => void this.restartFollowing(), RESTART_AFTER_MS);
      this.refollow.unref();
    }
  }

  private locked<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.locks.set(id, next);
    void next
      .finally(() => {
        if (this.locks.get(id) === next) this.locks.delete(id);
      })
      .catch(() => undefined);
    return next;
  }

  /** Only called holding the webhook's lock. */
  private async alignOrRetry(id: string): Promise<void> {
    try {
      await this.align(id);
    } catch (error) {
      this.logger.error({ err: error, webhook: id }, 'could not start or stop webhook delivery');
      this.retryLater(id);
    }
  }

  /** Reconciles the webhook again after a pause, while this replica leads. */
  private retryLater(id: string): void {
    if (!this.leading || this.restarts.has(id)) return;
    const timer = setTimeout(() => {
      this.restarts.delete(id);
      void this.reconcile(id);
    }, RESTART_AFTER_MS);
    timer.unref();
    this.restarts.set(id, timer);
  }

  /** Only called holding the webhook's lock. */
  private async align(id: string): Promise<void> {
    if (!this.leading) {
      await this.stop(id);
      return;
    }
    const webhook = await this.registry.get(id);
    const wanted = webhook && webhook.status === 'active' ? webhook.run : null;
    const current = this.running.get(id);
    if (current && current.dispatcher.run === wanted) return;
    await this.stop(id);
    if (!webhook) {
      await this.log.forget(id).catch(() => undefined);
      return;
    }
    if (wanted !== null && this.leading) await this.start(webhook);
  }

  /** Only called holding the webhook's lock. */
  private async stop(id: string): Promise<void> {
    const timer = this.restarts.get(id);
    if (timer) clearTimeout(timer);
    this.restarts.delete(id);
    const entry = this.running.get(id);
    if (!entry) return;
    entry.stopping = true;
    await entry.dispatcher.stop();
    if (this.running.get(id) === entry) this.running.delete(id);
  }

  /** Only called holding the webhook's lock, with no dispatcher running for it. */
  private async start(webhook: WebhookRegistration): Promise<void> {
    let secret: string;
    try {
      secret = this.secrets.open(webhook.id, webhook.secret);
    } catch (error) {
      if (!(error instanceof WebhookSecretUnopenableError)) throw error;
      // A deployment fault, not the receiver's: nothing is sent and nothing paused; it starts again once the keys agree.
      this.logger.error(`webhook ${webhook.id} is not delivered: ${error.message}`);
      return;
    }
    const stored = await this.checkpoints.last(webhook.id);
    const progress = progressOf(webhook, stored.checkpoint);
    const checkpointer = this.checkpoints.checkpointer(
      { webhookId: webhook.id, run: webhook.run, writer: this.leader.holder },
      { revision: stored.revision, progress, at: progress.checkpointedAt },
      this.logger,
    );
    const dispatcher = new WebhookDispatcher(
      {
        id: webhook.id,
        url: webhook.url,
        filter: webhook.filter,
        secret,
        run: webhook.run,
      },
      progress,
      {
        feed: this.feed,
        sender: this.sender,
        clock: this.clock,
        random: Math.random,
        options: this.options,
        logger: this.logger,
        log: this.log,
        checkpointer,
        pause: async (failures, reason) => {
          await this.registry.decide(
            {
              kind: 'pause-after-failures',
              webhookId: webhook.id,
              run: webhook.run,
              failures,
              reason,
              at: this.clock.now().toISOString(),
            },
            { id: this.leader.holder, role: 'system' },
          );
        },
      },
    );
    const entry: Running = { dispatcher, checkpointer, stopping: false };
    this.running.set(webhook.id, entry);
    void dispatcher.start().then((end) => this.ended(webhook.id, entry, end));
  }

  private ended(id: string, entry: Running, end: DispatchEnd): void {
    if (entry.stopping || this.running.get(id) !== entry) return;
    this.running.delete(id);
    // Paused: the registry says so now, unless the run moved on meanwhile, and then the new run starts.
    if (end === 'paused') void this.reconcile(id);
    else this.retryLater(id);
  }
}
