import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** SQLite's default, restored on the store's own connection if the worker is lost. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * Plain CommonJS, evaluated by the worker, so it runs the same from the
 * sources (tsx, jest) and from dist/.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    process.exit(0);
  }
  db.pragma('wal_checkpoint(PASSIVE)');
  parentPort.postMessage('checkpointed');
});
`;

/**
 * Runs the WAL checkpoints of a store's file on a worker thread with its own
 * connection, instead of inside a group commit on the event loop.
 *
 * Left to SQLite, every commit that takes the WAL past 1,000 pages runs the
 * checkpoint itself: it copies the WAL into the database file and fsyncs it
 * before COMMIT returns. That held the event loop for 10–25 ms about every
 * 600 single-event appends, and accounted for most of the time spent in
 * COMMIT (see README, Performance).
 *
 * Durability does not change. Every append is still fsynced to the WAL
 * before it is acknowledged (synchronous=FULL on the store's connection),
 * and a checkpoint only copies frames that are already durable. Crash
 * recovery does not care which connection checkpoints:
 * - A crash in the middle of a checkpoint leaves the WAL intact, and the next
 *   open replays it.
 * - A PASSIVE checkpoint never waits for the writer and never blocks it.
 * - The WAL is truncated or rewound only by SQLite, and only after a
 *   checkpoint has copied every frame into the database file and fsynced it.
 * - Readers see what they saw before: committed transactions, read through
 *   the WAL index, whether or not they have been checkpointed yet.
 *
 * If the worker fails or exits, the store's own connection checkpoints again
 * as SQLite does by default, so the WAL never grows without bound.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private running = false;
  private wanted = false;
  private lost = false;
  private readonly exited: Promise<void>;

  constructor(
    private readonly db: Database.Database,
    file: string,
  ) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
    });
    this.worker.unref();
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.fallBack();
        resolve();
      }),
    );
    this.worker.on('error', () => this.fallBack());
    this.worker.on('message', () => {
      this.running = false;
      if (this.wanted) this.committed();
    });
    db.pragma('wal_autocheckpoint = 0');
  }

  /** Called after each commit. One checkpoint runs at a time; commits during it ask for the next. */
  committed(): void {
    if (this.lost) return;
    if (this.running) {
      this.wanted = true;
      return;
    }
    this.running = true;
    this.wanted = false;
    this.worker.postMessage('checkpoint');
  }

  /** Before the store's connection closes; that close then runs the last checkpoint itself. */
  async stop(): Promise<void> {
    // Unreferenced, the worker would let the process exit while close() still waits for it.
    this.worker.ref();
    if (!this.lost) this.worker.postMessage('stop');
    await this.exited;
  }

  private fallBack(): void {
    if (this.lost) return;
    this.lost = true;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  }
}
