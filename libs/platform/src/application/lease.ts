import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Clock } from '@onrecord/kernel';
import {
  EventStore,
  type NewEvent,
  type StoredEvent,
  WrongExpectedRevisionError,
} from '@onrecord/event-store';

/** Lease streams are `lease-<name>`. */
export const LEASE_STREAM_PREFIX = 'lease-';

/** The one lease that elects the replica running background work. */
export const BACKGROUND_WORK_LEASE = 'background-work';

/** How long a lease lasts unless renewed; the holder renews every third of it. */
export const DEFAULT_LEASE_TTL_MS = 30_000;

export interface LeaseOptions {
  /** Names the stream: `lease-<name>`. */
  readonly name: string;
  /** Who competes: unique per process (a replica id). */
  readonly holder: string;
  /** How long an acquisition or renewal holds the lease. */
  readonly ttlMs: number;
  /**
   * The holder stops counting itself the leader this long before `until`,
   * while others only take over after `until`: room for clock skew between
   * replicas and for stopping work. Default a sixth of the TTL.
   */
  readonly marginMs?: number;
}

/** What the lease stream says now: its last event, read as the lease's state. */
export interface LeaseState {
  /** Revision of the stream's last event; -1 when the stream does not exist. */
  readonly revision: number;
  /** Null when nobody holds it: never acquired, released, or the last event is not a lease event. */
  readonly holder: string | null;
  /** When the holder's lease runs out (others may take over from then on). */
  readonly until: Date | null;
}

/** Events of a lease stream. Every append names the exact revision it follows. */
type LeaseEvent =
  | {
      readonly type: 'LeaseAcquired';
      readonly data: {
        readonly holder: string;
        readonly until: string;
        readonly ttlMs: number;
        /** Set when the lease was taken over after it expired in another holder's hands. */
        readonly takenOverFrom?: string;
      };
    }
  | {
      readonly type: 'LeaseRenewed';
      readonly data: { readonly holder: string; readonly until: string };
    }
  | { readonly type: 'LeaseReleased'; readonly data: { readonly holder: string } };

function stateOf(event: StoredEvent | undefined): LeaseState {
  if (!event) return { revision: -1, holder: null, until: null };
  const holder = event.data['holder'];
  const until = event.data['until'];
  const held =
    (event.type === 'LeaseAcquired' || event.type === 'LeaseRenewed') &&
    typeof holder === 'string' &&
    typeof until === 'string' &&
    !Number.isNaN(Date.parse(until));
  return held
    ? { revision: event.revision, holder, until: new Date(until) }
    : { revision: event.revision, holder: null, until: null };
}

/**
 * A time-bounded lease kept in an event stream, over the store port alone
 * (so it behaves the same on EventStoreDB, SQLite and in memory).
 *
 * The stream's last event is the lease's state. Every write — acquire,
 * renew, take over, release — is appended with the exact revision it was
 * decided on, so of two replicas racing for the lease, or renewing at the
 * same moment, one append succeeds and the other is a conflict: the store's
 * optimistic concurrency is the fencing. A holder that loses a race, or
 * whose renewal fails until its lease runs out, stops counting itself the
 * holder `marginMs` before anyone else may take over.
 *
 * The stream grows by one event per renewal (at the defaults, a renewal
 * every 10 s: 8,640 events a day); see the README's "Scaling" section.
 */
