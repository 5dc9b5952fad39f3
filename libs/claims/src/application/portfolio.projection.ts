import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { Clock, DomainError } from '@onrecord/kernel';
import {
  EventStore,
  type Position,
  type StoredEvent,
  type Subscription,
  comparePositions,
  formatPosition,
  parsePosition,
} from '@onrecord/event-store';
import { ACCOUNT_STREAM_PREFIX, plainAccountState } from '@onrecord/commitments';
import { Portfolio, type PortfolioAccount, type PortfolioRep } from '../domain/portfolio.js';
import { entryOf } from '../domain/record-entry.js';
import { ProjectionCheckpoints, type ProjectionDocument } from './projection-checkpoints.port.js';

export const PORTFOLIO_PROJECTION = 'portfolio';
/**
 * Bump when the documents' shape or the way events fold into them changes:
 * a checkpoint written by another version is dropped and rebuilt from the log.
 */
export const PORTFOLIO_PROJECTION_VERSION = 2;

/**
 * Save the checkpoint at most this often, and never more often than it
 * leaves CHECKPOINT_COST_FACTOR times its own writing time in between: a
 * checkpoint writes every account touched since the last one whole, so
 * during a catch-up (every account touched between two checkpoints) a fixed
 * cadence made the writing grow with the portfolio and swamp the folding —
 * every 500 events over 1,000 busy accounts held a rebuild of a million
 * events at ~2,000 events/s. Bounded this way, checkpoints cost at most
 * about 1/CHECKPOINT_COST_FACTOR of the time, and a crash replays at most
 * one interval.
 */
export const CHECKPOINT_EVERY_MS = 1_000;
export const CHECKPOINT_COST_FACTOR = 20;
/**
 * What a periodic checkpoint may spend writing accounts' lines whole; past
 * it, the lines furthest behind wait for the next one (one at least is
 * written each time). A line holds the account's whole commitments state and
 * grows with its history, and a checkpoint holds the event loop: writing
 * every touched account's line every second stalled every request in
 * flight. Nothing is lost by waiting: the checkpoint records each touched
 * account's revision, and a restart replays, from the account's own stream,
 * the events its written line is behind by. At catch-up and at shutdown
 * every line is written.
 */
export const CHECKPOINT_LINES_BUDGET_MS = 10;
const DEFAULT_WAIT_MS = 5_000;

export class ProjectionBehindError extends DomainError {
  readonly code = 'projection-behind';
  constructor(projection: string, wanted: string, at: string | null, waitedMs: number) {
    super(
      `The ${projection} projection has not reached position ${wanted} within ${waitedMs} ms (it is at ${at ?? 'the start'})`,
      { projection, wanted, at, waitedMs },
    );
  }
}

export type ProjectionStatus = {
  projection: string;
  version: number;
  /** The last event applied, or null before the first. */
  position: string | null;
  /** Events applied over the projection's life (since its last rebuild). */
  events: number;
  /** Events applied since this process started: after a restart, only the new ones. */
  eventsSinceStart: number;
  /** Where this process resumed from (null: from the start of the log). */
  resumedFrom: string | null;
  /**
   * Events read back from account streams at start, for account lines the
   * checkpoint had not written since they last changed (see CHECKPOINT_LINES_BUDGET_MS).
   */
  replayedAtStart: number;
  /** Events of account streams it did not understand and skipped. */
  skipped: number;
  caughtUp: boolean;
  checkpointedAt: string | null;
};

interface Waiter {
  readonly position: Position;
  readonly resolve: () => void;
}

/**
 * The portfolio read model: every account stream's events, in global order,
 * folded into one line per account and per rep. It keeps the lines in memory
 * and a durable checkpoint (the lines and the position, in one transaction)
 * written about every CHECKPOINT_EVERY_MS (less often when writing it takes
 * long, see CHECKPOINT_COST_FACTOR and CHECKPOINT_LINES_BUDGET_MS), when it
 * catches up and on shutdown; after a restart it loads the checkpoint,
 * replays what the account lines written before it miss, and resumes after
 * its position. It skips any event at or before the position it
 * holds (idempotent), never throws on an event it does not understand, and
 * can be dropped and rebuilt from the log.
 */
