import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteEventStore } from '@onrecord/event-store';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { SqliteMerkleNodeStore } from '../infrastructure/sqlite-merkle-node-store.js';
import {
  type RunningLedger,
  givenHistory,
  openStore,
  startLedger,
  testSigner,
} from '../testing/ledger-harness.js';
import { LedgerSigner } from './ledger-signer.js';
import { type StoreVerification, verifyLedgerStore } from './verify-ledger-store.js';

describe('verifying a whole data directory', () => {
  let dir: { path: string; remove: () => void };
  let store: SqliteEventStore;

  /**
   * Given 30 events, a checkpoint at 20 and one at 31 (each published as an
   * event of its own: 32 events), the ledger caught up and closed.
   */
  beforeEach(async () => {
    dir = tempDir('onrecord-verify-store-');
    store = openStore(dir.path);
    await givenHistory(store, 20);
    const ledger = await startLedger(dir.path, store);
    await ledger.service.signCheckpoint();
    await givenHistory(store, 10);
    await caughtUp(ledger);
    await ledger.service.signCheckpoint();
    await caughtUp(ledger);
    await ledger.close();
  });

  async function caughtUp(ledger: RunningLedger): Promise<void> {
    const last = await store.readAll({ direction: 'backwards', maxCount: 1 });
    await ledger.service.waitFor(last[0]!.position);
  }
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  async function verify(publicKey = testSigner.publicKeyPem): Promise<StoreVerification> {
    const ledger = new SqliteMerkleNodeStore({
      file: join(dir.path, 'ledger.sqlite'),
      readonly: true,
    });
    try {
      return await verifyLedgerStore(store, ledger, { publicKey });
    } finally {
      ledger.close();
    }
  }

  /** Edits ledger.sqlite directly, as someone with disk access could. */
  function editLedger(sql: string, ...params: unknown[]): void {
    const db = new Database(join(dir.path, 'ledger.sqlite'));
    db.prepare(sql).run(...params);
    db.close();
  }

  it('given untouched files, holds: every chain, every checkpoint, every leaf', async () => {
    expect(await verify()).toMatchObject({
      ok: true,
      failures: [],
      events: 32,
      streams: 5,
      checkpoints: 2,
      latestCheckpoint: { treeSize: 31 },
      // The latest checkpoint's own publication: no checkpoint can cover itself.
      eventsAfterCheckpoint: 1,
    });
  });

  it('given another key, says no checkpoint verifies', async () => {
    const other = new LedgerSigner(
      'onrecord.test/ledger',
      generateKeyPairSync('ed25519').privateKey,
    );
    const result = await verify(other.publicKeyPem);
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => f.check)).toEqual(['checkpoint', 'checkpoint']);
  });

  it("given the newest events deleted from the store, which leaves every stream's chain whole, the log shows it", async () => {
    // The latest checkpoint's publication and the account event before it: each its stream's last.
    const victims = await store.readAll({ direction: 'backwards', maxCount: 2 });
    const raw = new Database(join(dir.path, 'events.sqlite'));
    for (const victim of victims) raw.prepare('DELETE FROM events WHERE id = ?').run(victim.id);
    raw.close();

    const result = await verify();

    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => f.check)).not.toContain('chain');
    expect(result.failures.map((f) => f.check)).toEqual(
      expect.arrayContaining(['ledger-leaf', 'checkpoint-size']),
    );
    expect(result.failures.find((f) => f.check === 'checkpoint-size')).toMatchObject({
      treeSize: 31,
    });
  });

  it("given a leaf of the ledger's table pointing at another event, names that event", async () => {
    const events = await store.readAll({ maxCount: 32 });
    // An id no stored event has (stored ids are random v4 UUIDs, never all zeros).
    editLedger(
      'UPDATE leaves SET event_id = ? WHERE leaf_index = 7',
      '00000000-0000-4000-8000-000000000000',
    );

    const result = await verify();

    expect(result.failures).toEqual([
      expect.objectContaining({ check: 'ledger-leaf', eventId: events[7]!.id }),
    ]);
  });

  it("given an interior node of the ledger's tree altered, says its proofs cannot be trusted", async () => {
    editLedger(
      'UPDATE merkle_nodes SET hash = ? WHERE level = 2 AND node_index = 1',
      Buffer.alloc(32),
    );

    const result = await verify();

    expect(result.failures).toEqual([
      expect.objectContaining({
        check: 'ledger-tree',
        reason: expect.stringContaining('level 2, index 1 (leaves 4..7)'),
      }),
    ]);
  });

  it('given a checkpoint row whose note was forged, names that checkpoint', async () => {
    editLedger(
      "UPDATE checkpoints SET note = replace(note, char(10) || '20' || char(10), char(10) || '19' || char(10)) WHERE tree_size = 20",
    );

    const result = await verify();

    expect(result.failures).toEqual([
      expect.objectContaining({ check: 'checkpoint', treeSize: 20 }),
    ]);
  });
});
