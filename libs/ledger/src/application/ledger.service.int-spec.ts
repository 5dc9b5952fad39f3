import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type EventStore,
  type StoredEvent,
  type SubscribeToAllOptions,
  type Subscription,
  type SqliteEventStore,
} from '@onrecord/event-store';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { readAllEvents } from '../../../../test/support/read-all-events.js';
import { newEvent } from '../../../../test/support/event-store.contract.js';
import { formatCheckpoint, signCheckpoint, verifyCheckpoint } from '../domain/checkpoint.js';
import { CHECKPOINT_SIGNED, CHECKPOINT_STREAM } from '../domain/checkpoint-event.js';
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
  TEST_ORIGIN,
  testPrivateKey,
  testSigner,
} from '../testing/ledger-harness.js';
import { DisputeBundleExportService } from './dispute-bundle-export.service.js';
import { LedgerSigner } from './ledger-signer.js';
import {
  EventNotInLedgerError,
  LedgerOutOfStepError,
  LedgerRangeError,
  RevisionRangeError,
} from './ledger.errors.js';

/** The log an independent party computes from the events: RFC 9162 over their leaves. */
function expectedLog(events: readonly StoredEvent[]): MerkleLog {
  const log = new MerkleLog(new InMemoryMerkleNodeStore());
  log.appendAll(events.map(eventLeafHash));
  return log;
}

const hashes = (hex: readonly string[]): Uint8Array[] => hex.map((h) => hashFromHex(h)!);

