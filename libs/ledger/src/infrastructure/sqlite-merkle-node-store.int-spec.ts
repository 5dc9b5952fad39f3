import { join } from 'node:path';
import { tempDir } from '../../../../test/support/temp-dir.js';
import type { LeafRecord } from '../application/ledger-storage.port.js';
import { merkleNodeStoreContract } from '../testing/merkle-node-store.contract.js';
import { SqliteMerkleNodeStore } from './sqlite-merkle-node-store.js';

merkleNodeStoreContract(
  'SQLite file',
  () => {
    const dir = tempDir('onrecord-ledger-nodes-');
    const file = join(dir.path, 'ledger.sqlite');
    let current: SqliteMerkleNodeStore | null = null;
    const open = (): SqliteMerkleNodeStore => (current = new SqliteMerkleNodeStore({ file }));
    return {
      open,
      reopen: () => {
        current?.close();
        return open();
      },
      dispose: () => {
        current?.close();
        dir.remove();
      },
    };
  },
  { durable: true },
);

describe('the ledger file beyond the nodes', () => {
  let dir: { path: string; remove: () => void };
  let file: string;
  beforeEach(() => {
    dir = tempDir('onrecord-ledger-file-');
    file = join(dir.path, 'ledger.sqlite');
  });
  afterEach(() => dir.remove());

  const leaf = (leafIndex: number): LeafRecord => ({
    leafIndex,
    eventId: `00000000-0000-4000-8000-${String(leafIndex).padStart(12, '0')}`,
    streamId: 'account-acme',
    revision: leafIndex,
    position: String(leafIndex + 1),
  });

  it('keeps leaves and every checkpoint across a reopen', () => {
    const ledger = new SqliteMerkleNodeStore({ file });
    ledger.addLeaves([leaf(0), leaf(1)]);
    ledger.addLeaves([leaf(2)]);
    ledger.addCheckpoint({ treeSize: 2, note: 'note a\n', createdAt: '2026-03-02T09:00:00.000Z' });
    ledger.addCheckpoint({ treeSize: 3, note: 'note b\n', createdAt: '2026-03-02T09:01:00.000Z' });
    ledger.addCheckpoint({ treeSize: 3, note: 'note c\n', createdAt: '2026-03-02T09:02:00.000Z' });
    ledger.close();

    const reopened = new SqliteMerkleNodeStore({ file, readonly: true });
    try {
      expect(reopened.lastLeaf()).toEqual(leaf(2));
      expect(reopened.leafOf(leaf(1).eventId)).toEqual(leaf(1));
      expect(reopened.leaves(1, 10)).toEqual([leaf(1), leaf(2)]);
      expect(reopened.latestCheckpoint()?.note).toBe('note c\n');
      expect(reopened.checkpointAt(3)?.note).toBe('note c\n');
      expect(reopened.checkpointAt(2)?.note).toBe('note a\n');
      expect(reopened.checkpointAt(1)).toBeNull();
      expect(reopened.checkpoints().map((c) => c.note)).toEqual([
        'note a\n',
        'note b\n',
        'note c\n',
      ]);
    } finally {
      reopened.close();
    }
  });

  it('refuses leaves that do not continue the table, writing none of the batch', () => {
    const ledger = new SqliteMerkleNodeStore({ file });
    try {
      ledger.addLeaves([leaf(0)]);
      expect(() => ledger.addLeaves([leaf(1), leaf(3)])).toThrow(
        /does not follow the ledger's last leaf 1/,
      );
      expect(() => ledger.addLeaves([{ ...leaf(1), eventId: leaf(0).eventId }])).toThrow();
      expect(ledger.lastLeaf()).toEqual(leaf(0));
    } finally {
      ledger.close();
    }
  });

  it('rolls back nodes and leaves together, and restores the size it reports', () => {
    const ledger = new SqliteMerkleNodeStore({ file });
    try {
      expect(() =>
        ledger.transaction(() => {
          ledger.put([{ level: 0, index: 0, hash: new Uint8Array(32) }], 1);
          ledger.addLeaves([leaf(5)]);
        }),
      ).toThrow();
      expect(ledger.size()).toBe(0);
      expect(ledger.get(0, 0)).toBeUndefined();
      expect(ledger.lastLeaf()).toBeNull();
    } finally {
      ledger.close();
    }
  });

  it('opened read-only, writes nothing and never creates a missing file', () => {
    new SqliteMerkleNodeStore({ file }).close();
    const readonly = new SqliteMerkleNodeStore({ file, readonly: true });
    try {
      expect(() => readonly.addLeaves([leaf(0)])).toThrow(/readonly/i);
    } finally {
      readonly.close();
    }
    expect(
      () => new SqliteMerkleNodeStore({ file: join(dir.path, 'missing.sqlite'), readonly: true }),
    ).toThrow();
  });
});
