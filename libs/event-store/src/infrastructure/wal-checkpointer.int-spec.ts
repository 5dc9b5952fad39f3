import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { SqliteEventStore } from './sqlite-event-store.js';
import { newEvent } from '../../../../test/support/event-store.contract.js';

const ROOT = join(import.meta.dirname, '../../../..');

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function walDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  return db;
}

const autocheckpoint = (db: Database.Database) =>
  db.pragma('wal_autocheckpoint', { simple: true }) as number;

describe('WAL checkpoints off the event loop', () => {
  it('given a checkpointer, the connection no longer checkpoints in its commits, and the worker copies committed pages into the database file', async () => {
    const dir = tempDir('onrecord-checkpoint-');
    const file = join(dir.path, 'rows.sqlite');
    const db = walDatabase(file);
    const checkpointer = new WalCheckpointer(db, file);
    try {
      expect(autocheckpoint(db)).toBe(0);
      const before = statSync(file).size;

      const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
      db.transaction(() => {
        for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(1_000));
      })();
      checkpointer.committed();

      await eventually(() => statSync(file).size > before + 1_000_000);
    } finally {
      await checkpointer.stop();
      db.close();
      dir.remove();
    }
  });

  it('given a worker that cannot open the file, the connection checkpoints again as SQLite does by default', async () => {
    const dir = tempDir('onrecord-checkpoint-');
    const db = walDatabase(join(dir.path, 'rows.sqlite'));
    const checkpointer = new WalCheckpointer(db, join(dir.path, 'missing', 'rows.sqlite'));
    try {
      expect(autocheckpoint(db)).toBe(0);

      await eventually(() => autocheckpoint(db) === 1_000);
    } finally {
      await checkpointer.stop();
      db.close();
      dir.remove();
    }
  });

  it('given a script whose last work is closing the store, when it awaits close(), then it runs on after it', () => {
    const dir = tempDir('onrecord-checkpoint-');
    try {
      const script = `
        const { SqliteEventStore } = await import(${JSON.stringify(join(import.meta.dirname, '../index.ts'))});
        const store = new SqliteEventStore({ file: ${JSON.stringify(join(dir.path, 'events.sqlite'))} });
        await store.appendToStream('account-1', [{
          id: crypto.randomUUID(), type: 'PromiseMade', data: {},
          metadata: { occurredAt: '2026-11-20T14:05:00.000Z', actor: { id: 'sam', role: 'sales' } },
        }]);
        await store.close();
        process.stdout.write('closed');
      `;

      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { cwd: ROOT, encoding: 'utf8', timeout: 30_000 },
      );

      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: 'closed' });
    } finally {
      dir.remove();
    }
  }, 40_000);

  it('given a store that wrote past the checkpoint threshold, a reopened store reads every event back, and closing leaves no WAL behind', async () => {
    const dir = tempDir('onrecord-checkpoint-');
    const file = join(dir.path, 'events.sqlite');
    try {
      const store = new SqliteEventStore({ file });
      for (let batch = 0; batch < 20; batch++) {
        const events = Array.from({ length: 200 }, (_, i) =>
          newEvent('PromiseMade', { text: `promise ${batch}-${i} `.padEnd(600, '.') }),
        );
        await store.appendToStream('account-long', events, {
          expectedRevision: batch === 0 ? 'no_stream' : batch * 200 - 1,
        });
      }
      await store.close();
      expect(() => statSync(`${file}-wal`)).toThrow();

      const reopened = new SqliteEventStore({ file });
      const events = await reopened.readStream('account-long');
      await reopened.close();
      expect(events).toHaveLength(4_000);
      expect(events[3_999]!.revision).toBe(3_999);
    } finally {
      dir.remove();
    }
  }, 30_000);
});
