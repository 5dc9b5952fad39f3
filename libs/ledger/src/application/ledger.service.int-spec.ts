import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type EventStore,
  type StoredEvent,
  type SubscribeToAllOptions,
  type Subscription,
  type SqliteEventStore,
} from '@onrecord/event-store';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { newEvent } from '../../../../test/support/event-store.contract.js';
import { verifyCheckpoint } from '../domain/checkpoint.js';
import { verifyBundle } from '../domain/dispute-bundle.verifier.js';
import { eventLeafHash } from '../domain/event-leaf.js';
import { hashFromHex, toHex } from '../domain/merkle-hashing.js';
import { MerkleLog } from '../domain/merkle-log.js';
import { verifyConsistency, verifyInclusion } from '../domain/merkle-proof.verifier.js';
import { InMemoryMerkleNodeStore } from '../infrastructure/in-memory-merkle-node-store.js';
import { SqliteMerkleNodeStore } from '../infrastructure/sqlite-merkle-node-store.js';
import {
  type RunningLedger,
  givenHistory,
  openStore,
  startLedger,
  testSigner,
} from '../testing/ledger-harness.js';
import { DisputeBundleExportService } from './dispute-bundle-export.service.js';
import {
  EventNotInLedgerError,
  LedgerOutOfStepError,
  LedgerRangeError,
  RevisionRangeError,
} from './ledger.errors.js';

/** Every event of the store in global order. */
async function allEvents(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const after = events[events.length - 1];
    const page = await store.readAll({
      fromPosition: after
        ? { commit: after.position.commit + 1n, prepare: after.position.prepare + 1n }
        : 'start',
      maxCount: 1000,
    });
    events.push(...page);
    if (page.length < 1000) return events;
  }
}

/** The log an independent party computes from the events: RFC 9162 over their leaves. */
function expectedLog(events: readonly StoredEvent[]): MerkleLog {
  const log = new MerkleLog(new InMemoryMerkleNodeStore());
  log.appendAll(events.map(eventLeafHash));
  return log;
}

const hashes = (hex: readonly string[]): Uint8Array[] => hex.map((h) => hashFromHex(h)!);

