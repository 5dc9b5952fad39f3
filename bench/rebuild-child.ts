import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '@onrecord/kernel';
import { SqliteEventStore } from '@onrecord/event-store';
import { PortfolioProjection, SqliteProjectionCheckpoints } from '@onrecord/claims';
import { answerParent } from './child-process.js';

/**
 * One rebuild of the cross-account read models in a fresh process, so its
 * peak RSS is the rebuild's own: the real PortfolioProjection (portfolio
 * accounts, rep scoreboard, exceptions — one projection) on the seeded
 * store, with its real SQLite checkpoints in a fresh file, wired by hand as
 * ClaimsModule wires it. No Nest container and no HTTP server: nothing else
 * competes for the event loop.
 */
export interface RebuildRequest {
  readonly storeFile: string;
  /** Account events the store holds: the rebuild must apply exactly these. */
  readonly accountEvents: number;
}

export interface RebuildResult {
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly applied: number;
  readonly skipped: number;
  readonly accounts: number;
  /** RSS with the store open and the modules loaded, before the rebuild. */
  readonly rssBeforeBytes: number;
  /** The process's peak RSS (getrusage maxrss) after the rebuild. */
  readonly peakRssBytes: number;
}

async function rebuild(request: RebuildRequest): Promise<RebuildResult> {
  const dir = mkdtempSync(join(tmpdir(), 'onrecord-bench-rebuild-'));
  const store = new SqliteEventStore({ file: request.storeFile });
  const checkpoints = new SqliteProjectionCheckpoints(join(dir, 'projections.sqlite'));
  const projection = new PortfolioProjection(store, checkpoints, new SystemClock());
  try {
    const rssBeforeBytes = process.memoryUsage.rss();
    const started = process.hrtime.bigint();
    const status = await projection.rebuild();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (status.events !== request.accountEvents || !status.caughtUp) {
      throw new Error(
        `the rebuild applied ${status.events} events (caught up: ${status.caughtUp}), the store holds ${request.accountEvents}`,
      );
    }
    return {
      seconds,
      eventsPerSecond: status.events / seconds,
      applied: status.events,
      skipped: status.skipped,
      accounts: projection.model.accounts.size,
      rssBeforeBytes,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    await projection.onModuleDestroy();
    projection.onApplicationShutdown();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

answerParent<RebuildRequest, RebuildResult>(rebuild, { once: true });
