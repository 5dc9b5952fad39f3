import type { KeyObject } from 'node:crypto';
import {
  CorruptEventError,
  type EventStore,
  type Position,
  type StoredEvent,
  comparePositions,
  formatPosition,
  verifyStream,
} from '@onrecord/event-store';
import { type VerifiedCheckpoint, verifyCheckpoint } from '../domain/checkpoint.js';
import { eventLeafHash } from '../domain/event-leaf.js';
import { CheckpointVerificationError, MissingMerkleNodeError } from '../domain/ledger-errors.js';
import { MerkleFrontier } from '../domain/merkle-frontier.js';
import { sameBytes, toHex } from '../domain/merkle-hashing.js';
import { MerkleLog } from '../domain/merkle-log.js';
import type { LeafRecord, LedgerStorage } from './ledger-storage.port.js';

/**
 * The checks of a whole data directory:
 * - `chain`: a stream's hash chain breaks at an event (verifyStream);
 * - `unreadable`: a stored event no longer parses;
 * - `checkpoint`: a kept checkpoint's signature does not verify under the key;
 * - `no-checkpoint`: the ledger holds no signed checkpoint to compare with;
 * - `checkpoint-root`: the root recomputed from the events differs from a
 *   signed checkpoint's root at its size;
 * - `checkpoint-size`: a checkpoint covers more events than the store holds;
 * - `ledger-leaf`: the ledger's leaf at an index is not the store's event there;
 * - `ledger-tree`: a node of the ledger's stored tree differs from the one
 *   recomputed from the events, so proofs it serves would not verify.
 */
export type StoreCheck =
  | 'chain'
  | 'unreadable'
  | 'checkpoint'
  | 'no-checkpoint'
  | 'checkpoint-root'
  | 'checkpoint-size'
  | 'ledger-leaf'
  | 'ledger-tree';

export interface StoreFailure {
  readonly check: StoreCheck;
  readonly reason: string;
  readonly eventId?: string;
  readonly streamId?: string;
  readonly revision?: number;
  readonly treeSize?: number;
}

export interface StoreVerification {
  readonly ok: boolean;
  /** Every failure found, most specific first: broken chains, then the log. */
  readonly failures: readonly StoreFailure[];
  readonly events: number;
  readonly streams: number;
  readonly checkpoints: number;
  /** The latest signed checkpoint, verified, or null. */
  readonly latestCheckpoint: VerifiedCheckpoint | null;
  /** Events after the latest checkpoint: chain-checked, not yet signed into the log. */
  readonly eventsAfterCheckpoint: number;
}

export interface VerifyLedgerStoreOptions {
  /** The log's public key (PEM, KeyObject or C2SP vkey) the checkpoints must verify under. */
  readonly publicKey: string | KeyObject;
  /** Called as work proceeds, for a progress line. */
  readonly onProgress?: (progress: {
    readonly phase: 'log' | 'chains';
    readonly done: number;
  }) => void;
}

const PAGE = 1000;
const PROGRESS_EVERY = 10_000;

/**
 * Full-store integrity, trusting neither file: every stream's hash chain is
 * recomputed from the events, the Merkle log is recomputed from the events in
 * global order and compared with every signed checkpoint (signature and root)
 * and with the ledger's own leaf table and tree.
 */