export class Lease {
  readonly streamId: string;
  private readonly marginMs: number;
  /** Until when this holder counts itself the holder; null when it does not hold the lease. */
  private heldUntil: Date | null = null;
  /** Revision of this holder's last acquisition or renewal; -1 when it wrote none since. */
  private ownRevision = -1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly options: LeaseOptions,
  ) {
    if (!Number.isInteger(options.ttlMs) || options.ttlMs <= 0) {
      throw new RangeError(`lease ttlMs must be a positive integer, got ${options.ttlMs}`);
    }
    this.marginMs = options.marginMs ?? Math.floor(options.ttlMs / 6);
    if (this.marginMs < 0 || this.marginMs >= options.ttlMs) {
      throw new RangeError(`lease marginMs must be from 0 to below ttlMs (${options.ttlMs})`);
    }
    this.streamId = `${LEASE_STREAM_PREFIX}${options.name}`;
  }

  get holder(): string {
    return this.options.holder;
  }

  /** True while this holder holds the lease by its own clock, margin deducted. */
  holds(): boolean {
    return this.heldUntil !== null && this.clock.now().getTime() < this.heldUntil.getTime();
  }

  /** When this holder stops counting itself the holder, unless it renews first; null if it does not hold. */
  holdsUntil(): Date | null {
    return this.holds() ? new Date(this.heldUntil!.getTime()) : null;
  }

  /** The lease as the store has it now. */
  async read(): Promise<LeaseState> {
    const [last] = await this.store.readStream(this.streamId, {
      direction: 'backwards',
      fromRevision: 'end',
      maxCount: 1,
    });
    return stateOf(last);
  }

  /**
   * One round: renew the lease when this holder has it, acquire it when it
   * is free or has run out, and otherwise leave it. Resolves to whether this
   * holder holds it afterwards. A store failure rejects; the holder then
   * keeps what it had until that runs out.
   */
  tick(): Promise<boolean> {
    return this.serially(() => this.round());
  }

  /**
   * Gives the lease up, so another replica can take it at once instead of
   * waiting for it to run out. Does nothing when this holder does not hold
   * it; a conflict means it was already taken over.
   */
  release(): Promise<void> {
    return this.serially(async () => {
      const revision = this.ownRevision;
      this.heldUntil = null;
      this.ownRevision = -1;
      // Also after the margin ran out: the lease may still be ours in the store.
      if (revision === -1) return;
      try {
        await this.append(
          { type: 'LeaseReleased', data: { holder: this.options.holder } },
          revision,
        );
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    });
  }

  private async round(): Promise<boolean> {
    const state = await this.read();
    const now = this.clock.now();
    const mine = state.holder === this.options.holder;
    const live = state.until !== null && state.until.getTime() > now.getTime();
    if (state.holder !== null && !mine && live) {
      this.heldUntil = null;
      this.ownRevision = -1;
      return false;
    }
    const until = new Date(now.getTime() + this.options.ttlMs);
    const event: LeaseEvent =
      mine && live
        ? {
            type: 'LeaseRenewed',
            data: { holder: this.options.holder, until: until.toISOString() },
          }
        : {
            type: 'LeaseAcquired',
            data: {
              holder: this.options.holder,
              until: until.toISOString(),
              ttlMs: this.options.ttlMs,
              ...(state.holder !== null && !mine ? { takenOverFrom: state.holder } : {}),
            },
          };
    try {
      this.ownRevision = await this.append(event, state.revision);
    } catch (error) {
      // Someone wrote since we read: they hold it now, or will say so.
      if (error instanceof WrongExpectedRevisionError) {
        this.heldUntil = null;
        this.ownRevision = -1;
        return false;
      }
      throw error;
    }
    this.heldUntil = new Date(until.getTime() - this.marginMs);
    return this.holds();
  }

  private async append(event: LeaseEvent, after: number): Promise<number> {
    const stored: NewEvent = {
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: {
        occurredAt: this.clock.now().toISOString(),
        actor: { id: this.options.holder, role: 'system' },
        channel: 'system',
      },
    };
    const result = await this.store.appendToStream(this.streamId, [stored], {
      expectedRevision: after === -1 ? 'no_stream' : after,
    });
    return result.nextExpectedRevision;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * Who runs background work that must run once per deployment (webhook
 * delivery, checkpoint signing):
 * - `lease`: replicas compete for the `lease-background-work` lease; the
 *   holder runs it.
 * - `always`: this process runs it, no lease (one process per store).
 * - `never`: this process never runs it (a replica that only serves).
 * - `auto` (the default): `lease` on EventStoreDB, whose store replicas
 *   share; `always` on the embedded and in-memory stores, which one process
 *   owns — so a single-process install writes no lease events.
 */
export type WorkerMode = 'auto' | 'lease' | 'always' | 'never';

export interface WorkerConfig {
  /** The mode in force, `auto` resolved for the configured store. */
  readonly mode: Exclude<WorkerMode, 'auto'>;
  /** This process's name in the lease: unique per process (see readWorkerConfig). */
  readonly holder: string;
  /** Lease TTL (ONRECORD_WORKER_LEASE_MS); renewed every third of it. */
  readonly leaseTtlMs: number;
}

/** Injection token of the WorkerConfig. */
export const WORKER_CONFIG = Symbol('WorkerConfig');

type Transition = () => void | Promise<void>;

interface Task {
  readonly name: string;
  readonly start: Transition;
  readonly stop: Transition;
  running: boolean;
}

/**
 * Elects this replica, or not, to run the background work that must run
 * once across replicas, and starts and stops that work as leadership comes
 * and goes. In `lease` mode it renews every third of the TTL; it loses
 * leadership when a renewal is refused (another replica holds the lease) or
 * when its renewals fail until the lease is about to run out, and on
 * shutdown it stops the work, then releases the lease, so another replica
 * takes over at its next round instead of when the lease would run out.
 *
 * Work is started and stopped one transition at a time, in registration
 * order (stopped in reverse), never concurrently. A `start` that throws is
 * logged and tried again on the next round while this replica leads; `stop`
 * may be called after the owner stopped the work itself and must tolerate it.
 */
@Injectable()
export class BackgroundWorkLeader implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BackgroundWork');
  private readonly lease: Lease | null;
  private readonly renewEveryMs: number;
  private readonly tasks: Task[] = [];
  private readonly listeners = new Set<(leading: boolean) => void>();
  private leading = false;
  private active = false;
  private timer: NodeJS.Timeout | null = null;
  private transitions: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EventStore) store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    this.lease =
      config.mode === 'lease'
        ? new Lease(store, clock, {
            name: BACKGROUND_WORK_LEASE,
            holder: config.holder,
            ttlMs: config.leaseTtlMs,
          })
        : null;
    this.renewEveryMs = Math.max(1, Math.floor(config.leaseTtlMs / 3));
  }

  /** This replica's name in the lease (ONRECORD_WORKER_ID and a per-process suffix). */
  get holder(): string {
    return this.config.holder;
  }

  /** True while this replica runs background work. */
  isLeader(): boolean {
    return this.leading && (this.lease === null || this.lease.holds());
  }

  /** Tells `listener` each time leadership is gained (true) or lost (false); returns the unsubscribe. */
  onLeadershipChange(listener: (leading: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs `start` whenever this replica becomes the leader (at once if it is)
   * and `stop` when it stops being the leader or shuts down. Returns a
   * function that unregisters the work, stopping it if it runs.
   */
  runWhileLeader(name: string, start: Transition, stop: Transition): () => Promise<void> {
    const task: Task = { name, start, stop, running: false };
    this.tasks.push(task);
    void this.transition(() => this.reconcile());
    return () =>
      this.transition(async () => {
        const index = this.tasks.indexOf(task);
        if (index >= 0) this.tasks.splice(index, 1);
        if (task.running) await this.stopTask(task);
      });
  }

  /** Takes part from the start of the app: a first round, then one every third of the TTL. */
  async onApplicationBootstrap(): Promise<void> {
    await this.activate();
    this.logger.log(
      this.config.mode === 'never'
        ? 'ONRECORD_WORKER=never: this replica runs no background work'
        : this.config.mode === 'always'
          ? 'this process runs background work without a lease (it alone uses this store)'
          : `competing for the ${BACKGROUND_WORK_LEASE} lease as ${this.config.holder}`,
    );
    this.schedule();
  }

  /** Stops the work, then releases the lease: a successor never overlaps with this replica. */
  async onModuleDestroy(): Promise<void> {
    await this.deactivate();
  }

  /** Starts taking part and plays a first round, without the renewal timer (tests drive rounds with tick()). */
  async activate(): Promise<boolean> {
    this.active = true;
    return this.tick();
  }

  /** Stops the timer and the work, then releases the lease. */
  async deactivate(): Promise<void> {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.transition(() => this.follow(false));
    try {
      await this.lease?.release();
    } catch (error) {
      this.logger.warn(`could not release the lease; it runs out by itself: ${reason(error)}`);
    }
  }

  /**
   * One round: in `lease` mode, renew or try to acquire the lease; then
   * start or stop work to match. Resolves to whether this replica leads.
   */
  async tick(): Promise<boolean> {
    if (this.lease && this.active) {
      try {
        await this.lease.tick();
      } catch (error) {
        this.logger.warn(`lease round failed, retrying: ${reason(error)}`);
      }
    }
    await this.transition(() => this.reconcile());
    return this.isLeader();
  }

  private reconcile(): Promise<void> {
    const lead =
      this.active && this.config.mode !== 'never' && (this.lease === null || this.lease.holds());
    return this.follow(lead);
  }

  private async follow(lead: boolean): Promise<void> {
    if (lead !== this.leading) {
      this.leading = lead;
      this.logger.log(
        `${this.config.holder} ${lead ? 'now runs' : 'no longer runs'} background work`,
      );
      this.notify(lead);
      if (!lead) {
        for (const task of [...this.tasks].reverse()) if (task.running) await this.stopTask(task);
      }
    }
    if (this.leading) {
      for (const task of this.tasks) if (!task.running) await this.startTask(task);
    }
  }

  private async startTask(task: Task): Promise<void> {
    try {
      await task.start();
      task.running = true;
    } catch (error) {
      this.logger.error(`background work "${task.name}" failed to start: ${reason(error)}`);
    }
  }

  private async stopTask(task: Task): Promise<void> {
    task.running = false;
    try {
      await task.stop();
    } catch (error) {
      this.logger.error(`background work "${task.name}" failed to stop: ${reason(error)}`);
    }
  }

  private notify(leading: boolean): void {
    for (const listener of this.listeners) {
      try {
        listener(leading);
      } catch (error) {
        this.logger.error(`a leadership listener threw: ${reason(error)}`);
      }
    }
  }

  /** Next round after a third of the TTL, or sooner when the hold would lapse first. */
  private schedule(): void {
    if (!this.active || this.lease === null) return;
    const lapses = this.lease.holdsUntil();
    const untilLapse = lapses
      ? lapses.getTime() - this.clock.now().getTime()
      : Number.POSITIVE_INFINITY;
    const delay = Math.max(0, Math.min(this.renewEveryMs, untilLapse));
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, delay);
    // Never the reason the process stays up.
    this.timer.unref();
  }

  private transition(work: () => Promise<void>): Promise<void> {
    const next = this.transitions.then(work, work);
    this.transitions = next.catch(() => undefined);
    return next;
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