/** Waits until the ledger holds every event the store holds now (published checkpoints too). */
async function caughtUp(store: EventStore, running: RunningLedger): Promise<void> {
  const last = (await readAllEvents(store)).at(-1);
  if (last) await running.service.waitFor(last.position);
}

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

    const events = await readAllEvents(store);
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
    const signed = verifyCheckpoint(
      (await running.service.signCheckpoint()).note,
      testSigner.publicKey,
    );
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
    const before = await running.service.signCheckpoint();
    await running.close();
    running = null;
    await givenHistory(store, 300);

    running = await startLedger(dir.path, store);

    // 600 events and the published checkpoint.
    const events = await readAllEvents(store);
    expect(events).toHaveLength(601);
    expect(running.service.size).toBe(601);
    const leafIds = running.storage.leaves(0, 1000).map((l) => l.eventId);
    expect(new Set(leafIds).size).toBe(601);
    expect(leafIds).toEqual(events.map((e) => e.id));
    const latest = verifyCheckpoint(
      (await running.service.signCheckpoint()).note,
      testSigner.publicKey,
    );
    expect(toHex(latest.rootHash)).toBe(toHex(expectedLog(events).root()));
    // The old checkpoint is kept, and the new log extends it.
    const proof = running.service.consistencyProof(before.treeSize, latest.treeSize);
    const old = verifyCheckpoint(before.note, testSigner.publicKey);
    expect(verifyConsistency(300, 601, hashes(proof.proof), old.rootHash, latest.rootHash)).toBe(
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

  it('rebuilds from zero to the same root, so old checkpoints still hold, and keeps them again from the store', async () => {
    await givenHistory(store, 250);
    running = await startLedger(dir.path, store);
    const kept = await running.service.signCheckpoint();
    const signed = verifyCheckpoint(kept.note, testSigner.publicKey);
    await running.close();
    running = null;
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(join(dir.path, `ledger.sqlite${suffix}`), { force: true });

    running = await startLedger(dir.path, store);

    // 250 events and the published checkpoint, which the rebuilt ledger kept again.
    expect(running.service.size).toBe(251);
    expect(toHex(new MerkleLog(running.storage).root(250))).toBe(toHex(signed.rootHash));
    expect(running.storage.checkpoints()).toEqual([kept]);
  });

  it('given a ledger file that lost its last batches (a power cut before they reached the disk), derives the same leaves and checkpoints again', async () => {
    const files = ['', '-wal', '-shm'].map((suffix) => join(dir.path, `ledger.sqlite${suffix}`));
    const saved = (file: string) => `${file}.saved`;
    await givenHistory(store, 200);
    running = await startLedger(dir.path, store);
    await running.close();
    running = null;
    for (const file of files) if (existsSync(file)) copyFileSync(file, saved(file));

    running = await startLedger(dir.path, store);
    await givenHistory(store, 200);
    await running.service.signCheckpoint();
    await caughtUp(store, running);
    const root = toHex(new MerkleLog(running.storage).root());
    const checkpoints = running.storage.checkpoints();
    await running.close();
    running = null;
    for (const file of files) {
      rmSync(file, { force: true });
      if (existsSync(saved(file))) copyFileSync(saved(file), file);
    }

    running = await startLedger(dir.path, store);
    await caughtUp(store, running);

    expect(running.service.size).toBe(401);
    expect(toHex(new MerkleLog(running.storage).root())).toBe(root);
    expect(running.storage.checkpoints()).toEqual(checkpoints);
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

  it('signs a checkpoint only when the log has grown; its own publications and lease renewals are not growth', async () => {
    const first = await running.service.signCheckpointIfGrown();
    expect(first).toMatchObject({ treeSize: 40 });
    await caughtUp(store, running);
    expect(running.service.size).toBe(41);
    expect(await running.service.signCheckpointIfGrown()).toBeNull();
    // Lease renewals are housekeeping too: an idle deployment signs nothing more.
    const renewal = await store.appendToStream('lease-background-work', [newEvent('LeaseRenewed')]);
    await running.service.waitFor(renewal.position);
    expect(await running.service.signCheckpointIfGrown()).toBeNull();
    const result = await store.appendToStream('account-acme', [newEvent()]);
    await running.service.waitFor(result.position);
    expect(await running.service.signCheckpointIfGrown()).toMatchObject({ treeSize: 43 });
    expect(running.storage.checkpoints().map((c) => c.treeSize)).toEqual([40, 43]);
  });

  it('publishes every checkpoint it signs to the checkpoint stream, once', async () => {
    const kept = await running.service.signCheckpoint();
    await caughtUp(store, running);

    const published = await store.readStream(CHECKPOINT_STREAM);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      type: CHECKPOINT_SIGNED,
      data: { treeSize: 40, note: kept.note, createdAt: kept.createdAt },
      metadata: { actor: { role: 'system' }, channel: 'system' },
    });
    // Read back from the store, it is not kept a second time.
    expect(running.storage.checkpoints()).toEqual([kept]);
  });

  it('proves an event included in the latest checkpoint, signing one that covers it when needed', async () => {
    const events = await readAllEvents(store);
    const old = await running.service.signCheckpoint();
    const result = await store.appendToStream('account-acme', [newEvent()]);
    await running.service.waitFor(result.position);
    const newest = result.events[0]!;

    const proof = await running.service.inclusionProof(newest.id);

    // Leaf 40 is the published checkpoint `old`; the new event follows it.
    expect(proof).toMatchObject({
      eventId: newest.id,
      leafIndex: 41,
      treeSize: 42,
      position: '42',
    });
    expect(proof.checkpoint).not.toBe(old.note);
    const checkpoint = verifyCheckpoint(proof.checkpoint!, testSigner.publicKey);
    expect(proof.leafHash).toBe(toHex(eventLeafHash(newest)));
    expect(
      verifyInclusion(eventLeafHash(newest), 41, 42, hashes(proof.auditPath), checkpoint.rootHash),
    ).toBe(true);
    // An older event is proven against the latest checkpoint without signing another.
    await caughtUp(store, running);
    const count = running.storage.checkpoints().length;
    const earlier = await running.service.inclusionProof(events[3]!.id.toUpperCase());
    expect(earlier).toMatchObject({ leafIndex: 3, treeSize: 42 });
    expect(running.storage.checkpoints()).toHaveLength(count);
  });

  it('proves inclusion at an earlier tree size, and refuses sizes the log cannot prove', async () => {
    const events = await readAllEvents(store);
    const at = await running.service.inclusionProof(events[5]!.id, 10);
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

    await expect(running.service.inclusionProof(events[5]!.id, 41)).rejects.toThrow(
      LedgerRangeError,
    );
    await expect(running.service.inclusionProof(events[5]!.id, 5)).rejects.toThrow(
      expect.objectContaining({
        details: expect.objectContaining({ field: 'treeSize', leafIndex: 5, treeSize: 5 }),
      }),
    );
    await expect(
      running.service.inclusionProof('00000000-0000-4000-8000-000000000000'),
    ).rejects.toThrow(EventNotInLedgerError);
  });

  it('proves consistency between two signed checkpoints, and names the numbers when it cannot', async () => {
    const old = await running.service.signCheckpoint();
    await givenHistory(store, 25);
    const result = await store.appendToStream('account-acme', [newEvent()]);
    await running.service.waitFor(result.position);
    const newer = await running.service.signCheckpoint();
    await caughtUp(store, running);

    const proof = running.service.consistencyProof(old.treeSize);

    // 40 events, old's own event, 26 more: newer is at 67; its own event makes the log 68.
    expect(proof).toMatchObject({
      from: 40,
      to: 67,
      fromCheckpoint: old.note,
      toCheckpoint: newer.note,
    });
    const a = verifyCheckpoint(old.note, testSigner.publicKey);
    const b = verifyCheckpoint(newer.note, testSigner.publicKey);
    expect(verifyConsistency(40, 67, hashes(proof.proof), a.rootHash, b.rootHash)).toBe(true);
    expect(() => running.service.consistencyProof(50, 40)).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({ field: 'from', from: 50, to: 40 }),
      }),
    );
    expect(() => running.service.consistencyProof(1, 69)).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({ field: 'to', to: 69, logSize: 68 }),
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