export async function verifyLedgerStore(
  store: EventStore,
  ledger: LedgerStorage,
  options: VerifyLedgerStoreOptions,
): Promise<StoreVerification> {
  const failures: StoreFailure[] = [];
  const chainFailures: StoreFailure[] = [];

  const checkpoints: VerifiedCheckpoint[] = [];
  const kept = ledger.checkpoints();
  for (const checkpoint of kept) {
    try {
      checkpoints.push(verifyCheckpoint(checkpoint.note, options.publicKey));
    } catch (error) {
      if (!(error instanceof CheckpointVerificationError)) throw error;
      failures.push({
        check: 'checkpoint',
        reason: `the checkpoint at tree size ${checkpoint.treeSize} signed ${checkpoint.createdAt}: ${error.message}`,
        treeSize: checkpoint.treeSize,
      });
    }
  }
  const latest = checkpoints.reduce<VerifiedCheckpoint | null>(
    (best, c) => (best === null || c.treeSize >= best.treeSize ? c : best),
    null,
  );
  if (kept.length === 0) {
    failures.push({
      check: 'no-checkpoint',
      reason: 'the ledger holds no signed checkpoint: start the API once to sign one',
    });
  }
  const bySize = new Map<number, VerifiedCheckpoint[]>();
  for (const c of checkpoints) bySize.set(c.treeSize, [...(bySize.get(c.treeSize) ?? []), c]);

  const frontier = new MerkleFrontier();
  const leaves = new LeafReader(ledger);
  const ledgerSize = ledger.size();
  const streams = new Set<string>();
  let leafMismatch = false;
  let treeMismatch = false;
  const compareRoots = (): void => {
    for (const c of bySize.get(frontier.size) ?? []) {
      if (!sameBytes(frontier.root(), c.rootHash)) {
        failures.push({
          check: 'checkpoint-root',
          reason: `the first ${c.treeSize} events hash to root ${toHex(frontier.root())}, but the checkpoint signed ${c.timestamp} says ${toHex(c.rootHash)}`,
          treeSize: c.treeSize,
        });
      }
    }
  };

  compareRoots();
  let after: Position | null = null;
  let unreadable = false;
  for (;;) {
    let page: StoredEvent[];
    try {
      page = await store.readAll({ fromPosition: after ?? 'start', maxCount: PAGE + 1 });
    } catch (error) {
      if (!(error instanceof CorruptEventError)) throw error;
      failures.push({
        check: 'unreadable',
        reason: `${error.message}; events after it in global order were not checked against the log`,
        eventId: error.eventId,
        streamId: error.streamId,
        revision: error.revision,
      });
      streams.add(error.streamId);
      unreadable = true;
      break;
    }
    const from: Position | null = after;
    const fresh: StoredEvent[] = from
      ? page.filter((e) => comparePositions(e.position, from) > 0)
      : page;
    for (const event of fresh) {
      streams.add(event.streamId);
      const hash = eventLeafHash(event);
      const index = frontier.size;
      const completed = frontier.append(hash);
      if (!leafMismatch && index < ledgerSize) {
        const leaf = leaves.at(index);
        const stored = ledger.get(0, index);
        if (leaf?.eventId !== event.id || !stored || !sameBytes(stored, hash)) {
          leafMismatch = true;
          failures.push({
            check: 'ledger-leaf',
            reason:
              leaf?.eventId !== event.id
                ? `leaf ${index} of the ledger is event ${leaf?.eventId ?? '(none)'}, but event ${index + 1} in global order (position ${formatPosition(event.position)}) is ${event.id}`
                : `event ${event.id} (position ${formatPosition(event.position)}) no longer hashes to the ledger's leaf ${index}`,
            eventId: event.id,
            streamId: event.streamId,
            revision: event.revision,
          });
        }
      }
      // Interior nodes the ledger's size says it holds; a mismatch above a bad leaf is that leaf's.
      if (!leafMismatch && !treeMismatch) {
        for (const node of completed.slice(1)) {
          const width = 2 ** node.level;
          if ((node.index + 1) * width > ledgerSize) break;
          const stored = ledger.get(node.level, node.index);
          if (!stored || !sameBytes(stored, node.hash)) {
            treeMismatch = true;
            failures.push({
              check: 'ledger-tree',
              reason: `the ledger's node at level ${node.level}, index ${node.index} (leaves ${node.index * width}..${(node.index + 1) * width - 1}) is not the hash recomputed from the events: proofs through it would not verify`,
            });
            break;
          }
        }
      }
      compareRoots();
      if (frontier.size % PROGRESS_EVERY === 0)
        options.onProgress?.({ phase: 'log', done: frontier.size });
    }
    const last: StoredEvent | undefined = fresh[fresh.length - 1];
    if (!last) break;
    after = last.position;
  }
  const events = frontier.size;

  if (!unreadable) {
    if (ledgerSize > events) {
      failures.push({
        check: 'ledger-leaf',
        reason: `the ledger holds ${ledgerSize} leaves, but the store only ${events} events: events were removed`,
      });
    }
    for (const c of checkpoints) {
      if (c.treeSize > events) {
        failures.push({
          check: 'checkpoint-size',
          reason: `the checkpoint signed ${c.timestamp} covers ${c.treeSize} events, but the store holds ${events}: events were removed`,
          treeSize: c.treeSize,
        });
      }
    }
  }
  if (latest && latest.treeSize <= ledgerSize && !treeMismatch && !leafMismatch) {
    let reason: string | null = null;
    try {
      const root = new MerkleLog(ledger).root(latest.treeSize);
      if (!sameBytes(root, latest.rootHash)) {
        reason = `the ledger's stored tree gives root ${toHex(root)} at size ${latest.treeSize}, not the signed ${toHex(latest.rootHash)}`;
      }
    } catch (error) {
      if (!(error instanceof MissingMerkleNodeError)) throw error;
      reason = error.message;
    }
    if (reason) failures.push({ check: 'ledger-tree', reason, treeSize: latest.treeSize });
  }

  let checked = 0;
  for (const streamId of streams) {
    const result = await verifyStream(store, streamId);
    if (!result.ok) {
      chainFailures.push({
        check: 'chain',
        reason: result.brokenAt.reason,
        eventId: result.brokenAt.eventId,
        streamId,
        revision: result.brokenAt.revision,
      });
    }
    checked += 1;
    if (checked % 1000 === 0) options.onProgress?.({ phase: 'chains', done: checked });
  }

  const all = [...chainFailures, ...failures];
  return {
    ok: all.length === 0,
    failures: all,
    events,
    streams: streams.size,
    checkpoints: kept.length,
    latestCheckpoint: latest,
    eventsAfterCheckpoint: latest ? Math.max(0, events - latest.treeSize) : events,
  };
}

/** Reads the ledger's leaf table in pages, in step with the events. */
class LeafReader {
  private page: LeafRecord[] = [];
  private start = 0;

  constructor(private readonly ledger: LedgerStorage) {}

  at(index: number): LeafRecord | undefined {
    if (index < this.start || index >= this.start + this.page.length) {
      this.start = index;
      this.page = this.ledger.leaves(index, PAGE);
    }
    return this.page[index - this.start];
  }
}
