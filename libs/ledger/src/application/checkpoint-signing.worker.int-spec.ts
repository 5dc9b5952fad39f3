import { Logger } from '@nestjs/common';
import { FixedClock } from '@onrecord/kernel';
import { EsdbEventStore, type EventStore, type SqliteEventStore } from '@onrecord/event-store';
import { BackgroundWorkLeader } from '@onrecord/platform';
import { EsdbStandin } from '../../../../test/esdb-standin/esdb-standin.js';
import { newEvent } from '../../../../test/support/event-store.contract.js';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { CHECKPOINT_STREAM } from '../domain/checkpoint-event.js';
import {
  type RunningLedger,
  givenHistory,
  openStore,
  startLedger,
} from '../testing/ledger-harness.js';
import { CheckpointSigningWorker } from './checkpoint-signing.worker.js';

const INTERVAL_MS = 50;
const START = new Date('2026-11-23T10:00:00.000Z');

beforeAll(() => {
  Logger.overrideLogger(false);
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds, failing after `timeoutMs`. */
async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms: ${check.toString()}`);
    await pause(10);
  }
}

/** Counts the checkpoints a ledger signs itself (not those it keeps from others). */
function countSignatures(ledger: RunningLedger): { count: number } {
  const counter = { count: 0 };
  const sign = ledger.service.signCheckpoint.bind(ledger.service);
  ledger.service.signCheckpoint = () => {
    counter.count += 1;
    return sign();
  };
  return counter;
}

describe('periodic checkpoints on one process (the embedded store)', () => {
  let dir: { path: string; remove: () => void };
  let store: SqliteEventStore;
  let ledger: RunningLedger;
  let leader: BackgroundWorkLeader;
  let worker: CheckpointSigningWorker;

  beforeEach(async () => {
    dir = tempDir('onrecord-checkpoint-worker-');
    store = openStore(dir.path);
    await givenHistory(store, 40);
    ledger = await startLedger(dir.path, store);
    leader = new BackgroundWorkLeader(store, new FixedClock(START), {
      mode: 'always',
      holder: 'api-1',
      leaseTtlMs: 30_000,
    });
    worker = new CheckpointSigningWorker(ledger.service, leader, INTERVAL_MS);
  });
  afterEach(async () => {
    await worker.onModuleDestroy();
    await leader.deactivate();
    await ledger.close();
    await store.close();
    dir.remove();
  });

  const sizes = () => ledger.storage.checkpoints().map((c) => c.treeSize);

  it('signs at once, again while the log grows, never for its own publications, and stops when destroyed', async () => {
    worker.onApplicationBootstrap();
    await leader.activate();
    await eventually(() => sizes().length === 1);
    expect(sizes()).toEqual([40]);

    const grown = await store.appendToStream('account-acme', [newEvent()]);
    await ledger.service.waitFor(grown.position);
    await eventually(() => sizes().length === 2);
    // 40 events, the first checkpoint's event, the new one.
    expect(sizes()).toEqual([40, 42]);

    // Several intervals with only its own publications since: nothing more.
    await pause(INTERVAL_MS * 5);
    expect(sizes()).toEqual([40, 42]);

    await worker.onModuleDestroy();
    await store.appendToStream('account-acme', [newEvent()]);
    await pause(INTERVAL_MS * 4);
    expect(sizes()).toEqual([40, 42]);
  });

  it('given ONRECORD_CHECKPOINT_INTERVAL_MS=0, signs nothing', async () => {
    worker = new CheckpointSigningWorker(ledger.service, leader, 0);
    worker.onApplicationBootstrap();
    await leader.activate();
    await pause(INTERVAL_MS * 4);
    expect(sizes()).toEqual([]);
  });
});

// Two API replicas on EventStoreDB (one client and one ledger each), the
// lease deciding who signs: the mechanism the README's Scaling section names.
describe('periodic checkpoints with two replicas on EventStoreDB (the protocol stand-in)', () => {
  let standin: EsdbStandin;
  let dirs: { path: string; remove: () => void }[];
  let stores: EventStore[];
  let ledgers: RunningLedger[];
  let leaders: BackgroundWorkLeader[];
  let workers: CheckpointSigningWorker[];

  beforeAll(async () => {
    standin = await EsdbStandin.start();
  });
  afterAll(async () => {
    await standin.stop();
  });
  beforeEach(async () => {
    const clock = new FixedClock(START);
    dirs = [tempDir('onrecord-replica-1-'), tempDir('onrecord-replica-2-')];
    stores = dirs.map(
      () =>
        new EsdbEventStore({
          connectionString: standin.connectionString,
          resubscribe: { initialDelayMs: 20, maxDelayMs: 200 },
        }),
    );
    await givenHistory(stores[0]!, 30, ['account-acme', 'account-globex']);
    ledgers = await Promise.all(dirs.map((dir, i) => startLedger(dir.path, stores[i]!)));
    leaders = ['api-1', 'api-2'].map(
      (holder, i) =>
        new BackgroundWorkLeader(stores[i]!, clock, { mode: 'lease', holder, leaseTtlMs: 30_000 }),
    );
    workers = ledgers.map(
      (ledger, i) => new CheckpointSigningWorker(ledger.service, leaders[i]!, INTERVAL_MS),
    );
  });
  afterEach(async () => {
    for (const worker of workers) await worker.onModuleDestroy();
    for (const leader of leaders) await leader.deactivate();
    for (const ledger of ledgers) await ledger.close();
    for (const store of stores) await store.close();
    for (const dir of dirs) dir.remove();
  });

  it('only the lease holder signs; both replicas keep its checkpoints; the other signs once it takes over', async () => {
    const signatures = ledgers.map(countSignatures);
    for (const worker of workers) worker.onApplicationBootstrap();
    const won = await Promise.all(leaders.map((leader) => leader.activate()));
    expect(won.filter(Boolean)).toHaveLength(1);
    const [lead, follow] = won[0] ? [0, 1] : [1, 0];
    const sizesOf = (i: number) => ledgers[i]!.storage.checkpoints().map((c) => c.treeSize);
    const notesOf = (i: number) => ledgers[i]!.storage.checkpoints().map((c) => c.note);

    // The leader signs the grown log, and the follower keeps that same checkpoint.
    await eventually(() => sizesOf(follow).length >= 1);
    const appended = await stores[0]!.appendToStream('account-acme', [newEvent(), newEvent()]);
    await ledgers[follow]!.service.waitFor(appended.position);
    await eventually(() => sizesOf(follow).some((size) => size > 30));
    await pause(INTERVAL_MS * 4);

    expect(signatures[follow]!.count).toBe(0);
    expect(signatures[lead]!.count).toBeGreaterThanOrEqual(2);
    await eventually(() => notesOf(follow).length === notesOf(lead).length);
    expect(new Set(notesOf(follow))).toEqual(new Set(notesOf(lead)));
    const published = await stores[0]!.readStream(CHECKPOINT_STREAM);
    expect(published).toHaveLength(signatures[lead]!.count);

    // The leader's replica stops: it releases the lease, the other takes it and signs from then on.
    await workers[lead]!.onModuleDestroy();
    await leaders[lead]!.deactivate();
    const signedBefore = signatures[lead]!.count;
    expect(await leaders[follow]!.tick()).toBe(true);
    const more = await stores[follow]!.appendToStream('account-globex', [newEvent()]);
    await ledgers[follow]!.service.waitFor(more.position);
    const leafOfMore = ledgers[follow]!.storage.leafOf(more.events[0]!.id)!.leafIndex;
    await eventually(
      () => (ledgers[follow]!.service.latestCheckpoint()?.treeSize ?? 0) > leafOfMore,
    );
    expect(signatures[follow]!.count).toBeGreaterThanOrEqual(1);
    expect(signatures[lead]!.count).toBe(signedBefore);
  });
});
