import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreSizes } from './bench-config.js';
import { durableCommitsPerSecond } from './disk-ceiling.js';
import { EmmettSide, OnRecordSide, type StoreUnderTest } from './store-sides.js';
import { type StoreRun, runStoreWorkloads } from './store-workloads.js';

/**
 * One side, one repetition, in a process of its own on a fresh data
 * directory: no JIT, heap or page-cache state carries over between sides.
 * The parent sends `{ side, sizes }` and gets a StoreRun back over IPC
 * (stdout is left to the libraries, which may print).
 */
export interface StoreChildRequest {
  readonly side: 'onrecord' | 'emmett';
  readonly sizes: StoreSizes;
}

export interface StoreChildResult {
  readonly run: StoreRun;
  /** Measured by the OnRecord process only: the disk's durable 1-row commits per second. */
  readonly diskCommitsPerSecond: number | null;
}

export type StoreChildReply = ({ ok: true } & StoreChildResult) | { ok: false; error: string };

async function main(request: StoreChildRequest): Promise<StoreChildResult> {
  const dir = mkdtempSync(join(tmpdir(), `onrecord-bench-${request.side}-`));
  try {
    const side: StoreUnderTest =
      request.side === 'onrecord' ? new OnRecordSide(dir) : await EmmettSide.open(dir);
    try {
      const run = await runStoreWorkloads(side, request.sizes);
      const diskCommitsPerSecond =
        request.side === 'onrecord'
          ? durableCommitsPerSecond(dir, request.sizes.sequentialAppends)
          : null;
      return { run, diskCommitsPerSecond };
    } finally {
      await side.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.once('message', (request: StoreChildRequest) => {
  main(request).then(
    (result) =>
      process.send?.({ ok: true, ...result } satisfies StoreChildReply, () => process.exit(0)),
    (error: unknown) =>
      process.send?.(
        {
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies StoreChildReply,
        () => process.exit(1),
      ),
  );
});