describe('checkpoints shared between replicas through the store', () => {
  let dirs: { path: string; remove: () => void }[];
  let store: SqliteEventStore;
  let a: RunningLedger;
  let b: RunningLedger;

  beforeEach(async () => {
    dirs = [tempDir('onrecord-ledger-a-'), tempDir('onrecord-ledger-b-')];
    store = openStore(dirs[0]!.path);
    await givenHistory(store, 40);
    // Two replicas: one event store, each its own ledger.sqlite.
    a = await startLedger(dirs[0]!.path, store);
    b = await startLedger(dirs[1]!.path, store);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await store.close();
    for (const dir of dirs) dir.remove();
  });

  /** Publishes a CheckpointSigned event the way a (mis)configured replica would. */
  async function publish(note: string, treeSize: number): Promise<void> {
    await store.appendToStream(CHECKPOINT_STREAM, [
      newEvent(CHECKPOINT_SIGNED, { treeSize, note, createdAt: new Date().toISOString() }),
    ]);
  }

  it('keeps the checkpoints another replica signed, and does not sign again for them', async () => {
    const signed = await a.service.signCheckpoint();
    await caughtUp(store, b);

    expect(b.service.checkpointAt(40)).toEqual(signed);
    expect(b.service.latestCheckpoint()).toEqual(signed);
    expect(await b.service.signCheckpointIfGrown()).toBeNull();
    // B proves inclusion against A's checkpoint without signing its own.
    const events = await readAllEvents(store);
    const proof = await b.service.inclusionProof(events[7]!.id);
    expect(proof.checkpoint).toBe(signed.note);
    expect(b.storage.checkpoints()).toEqual([signed]);
  });

  it('does not keep a checkpoint signed with another key', async () => {
    const stranger = new LedgerSigner(TEST_ORIGIN, generateKeyPairSync('ed25519').privateKey);
    const root = new MerkleLog(b.storage).root(40);
    const note = stranger.sign(
      formatCheckpoint({
        origin: TEST_ORIGIN,
        treeSize: 40,
        rootHash: root,
        timestamp: new Date(),
      }),
    );
    await publish(note, 40);
    await caughtUp(store, b);

    expect(b.storage.checkpoints()).toEqual([]);
  });

  it("does not keep a checkpoint whose root, or whose size, is not this log's", async () => {
    const noteAt = (treeSize: number, rootSize: number): string =>
      signCheckpoint(
        formatCheckpoint({
          origin: TEST_ORIGIN,
          treeSize,
          rootHash: new MerkleLog(b.storage).root(rootSize),
          timestamp: new Date(),
        }),
        testPrivateKey,
      );
    const good = noteAt(40, 40);
    await publish(noteAt(40, 39), 40);
    await publish(good, 39);
    await caughtUp(store, b);
    expect(b.storage.checkpoints()).toEqual([]);

    await publish(good, 40);
    await caughtUp(store, b);
    expect(b.storage.checkpoints().map((c) => c.note)).toEqual([good]);
  });
});
