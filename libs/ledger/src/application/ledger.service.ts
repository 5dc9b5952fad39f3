import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Clock } from '@onrecord/kernel';
import { LEASE_STREAM_PREFIX, deterministicEventId } from '@onrecord/platform';
import {
  EventStore,
  type Position,
  type StoredEvent,
  type Subscription,
  type SubscriptionItem,
  comparePositions,
  formatPosition,
  parsePosition,
} from '@onrecord/event-store';
import { formatCheckpoint, parseCheckpoint, verifyCheckpoint } from '../domain/checkpoint.js';
import {
  CHECKPOINT_SIGNED,
  CHECKPOINT_STREAM,
  checkpointEventData,
  isCheckpointEvent,
  publishedCheckpointOf,
} from '../domain/checkpoint-event.js';
import { type DisputeBundle, buildBundle } from '../domain/dispute-bundle.js';
import { eventLeafHash } from '../domain/event-leaf.js';
import { BundleBuildError } from '../domain/ledger-errors.js';
import { sameBytes, toBase64, toHex } from '../domain/merkle-hashing.js';
import { MerkleLog } from '../domain/merkle-log.js';
import { parseSignedNote } from '../domain/signed-note.js';
import {
  EventNotInLedgerError,
  LedgerOutOfStepError,
  LedgerRangeError,
  LedgerUnavailableError,
} from './ledger.errors.js';
import { LedgerSigner } from './ledger-signer.js';
import { type KeptCheckpoint, type LeafRecord, LedgerStorage } from './ledger-storage.port.js';

export interface LedgerOptions {
  /** Longest a caller waits in waitFor before the ledger is reported unavailable. */
  readonly waitTimeoutMs?: number;
  /** Longest a live event waits for more to share its write (default 20 ms). */
  readonly flushDelayMs?: number;
}

/** Injection token of LedgerOptions. */
export const LEDGER_OPTIONS = Symbol('LedgerOptions');

/** Leaves written per SQLite transaction: one subscription page. */
const BATCH = 256;
const DEFAULT_WAIT_TIMEOUT_MS = 30_000;
const DEFAULT_FLUSH_DELAY_MS = 20;

/** A signed checkpoint with what its note says, for clients that do not parse notes. */
export interface CheckpointView {
  readonly note: string;
  readonly origin: string;
  readonly treeSize: number;
  /** The RFC 9162 root, lowercase hex (the note carries it in base64). */
  readonly rootHash: string;
  readonly rootHashBase64: string;
  readonly timestamp: string;
  readonly keyName: string;
  readonly verifierKey: string;
}

export interface InclusionProofView {
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: number;
  readonly position: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  /** leafHash(eventLeaf(event)), lowercase hex. */
  readonly leafHash: string;
  /** RFC 9162 inclusion path, the leaf's sibling first, lowercase hex. */
  readonly auditPath: readonly string[];
  readonly rootHash: string;
  /** The signed checkpoint at treeSize, when one was signed at exactly that size. */
  readonly checkpoint: string | null;
}

export interface ConsistencyProofView {
  readonly from: number;
  readonly to: number;
  readonly proof: readonly string[];
  readonly fromRootHash: string;
  readonly toRootHash: string;
  /** Signed checkpoints at the two sizes, when kept. */
  readonly fromCheckpoint: string | null;
  readonly toCheckpoint: string | null;
}

export interface PublicKeyView {
  readonly origin: string;
  readonly publicKeyPem: string;
  readonly verifierKey: string;
}

