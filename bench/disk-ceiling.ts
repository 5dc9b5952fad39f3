import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * How many durable commits per second this disk allows at all: one small row
 * per transaction, WAL, synchronous=FULL, nothing else. No store can ack
 * single-event appends awaited one by one faster than this, which is what
 * bounds the ratio of workload (a) whatever either side does.
 */
export function durableCommitsPerSecond(dir: string, commits: number): number {
  const db = new Database(join(dir, 'ceiling.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const insert = db.prepare<[string]>('INSERT INTO t (v) VALUES (?)');
    const row = 'x'.repeat(700);
    const start = process.hrtime.bigint();
    for (let i = 0; i < commits; i++) {
      db.exec('BEGIN IMMEDIATE');
      insert.run(row);
      db.exec('COMMIT');
    }
    return commits / (Number(process.hrtime.bigint() - start) / 1e9);
  } finally {
    db.close();
  }
}