@Injectable()
export class PortfolioProjection
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger('PortfolioProjection');
  private portfolio = new Portfolio();
  private applied: Position | null = null;
  private events = 0;
  private eventsSinceStart = 0;
  private replayedAtStart = 0;
  private skipped = 0;
  private unsaved = 0;
  /** performance.now() before which no checkpoint is written while events arrive. */
  private nextCheckpointAt = 0;
  /** Per account, the revision its line was last written whole at (absent: never). */
  private readonly written = new Map<string, number>();
  /** Accounts whose line has changed since it was last written whole. */
  private readonly behind = new Set<string>();
  private resumedFrom: string | null = null;
  private checkpointedAt: string | null = null;
  private caughtUp = false;
  private subscription: Subscription | null = null;
  private following: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private readonly waiters = new Set<Waiter>();

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(ProjectionCheckpoints) private readonly checkpoints: ProjectionCheckpoints,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.loadCheckpoint();
    await this.start();
    this.logger.log(
      `portfolio caught up at ${this.position() ?? 'the start'}: ${this.portfolio.accounts.size} accounts, ${this.eventsSinceStart} events applied since ${this.resumedFrom === null ? 'the start of the log' : `checkpoint ${this.resumedFrom}`}`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
    this.checkpoint('all');
  }

  onApplicationShutdown(): void {
    this.checkpoints.close();
  }

  /** The model as it stands (read it, do not change it). */
  get model(): Portfolio {
    return this.portfolio;
  }

  status(): ProjectionStatus {
    return {
      projection: PORTFOLIO_PROJECTION,
      version: PORTFOLIO_PROJECTION_VERSION,
      position: this.position(),
      events: this.events,
      eventsSinceStart: this.eventsSinceStart,
      replayedAtStart: this.replayedAtStart,
      resumedFrom: this.resumedFrom,
      skipped: this.skipped,
      caughtUp: this.caughtUp,
      checkpointedAt: this.checkpointedAt,
    };
  }

  /** Resolves once the model reflects every event up to `position` (a write's position). */
  waitFor(position: Position, timeoutMs: number = DEFAULT_WAIT_MS): Promise<void> {
    if (this.applied !== null && comparePositions(this.applied, position) >= 0)
      return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new ProjectionBehindError(
            PORTFOLIO_PROJECTION,
            formatPosition(position),
            this.position(),
            timeoutMs,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timeout);
          resolve();
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Drops the model and its checkpoint and replays the whole log; resolves when caught up again. */
  async rebuild(): Promise<ProjectionStatus> {
    await this.stop();
    this.checkpoints.clear(PORTFOLIO_PROJECTION);
    this.portfolio = new Portfolio();
    this.written.clear();
    this.behind.clear();
    this.applied = null;
    this.events = 0;
    this.eventsSinceStart = 0;
    this.replayedAtStart = 0;
    this.skipped = 0;
    this.unsaved = 0;
    this.resumedFrom = null;
    this.checkpointedAt = null;
    await this.start();
    return this.status();
  }

  private position(): string | null {
    return this.applied === null ? null : formatPosition(this.applied);
  }

  private async loadCheckpoint(): Promise<void> {
    const { checkpoint, documents } = this.checkpoints.load(PORTFOLIO_PROJECTION);
    if (checkpoint === null) return;
    if (checkpoint.version !== PORTFOLIO_PROJECTION_VERSION) {
      this.logger.warn(
        `portfolio checkpoint was written by version ${checkpoint.version}, this is ${PORTFOLIO_PROJECTION_VERSION}: rebuilding from the log`,
      );
      this.checkpoints.clear(PORTFOLIO_PROJECTION);
      return;
    }
    const accounts: PortfolioAccount[] = [];
    const reps: PortfolioRep[] = [];
    const revisions = new Map<string, number>();
    for (const d of documents) {
      if (d.kind === ACCOUNT_LINE) accounts.push(JSON.parse(d.doc) as PortfolioAccount);
      else if (d.kind === REP_LINE) reps.push(JSON.parse(d.doc) as PortfolioRep);
      else if (d.kind === ACCOUNT_REVISION) revisions.set(d.key, JSON.parse(d.doc) as number);
    }
    this.portfolio.restore(accounts, reps);
    for (const line of accounts) this.written.set(line.accountId, line.revision);
    this.replayedAtStart = await this.replayBehind(revisions);
    this.portfolio.takeDirty();
    this.applied = checkpoint.position === null ? null : parsePosition(checkpoint.position);
    this.events = checkpoint.events;
    this.resumedFrom = checkpoint.position;
    this.checkpointedAt = checkpoint.updatedAt;
    if (this.replayedAtStart > 0) {
      this.logger.log(
        `portfolio replayed ${this.replayedAtStart} events of ${this.behind.size} accounts whose lines were written before the checkpoint`,
      );
    }
  }

  /**
   * Brings each account's line from the revision it was written at up to the
   * one the checkpoint recorded, from the account's own stream. Only the
   * account lines move: the rep lines were written at the checkpoint.
   */
  private async replayBehind(revisions: ReadonlyMap<string, number>): Promise<number> {
    let replayed = 0;
    for (const [accountId, revision] of revisions) {
      const from = (this.written.get(accountId) ?? -1) + 1;
      if (revision < from) continue;
      const events = await this.store.readStream(`${ACCOUNT_STREAM_PREFIX}${accountId}`, {
        fromRevision: from,
        maxCount: revision - from + 1,
      });
      for (const event of events) this.applySafely(event, true);
      replayed += events.length;
      this.behind.add(accountId);
    }
    return replayed;
  }

  /** Subscribes after the position held; resolves at the first `caught-up`. */
  private start(): Promise<void> {
    this.caughtUp = false;
    this.nextCheckpointAt = performance.now() + CHECKPOINT_EVERY_MS;
    const subscription = this.store.subscribeToAll({
      fromPosition: this.applied ?? 'start',
      filter: { streamPrefixes: [ACCOUNT_STREAM_PREFIX] },
    });
    this.subscription = subscription;
    this.timer = setInterval(() => {
      if (this.unsaved > 0 && performance.now() >= this.nextCheckpointAt) {
        this.checkpoint('within-budget');
      }
    }, CHECKPOINT_EVERY_MS);
    this.timer.unref();
    return new Promise<void>((resolve, reject) => {
      this.following = (async () => {
        for await (const item of subscription) {
          if (item.kind === 'caught-up') {
            this.caughtUp = true;
            this.checkpoint('all');
            resolve();
          } else {
            this.apply(item.event);
          }
        }
      })().catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.logger.error({ err: error }, `portfolio projection stopped: ${reason}`);
        reject(error instanceof Error ? error : new Error(reason));
      });
      // A subscription closed before catching up (shutdown during start) just ends the wait.
      void this.following.then(() => resolve());
    });
  }

  private async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.subscription?.close();
    this.subscription = null;
    await this.following;
  }

  private apply(event: StoredEvent): void {
    if (this.applied !== null && comparePositions(event.position, this.applied) <= 0) return;
    this.applySafely(event, false);
    this.applied = event.position;
    this.events += 1;
    this.eventsSinceStart += 1;
    this.unsaved += 1;
    for (const waiter of this.waiters) {
      if (comparePositions(event.position, waiter.position) >= 0) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
    if (performance.now() >= this.nextCheckpointAt) this.checkpoint('within-budget');
  }

  /**
   * Saves the position with what it covers: every touched rep line, every
   * touched account's revision, and the account lines most behind — `all`
   * of them at catch-up and shutdown, else as many as
   * CHECKPOINT_LINES_BUDGET_MS allows.
   */
  private checkpoint(lines: 'all' | 'within-budget'): void {
    const started = performance.now();
    const { accounts, reps } = this.portfolio.takeDirty();
    for (const account of accounts) this.behind.add(account.accountId);
    const writtenNow: PortfolioAccount[] = [];
    const updatedAt = this.clock.now().toISOString();
    const deadline = lines === 'all' ? Infinity : started + CHECKPOINT_LINES_BUDGET_MS;
    this.checkpoints.save(
      PORTFOLIO_PROJECTION,
      {
        position: this.position(),
        version: PORTFOLIO_PROJECTION_VERSION,
        events: this.events,
        updatedAt,
      },
      this.documents(accounts, reps, deadline, writtenNow),
    );
    // Only once the transaction has held: a failed save leaves the lines behind.
    for (const line of writtenNow) {
      this.written.set(line.accountId, line.revision);
      this.behind.delete(line.accountId);
    }
    this.unsaved = 0;
    this.checkpointedAt = updatedAt;
    const finished = performance.now();
    this.nextCheckpointAt =
      finished + Math.max(CHECKPOINT_EVERY_MS, CHECKPOINT_COST_FACTOR * (finished - started));
  }

  /**
   * The checkpoint's documents, each serialised only when the store takes it
   * (the checkpoint at the end of a catch-up holds every account, and
   * building all the texts first held them all in memory at once). Account
   * lines go furthest behind first and stop at `deadline`, one at least.
   */
  private *documents(
    touched: readonly PortfolioAccount[],
    reps: readonly PortfolioRep[],
    deadline: number,
    writtenNow: PortfolioAccount[],
  ): Generator<ProjectionDocument> {
    for (const rep of reps) yield { kind: REP_LINE, key: rep.actorId, doc: JSON.stringify(rep) };
    for (const line of touched) {
      yield { kind: ACCOUNT_REVISION, key: line.accountId, doc: JSON.stringify(line.revision) };
    }
    const lag = (line: PortfolioAccount): number =>
      line.revision - (this.written.get(line.accountId) ?? -1);
    const lines = [...this.behind]
      .map((accountId) => this.portfolio.accounts.get(accountId)!)
      .sort((a, b) => lag(b) - lag(a));
    for (const line of lines) {
      if (writtenNow.length > 0 && performance.now() >= deadline) return;
      yield {
        kind: ACCOUNT_LINE,
        key: line.accountId,
        doc: JSON.stringify({ ...line, state: plainAccountState(line.state) }),
      };
      writtenNow.push(line);
    }
  }

  /** Applies an event; a read model never stops on one: it is logged, skipped and counted. */
  private applySafely(event: StoredEvent, accountOnly: boolean): void {
    try {
      if (!this.portfolio.apply(event.streamId, entryOf(event), accountOnly)) this.skipped += 1;
    } catch (error) {
      this.skipped += 1;
      this.logger.warn(
        { err: error, eventId: event.id, type: event.type },
        `portfolio skipped event ${event.id} (${event.type}) it could not apply`,
      );
    }
  }
}

/** The kinds of the projection's documents. */
const ACCOUNT_LINE = 'account';
const REP_LINE = 'rep';
/** An account's revision at the checkpoint; its line may have been written at an earlier one. */
const ACCOUNT_REVISION = 'account-revision';