describe('the ledger projection over the embedded store', () => {
  let dir: { path: string; remove: () => void };
  let store: SqliteEventStore;
  let running: RunningLedger | null = null;

  beforeEach(() => {
    dir = tempDir('onrecord-ledger-');
    store = openStore(dir.path);
  });
  afterEach(async () => {
    await running?.close();
    running = null;
    await store.close();
    dir.remove();
  });

  it('given 600 events, catches up with one leaf per event in global order and RFC 9162 roots', async () => {
    await givenHistory(store, 600);
    running = await startLedger(dir.path, store);

    const events = await allEvents(store);
    const expected = expectedLog(events);
    expect(running.service.size).toBe(600);
    expect(running.storage.leaves(0, 1000).map((l) => l.eventId)).toEqual(events.map((e) => e.id));
    expect(running.storage.leafOf(events[417]!.id)).toEqual({
      leafIndex: 417,
      eventId: events[417]!.id,
      streamId: events[417]!.streamId,
      revision: events[417]!.revision,
      position: '418',
    });
    const signed = verifyCheckpoint(running.service.signCheckpoint().note, testSigner.publicKey);
    expect(toHex(signed.rootHash)).toBe(toHex(expected.root()));
  });

  it('writes the leaves of a catch-up in page-sized transactions, not one per event', async () => {
    await givenHistory(store, 600);
    const original = SqliteMerkleNodeStore.prototype.addLeaves;
    const sizes: number[] = [];
    SqliteMerkleNodeStore.prototype.addLeaves = function (leaves) {
      sizes.push(leaves.length);
      original.call(this, leaves);
    };
    try {
      running = await startLedger(dir.path, store);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(600);
      expect(sizes.length).toBeLessThanOrEqual(4);
    } finally {
      SqliteMerkleNodeStore.prototype.addLeaves = original;
    }
  });

  it('given live appends one after another, writes them together rather than one transaction each', async () => {
    running = await startLedger(dir.path, store, { flushDelayMs: 200 });
    const original = SqliteMerkleNodeStore.prototype.addLeaves;
    let writes = 0;
    SqliteMerkleNodeStore.prototype.addLeaves = function (leaves) {
      writes += 1;
      original.call(this, leaves);
    };
    try {
      const appended = [];
      for (let i = 0; i < 30; i++)
        appended.push(await store.appendToStream('account-busy', [newEvent()]));
      await running.service.waitFor(appended[29]!.position);
      expect(running.service.size).toBe(30);
      expect(writes).toBeLessThan(30);
    } finally {
      SqliteMerkleNodeStore.prototype.addLeaves = original;
    }
  });

  it('follows live appends and waitFor resolves once the log holds the position', async () => {
    running = await startLedger(dir.path, store);
    const result = await store.appendToStream('account-live', [newEvent(), newEvent()]);
    await running.service.waitFor(result.position);
    expect(running.service.size).toBe(2);
    expect(running.storage.lastLeaf()).toMatchObject({
      eventId: result.events[1]!.id,
      leafIndex: 1,
    });
  });

  it('given a restart, resumes after its last leaf: no duplicate leaves, the same root as from scratch', async () => {
    await givenHistory(store, 300);
    running = await startLedger(dir.path, store);
    const before = running.service.signCheckpoint();
    await running.close();
    running = null;
    await givenHistory(store, 300);

    running = await startLedger(dir.path, store);

    const events = await allEvents(store);
    expect(running.service.size).toBe(600);
    const leafIds = running.storage.leaves(0, 1000).map((l) => l.eventId);
    expect(new Set(leafIds).size).toBe(600);
    expect(leafIds).toEqual(events.map((e) => e.id));
    const latest = verifyCheckpoint(running.service.signCheckpoint().note, testSigner.publicKey);
    expect(toHex(latest.rootHash)).toBe(toHex(expectedLog(events).root()));
    // The old checkpoint is kept, and the new log extends it.
    const proof = running.service.consistencyProof(before.treeSize, latest.treeSize);
    const old = verifyCheckpoint(before.note, testSigner.publicKey);
    expect(verifyConsistency(300, 600, hashes(proof.proof), old.rootHash, latest.rootHash)).toBe(
      true,
    );
  });

  it('never appends an event twice, even when the store delivers history again', async () => {
    await givenHistory(store, 50);
    running = await startLedger(dir.path, store);
    const root = toHex(new MerkleLog(running.storage).root());
    await running.close();
    running = null;

    /** A store whose subscriptions ignore the resume position and replay everything. */
    const forgetful = Object.create(store) as EventStore;
    forgetful.subscribeToAll = (options?: SubscribeToAllOptions): Subscription =>
      store.subscribeToAll({ ...options, fromPosition: 'start' });
    running = await startLedger(dir.path, forgetful);

    expect(running.service.size).toBe(50);
    expect(toHex(new MerkleLog(running.storage).root())).toBe(root);
  });

  it('rebuilds from zero to the same root, so old checkpoints still hold', async () => {
    await givenHistory(store, 250);
    running = await startLedger(dir.path, store);
    const signed = verifyCheckpoint(running.service.signCheckpoint().note, testSigner.publicKey);
    await running.close();
    running = null;
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(join(dir.path, `ledger.sqlite${suffix}`), { force: true });

    running = await startLedger(dir.path, store);

    expect(running.service.size).toBe(250);
    expect(toHex(new MerkleLog(running.storage).root(250))).toBe(toHex(signed.rootHash));
  });

  it('refuses to start on a ledger built from another event store', async () => {
    await givenHistory(store, 20);
    running = await startLedger(dir.path, store);
    await running.close();
    running = null;
    const other = tempDir('onrecord-ledger-other-');
    const otherStore = openStore(other.path);
    try {
      await givenHistory(otherStore, 20);
      await expect(startLedger(dir.path, otherStore)).rejects.toThrow(LedgerOutOfStepError);
    } finally {
      await otherStore.close();
      other.remove();
    }
  });
});