interface Waiter {
  readonly position: Position;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const FLUSH_DUE = Symbol('flush due');

/** A promise of FLUSH_DUE after `ms`, and a way to call it off. */
function flushAfter(ms: number): { promise: Promise<typeof FLUSH_DUE>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<typeof FLUSH_DUE>((resolve) => {
    timer = setTimeout(() => resolve(FLUSH_DUE), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * The ledger: a projection that appends every event's leaf to the Merkle log
 * in global order, and what the log can prove — signed checkpoints,
 * inclusion and consistency proofs, dispute bundles.
 *
 * It resumes after the last leaf it stored (the leaves and the nodes they
 * complete are one transaction), and never appends an event twice: anything
 * at or before the applied position, or whose id already has a leaf, is
 * skipped. Unlike a read model it stops rather than skip an event it cannot
 * append: a log with a hole would be a false record.
 */
@Injectable()
export class LedgerService
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger('Ledger');
  private readonly log: MerkleLog;
  private applied: Position | null = null;
  private subscription: Subscription | null = null;
  private started: Promise<void> | null = null;
  private following: Promise<void> = Promise.resolve();
  private halted: LedgerUnavailableError | null = null;
  private readonly waiters = new Set<Waiter>();

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(LedgerStorage) private readonly storage: LedgerStorage,
    @Inject(LedgerSigner) private readonly signer: LedgerSigner,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(LEDGER_OPTIONS) private readonly options: LedgerOptions,
  ) {
    this.log = new MerkleLog(storage);
  }

  /**
   * Catches up before the API serves. Signing on a schedule is background
   * work (CheckpointSigningWorker), run by one replica of a deployment.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.start();
    this.logger.log(`ledger caught up at ${this.log.size} leaves`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  onApplicationShutdown(): void {
    this.storage.close();
  }

  /** Number of leaves (events) in the log. */
  get size(): number {
    return this.log.size;
  }

  /** Starts following the event store; resolves once the log has caught up with it. */
  start(): Promise<void> {
    this.started ??= this.begin();
    return this.started;
  }

  /** Stops the projection; waiters are told the ledger is unavailable. */
  async stop(): Promise<void> {
    this.halt(new LedgerUnavailableError('the ledger is shutting down'));
    await this.subscription?.close();
    await this.following;
  }

  /**
   * Resolves once the log holds every event up to `position`. Only callers
   * that need a leaf (an export) wait; nothing else on a request path does.
   */
  waitFor(position: Position): Promise<void> {
    if (this.applied && comparePositions(this.applied, position) >= 0) return Promise.resolve();
    if (this.halted) return Promise.reject(this.halted);
    const timeoutMs = this.options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    return new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new LedgerUnavailableError(
            `it has not reached position ${formatPosition(position)} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timeout);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timeout);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  // ---- checkpoints -------------------------------------------------------

  latestCheckpoint(): KeptCheckpoint | null {
    return this.storage.latestCheckpoint();
  }

  checkpointAt(treeSize: number): KeptCheckpoint | null {
    return this.storage.checkpointAt(treeSize);
  }

  /**
   * Signs the log's current head now, publishes the checkpoint to the
   * checkpoint stream (so every replica keeps it) and keeps it. Published
   * first: a checkpoint this replica shows has been offered to all of them.
   */
  async signCheckpoint(): Promise<KeptCheckpoint> {
    const treeSize = this.log.size;
    const timestamp = this.clock.now();
    const body = formatCheckpoint({
      origin: this.signer.origin,
      treeSize,
      rootHash: this.log.root(treeSize),
      timestamp,
    });
    const kept: KeptCheckpoint = {
      treeSize,
      note: this.signer.sign(body),
      createdAt: timestamp.toISOString(),
    };
    await this.store.appendToStream(CHECKPOINT_STREAM, [
      {
        // Derived from the note: publishing the same checkpoint twice stores it once.
        id: deterministicEventId([CHECKPOINT_STREAM, kept.note], 0),
        type: CHECKPOINT_SIGNED,
        data: checkpointEventData(kept),
        metadata: {
          occurredAt: kept.createdAt,
          actor: { id: `ledger:${this.signer.origin}`, role: 'system' },
          channel: 'system',
        },
      },
    ]);
    this.storage.addCheckpoint(kept);
    return kept;
  }

  /**
   * Signs a checkpoint when the log has grown since the latest one (or none
   * exists yet). Published checkpoints and lease renewals do not count as growth.
   */
  async signCheckpointIfGrown(): Promise<KeptCheckpoint | null> {
    const latest = this.storage.latestCheckpoint();
    return latest && !this.grewSince(latest.treeSize) ? null : this.signCheckpoint();
  }

  /** The latest checkpoint when it covers `treeSize` leaves, else a fresh one. */
  async checkpointCovering(treeSize: number): Promise<KeptCheckpoint> {
    const latest = this.storage.latestCheckpoint();
    return latest && latest.treeSize >= treeSize ? latest : this.signCheckpoint();
  }

  /** What a signed checkpoint says, read back from its own note. */
  describeCheckpoint(kept: KeptCheckpoint): CheckpointView {
    const { text, signatures } = parseSignedNote(kept.note);
    const { origin, treeSize, rootHash, timestamp } = parseCheckpoint(text);
    return {
      note: kept.note,
      origin,
      treeSize,
      rootHash: toHex(rootHash),
      rootHashBase64: toBase64(rootHash),
      timestamp,
      keyName: signatures[0]?.name ?? origin,
      verifierKey: this.signer.verifierKey,
    };
  }

  publicKey(): PublicKeyView {
    return {
      origin: this.signer.origin,
      publicKeyPem: this.signer.publicKeyPem,
      verifierKey: this.signer.verifierKey,
    };
  }

  // ---- proofs ------------------------------------------------------------

  /**
   * Proves an event is in the log. Without a tree size the proof leads to the
   * latest signed checkpoint, signed afresh first when the latest does not
   * cover the event yet.
   */
  async inclusionProof(eventId: string, treeSize?: number): Promise<InclusionProofView> {
    const leaf = this.leafOf(eventId);
    let size: number;
    let checkpoint: string | null;
    if (treeSize === undefined) {
      const kept = await this.checkpointCovering(leaf.leafIndex + 1);
      size = kept.treeSize;
      checkpoint = kept.note;
    } else {
      this.checkSize('treeSize', treeSize);
      if (leaf.leafIndex >= treeSize) {
        throw new LedgerRangeError(
          'treeSize',
          `event ${leaf.eventId} is leaf ${leaf.leafIndex}, which a tree of ${treeSize} leaves does not hold`,
          { leafIndex: leaf.leafIndex, treeSize },
        );
      }
      size = treeSize;
      checkpoint = this.storage.checkpointAt(treeSize)?.note ?? null;
    }
    return {
      eventId: leaf.eventId,
      streamId: leaf.streamId,
      revision: leaf.revision,
      position: leaf.position,
      leafIndex: leaf.leafIndex,
      treeSize: size,
      leafHash: toHex(this.log.leafHash(leaf.leafIndex)),
      auditPath: this.log.inclusionProof(leaf.leafIndex, size).map(toHex),
      rootHash: toHex(this.log.root(size)),
      checkpoint,
    };
  }

  /** Proves the log at `from` leaves is a prefix of the log at `to` (default: the latest checkpoint). */
  consistencyProof(from: number, to?: number): ConsistencyProofView {
    const second = to ?? this.storage.latestCheckpoint()?.treeSize ?? this.log.size;
    this.checkSize('to', second);
    if (from > second) {
      throw new LedgerRangeError('from', `from ${from} is larger than to ${second}`, {
        from,
        to: second,
      });
    }
    return {
      from,
      to: second,
      proof: this.log.consistencyProof(from, second).map(toHex),
      fromRootHash: toHex(this.log.root(from)),
      toRootHash: toHex(this.log.root(second)),
      fromCheckpoint: this.storage.checkpointAt(from)?.note ?? null,
      toCheckpoint: this.storage.checkpointAt(second)?.note ?? null,
    };
  }

  /**
   * A dispute bundle of consecutive events of one stream, every event proven
   * in ONE signed checkpoint: waits until the log holds the last event, then
   * uses the latest checkpoint or signs one that covers it.
   */
  async bundle(events: readonly StoredEvent[]): Promise<DisputeBundle> {
    const last = events[events.length - 1];
    if (!last) throw new BundleBuildError('a bundle holds at least one event');
    await this.waitFor(last.position);
    const leafIndices = events.map((event) => {
      const leaf = this.storage.leafOf(event.id);
      if (!leaf) throw new BundleBuildError(`the log holds no leaf for event ${event.id}`);
      return leaf.leafIndex;
    });
    const checkpoint = await this.checkpointCovering(Math.max(...leafIndices) + 1);
    return buildBundle({
      events,
      leafIndices,
      log: this.log,
      checkpoint: checkpoint.note,
      publicKey: this.signer.publicKey,
    });
  }

  // ---- the projection ----------------------------------------------------

  private async begin(): Promise<void> {
    const from = await this.resumePosition();
    if (this.halted) throw this.halted;
    const subscription = this.store.subscribeToAll({ fromPosition: from ?? 'start' });
    this.subscription = subscription;
    let caughtUp = false;
    return new Promise<void>((resolve, reject) => {
      this.following = this.follow(subscription, () => {
        caughtUp = true;
        resolve();
      }).then(
        () => {
          if (!caughtUp) reject(new LedgerUnavailableError('stopped before catching up'));
        },
        (error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          this.logger.error({ err: error }, `ledger projection stopped: ${reason}`);
          this.halt(new LedgerUnavailableError(`the projection stopped (${reason})`));
          if (!caughtUp) reject(error instanceof Error ? error : new Error(reason));
        },
      );
    });
  }

  /**
   * Where to resume: after the last stored leaf, once the store is shown to
   * hold that very event there (same id, same leaf hash).
   */
  private async resumePosition(): Promise<Position | null> {
    const last = this.storage.lastLeaf();
    const size = this.storage.size();
    if (!last) {
      if (size !== 0)
        throw new LedgerOutOfStepError(`the log has ${size} leaves but no leaf table`);
      return null;
    }
    if (last.leafIndex !== size - 1) {
      throw new LedgerOutOfStepError(
        `the leaf table ends at leaf ${last.leafIndex} but the log has ${size} leaves`,
      );
    }
    const position = parsePosition(last.position);
    const [event] = position
      ? await this.store.readAll({ fromPosition: position, maxCount: 1 })
      : [];
    if (
      !position ||
      !event ||
      event.id !== last.eventId ||
      comparePositions(event.position, position) !== 0
    ) {
      throw new LedgerOutOfStepError(
        `leaf ${last.leafIndex} is event ${last.eventId} at position ${last.position}, ` +
          `but the store holds ${event ? `event ${event.id} at ${formatPosition(event.position)}` : 'nothing'} there`,
      );
    }
    if (!sameBytes(eventLeafHash(event), this.log.leafHash(last.leafIndex))) {
      throw new LedgerOutOfStepError(
        `event ${event.id} in the store no longer hashes to leaf ${last.leafIndex}`,
      );
    }
    this.applied = position;
    return position;
  }

  /**
   * Pulls the subscription and writes leaves in batches: a batch is written
   * when it is a page long, when the subscription reports caught-up, or
   * `flushDelayMs` after its first event. Under steady load that is one
   * fsync per interval instead of one per append, on the thread that also
   * serves requests; and no request waits for it (only an export waits, for
   * its own events).
   */
  private async follow(subscription: Subscription, onCaughtUp: () => void): Promise<void> {
    const items = subscription[Symbol.asyncIterator]();
    const batch: StoredEvent[] = [];
    let due: { readonly promise: Promise<typeof FLUSH_DUE>; readonly cancel: () => void } | null =
      null;
    const flush = (): void => {
      due?.cancel();
      due = null;
      this.apply(batch);
    };
    for (;;) {
      const pending = items.next();
      let next: IteratorResult<SubscriptionItem> | typeof FLUSH_DUE = due
        ? await Promise.race([pending, due.promise])
        : await pending;
      if (next === FLUSH_DUE) {
        flush();
        next = await pending;
      }
      if (next.done) break;
      const item = next.value;
      if (item.kind === 'caught-up') {
        flush();
        onCaughtUp();
        continue;
      }
      batch.push(item.event);
      due ??= flushAfter(this.options.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS);
      if (batch.length >= BATCH) {
        flush();
        // Let requests in between pages of a long catch-up.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    flush();
  }

  /** Appends the batch's new events as leaves, in one transaction, and wakes waiters. */
  private apply(batch: StoredEvent[]): void {
    if (batch.length === 0) return;
    const events = batch.splice(0);
    const seen = new Set<string>();
    const fresh = events.filter((event) => {
      const known =
        (this.applied !== null && comparePositions(event.position, this.applied) <= 0) ||
        seen.has(event.id) ||
        this.storage.leafOf(event.id) !== null;
      seen.add(event.id);
      return !known;
    });
    if (fresh.length > 0) {
      this.storage.transaction(() => {
        const first = this.log.appendAll(fresh.map(eventLeafHash));
        this.storage.addLeaves(fresh.map((event, i) => leafRecord(event, first + i)));
        for (const event of fresh) this.adoptPublishedCheckpoint(event);
      });
    }
    const last = events[events.length - 1]!.position;
    if (this.applied === null || comparePositions(last, this.applied) > 0) this.applied = last;
    for (const waiter of this.waiters) {
      if (comparePositions(this.applied, waiter.position) >= 0) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private halt(reason: LedgerUnavailableError): void {
    this.halted ??= reason;
    for (const waiter of this.waiters) waiter.reject(reason);
    this.waiters.clear();
  }

  /**
   * Keeps a checkpoint another replica (or this one, earlier) published, once
   * it is shown to be ours: signed by this ledger's key and naming the root
   * this log has at that size. Anything else is logged and left out — a
   * replica signing with another key, or a log that diverged, must be seen,
   * not trusted. Runs inside the transaction that added the event's leaf.
   */
  private adoptPublishedCheckpoint(event: StoredEvent): void {
    const published = publishedCheckpointOf(event);
    if (!published) {
      if (isCheckpointEvent(event)) {
        this.logger.warn(`event ${event.id} on ${CHECKPOINT_STREAM} is not a checkpoint; ignored`);
      }
      return;
    }
    const problem = this.whyNotOurs(published.note, published.treeSize);
    if (problem) {
      this.logger.warn(
        `checkpoint at tree size ${published.treeSize} (event ${event.id}) not kept: ${problem}`,
      );
      return;
    }
    this.storage.addCheckpoint(published);
  }

  private whyNotOurs(note: string, treeSize: number): string | null {
    let verified;
    try {
      verified = verifyCheckpoint(note, this.signer.verifierKey);
    } catch (error) {
      return `it does not verify with this replica's key ${this.signer.verifierKey} (${(error as Error).message}); every replica must sign with the same ONRECORD_LEDGER_KEY_FILE`;
    }
    if (verified.treeSize !== treeSize) {
      return `the event says tree size ${treeSize} but the note says ${verified.treeSize}`;
    }
    if (treeSize > this.log.size) {
      return `it is beyond this log, which holds ${this.log.size} leaves`;
    }
    if (!sameBytes(verified.rootHash, this.log.root(treeSize))) {
      return `its root differs from this log's root at that size: the logs diverged`;
    }
    return null;
  }

  /**
   * True when a leaf from `treeSize` on is more than housekeeping: published
   * checkpoints and lease renewals (every 10 s on EventStoreDB) would
   * otherwise have an idle deployment sign a checkpoint every interval.
   * They are still in the log, covered by the next checkpoint that is due.
   */
  private grewSince(treeSize: number): boolean {
    const PAGE = 256;
    for (let from = treeSize; from < this.log.size; from += PAGE) {
      if (this.storage.leaves(from, PAGE).some((leaf) => !isHousekeeping(leaf))) return true;
    }
    return false;
  }

  private leafOf(eventId: string): LeafRecord {
    const leaf = this.storage.leafOf(eventId.toLowerCase());
    if (!leaf) throw new EventNotInLedgerError(eventId);
    return leaf;
  }

  private checkSize(field: string, treeSize: number): void {
    const logSize = this.log.size;
    if (treeSize > logSize) {
      throw new LedgerRangeError(
        field,
        `${field} ${treeSize} is beyond the log, which holds ${logSize} leaves`,
        { [field]: treeSize, logSize },
      );
    }
  }
}

function leafRecord(event: StoredEvent, leafIndex: number): LeafRecord {
  return {
    leafIndex,
    eventId: event.id,
    streamId: event.streamId,
    revision: event.revision,
    position: formatPosition(event.position),
  };
}

/** Events the deployment writes to keep itself running, not anything said to a customer. */
function isHousekeeping(leaf: { readonly streamId: string }): boolean {
  return isCheckpointEvent(leaf) || leaf.streamId.startsWith(LEASE_STREAM_PREFIX);
}