describe('ledger checkpoints and proofs', () => {
  let dir: { path: string; remove: () => void };
  let store: SqliteEventStore;
  let running: RunningLedger;

  beforeEach(async () => {
    dir = tempDir('onrecord-ledger-');
    store = openStore(dir.path);
    await givenHistory(store, 40);
    running = await startLedger(dir.path, store);
  });
  afterEach(async () => {
    await running.close();
    await store.close();
    dir.remove();
  });

  it('signs a checkpoint only when the log has grown', async () => {
    const first = running.service.signCheckpointIfGrown();
    expect(first).toMatchObject({ treeSize: 40 });
    expect(running.service.signCheckpointIfGrown()).toBeNull();
    const result = await store.appendToStream('account-acme', [newEvent()]);
    await running.service.waitFor(result.position);
    expect(running.service.signCheckpointIfGrown()).toMatchObject({ treeSize: 41 });
    expect(running.storage.checkpoints().map((c) => c.treeSize)).toEqual([40, 41]);
  });

  it('signs periodically while the log grows, and not while it does not', async () => {
    await running.close();
    running = await startLedger(dir.path, store, { checkpointIntervalMs: 100 });
    await running.service.onApplicationBootstrap();
    expect(running.storage.checkpoints().map((c) => c.treeSize)).toEqual([40]);
    const result = await store.appendToStream('account-acme', [newEvent()]);
    await running.service.waitFor(result.position);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(running.storage.checkpoints().map((c) => c.treeSize)).toEqual([40, 41]);
  });

  it('proves an event included in the latest checkpoint, signing one that covers it when needed', async () => {
    const events = await allEvents(store);
    const old = running.service.signCheckpoint();
    const result = await store.appendToStream('account-acme', [newEvent()]);
    await running.service.waitFor(result.position);
    const newest = result.events[0]!;

    const proof = running.service.inclusionProof(newest.id);

    expect(proof).toMatchObject({
      eventId: newest.id,
      leafIndex: 40,
      treeSize: 41,
      position: '41',
    });
    expect(proof.checkpoint).not.toBe(old.note);
    const checkpoint = verifyCheckpoint(proof.checkpoint!, testSigner.publicKey);
    expect(proof.leafHash).toBe(toHex(eventLeafHash(newest)));
    expect(
      verifyInclusion(eventLeafHash(newest), 40, 41, hashes(proof.auditPath), checkpoint.rootHash),
    ).toBe(true);
    // An older event is proven against the latest checkpoint without signing another.
    const count = running.storage.checkpoints().length;
    const earlier = running.service.inclusionProof(events[3]!.id.toUpperCase());
    expect(earlier).toMatchObject({ leafIndex: 3, treeSize: 41 });
    expect(running.storage.checkpoints()).toHaveLength(count);
  });

  it('proves inclusion at an earlier tree size, and refuses sizes the log cannot prove', async () => {
    const events = await allEvents(store);
    const at = running.service.inclusionProof(events[5]!.id, 10);
    expect(
      verifyInclusion(
        eventLeafHash(events[5]!),
        5,
        10,
        hashes(at.auditPath),
        hashFromHex(at.rootHash)!,
      ),
    ).toBe(true);
    expect(at.checkpoint).toBeNull();

    expect(() => running.service.inclusionProof(events[5]!.id, 41)).toThrow(LedgerRangeError);
    expect(() => running.service.inclusionProof(events[5]!.id, 5)).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({ field: 'treeSize', leafIndex: 5, treeSize: 5 }),
      }),
    );
    expect(() => running.service.inclusionProof('00000000-0000-4000-8000-000000000000')).toThrow(
      EventNotInLedgerError,
    );
  });

  it('proves consistency between two signed checkpoints, and names the numbers when it cannot', async () => {
    const old = running.service.signCheckpoint();
    await givenHistory(store, 25);
    const result = await store.appendToStream('account-acme', [newEvent()]);
    await running.service.waitFor(result.position);
    const newer = running.service.signCheckpoint();

    const proof = running.service.consistencyProof(old.treeSize);

    expect(proof).toMatchObject({
      from: 40,
      to: 66,
      fromCheckpoint: old.note,
      toCheckpoint: newer.note,
    });
    const a = verifyCheckpoint(old.note, testSigner.publicKey);
    const b = verifyCheckpoint(newer.note, testSigner.publicKey);
    expect(verifyConsistency(40, 66, hashes(proof.proof), a.rootHash, b.rootHash)).toBe(true);
    expect(() => running.service.consistencyProof(50, 40)).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({ field: 'from', from: 50, to: 40 }),
      }),
    );
    expect(() => running.service.consistencyProof(1, 67)).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({ field: 'to', to: 67, logSize: 66 }),
      }),
    );
  });

  it('exports a stream range as a bundle that verifies offline against the trusted key', async () => {
    const exporter = new DisputeBundleExportService(store, running.service);
    const before = running.storage.checkpoints().length;

    const bundle = await exporter.exportStream('account-acme', { from: 2 });
    const whole = await exporter.exportStream('account-acme');

    expect(running.storage.checkpoints()).toHaveLength(before + 1);
    const received = JSON.parse(JSON.stringify(bundle)) as unknown;
    expect(verifyBundle(received, { trustedPublicKeyPem: testSigner.publicKeyPem })).toMatchObject({
      ok: true,
      streamId: 'account-acme',
      fromRevision: 2,
      keyTrusted: true,
    });
    expect(whole.checkpoint).toBe(bundle.checkpoint);
    expect(verifyBundle(JSON.parse(JSON.stringify(whole)))).toMatchObject({
      ok: true,
      fromRevision: 0,
      startsAtGenesis: true,
    });
    await expect(exporter.exportStream('account-acme', { to: 99 })).rejects.toThrow(
      RevisionRangeError,
    );
    await expect(exporter.exportStream('account-acme', { from: 5, to: 4 })).rejects.toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field: 'from' }) }),
    );
  });
});
