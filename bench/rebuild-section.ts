import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchConfig } from './bench-config.js';
import type { SectionResult } from './claims-section.js';
import { ChildSession } from './child-process.js';
import type { SeedRequest, SeedResult } from './history-seeder.js';
import type { RebuildRequest, RebuildResult } from './rebuild-child.js';
import { type Row, formatCount, formatNumber } from './report.js';
import { median } from './stats.js';

/** Section 4's budgets. */
const EVENTS_PER_SECOND = 150_000;
const PEAK_RSS_BYTES = 2 ** 30;

const MIB = 2 ** 20;

/**
 * Section 4: the cross-account read models rebuilt from zero. The store is
 * seeded once (untimed, in its own process); each repetition rebuilds in a
 * fresh process and reports its own time and peak RSS; medians.
 */
export async function rebuildSection(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<SectionResult> {
  const { accounts, eventsPerAccount, years } = config.rebuild;
  const dir = mkdtempSync(join(tmpdir(), 'onrecord-bench-rebuild-store-'));
  try {
    const storeFile = join(dir, 'events.sqlite');
    const seedRequest: SeedRequest = {
      file: storeFile,
      accounts: Array.from({ length: accounts }, (_, i) => ({
        accountId: `rebuild-${i}`,
        events: eventsPerAccount,
      })),
      years,
      // Half a day per group commit: a million events seed in about two minutes instead of three.
      recordedWithinHours: 12,
    };
    log(
      `rebuild: seeding ${formatCount(accounts)} accounts × ${formatCount(eventsPerAccount)} events`,
    );
    const seed = await ChildSession.once<SeedResult>('./seed-child.ts', seedRequest, 60 * 60_000);
    log(`rebuild: seeded ${formatCount(seed.events)} events in ${seed.seconds.toFixed(1)} s`);
    const runs: RebuildResult[] = [];
    let spent = 0;
    while (
      runs.length < config.repetitions &&
      (runs.length === 0 || spent < config.rebuild.maxSeconds)
    ) {
      log(`rebuild: repetition ${runs.length + 1}/${config.repetitions}`);
      const run = await ChildSession.once<RebuildResult>(
        './rebuild-child.ts',
        { storeFile, accountEvents: seed.events } satisfies RebuildRequest,
        60 * 60_000,
      );
      runs.push(run);
      spent += run.seconds;
      log(
        `rebuild: ${formatNumber(run.eventsPerSecond)} ev/s, peak ${formatCount(run.peakRssBytes / MIB)} MiB`,
      );
    }
    return {
      rows: rows(config, seed, runs),
      notes: [
        `rebuild: PortfolioProjection.rebuild() (the portfolio, rep scoreboard and exceptions are one projection) on ${formatCount(seed.events)} events of ${formatCount(accounts)} accounts interleaved in time over ${years} years, seeded through SqliteEventStore in ${seed.seconds.toFixed(0)} s; real SqliteProjectionCheckpoints in a fresh file; wired by hand in a fresh process per run (no Nest container, no HTTP); peak = getrusage maxrss of that process; medians over ${runs.length} run(s) (no new run after ${config.rebuild.maxSeconds} s of rebuilding)`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rows(config: BenchConfig, seed: SeedResult, runs: readonly RebuildResult[]): Row[] {
  const rate = median(runs.map((run) => run.eventsPerSecond));
  const peak = median(runs.map((run) => run.peakRssBytes));
  const before = median(runs.map((run) => run.rssBeforeBytes));
  const judged = config.mode === 'full';
  const workload = `all cross-account read models from zero, ${formatCount(seed.events)} events (${formatCount(config.rebuild.accounts)} accounts)`;
  return [
    {
      section: '4 rebuild',
      workload: `${workload}: events/s`,
      onrecord: `${formatNumber(rate)} ev/s (${formatNumber(seed.events / rate)} s)`,
      peer: '-',
      ratio: '-',
      budget: `≥ ${formatCount(EVENTS_PER_SECOND)} ev/s`,
      verdict: !judged ? 'not judged' : rate >= EVENTS_PER_SECOND ? 'pass' : 'miss',
      values: { unit: 'events/s', median: rate, runs },
    },
    {
      section: '4 rebuild',
      workload: `${workload}: peak RSS of the rebuilding process`,
      onrecord: `${formatCount(peak / MIB)} MiB (${formatCount(before / MIB)} MiB before)`,
      peer: '-',
      ratio: '-',
      budget: '< 1 GiB',
      verdict: !judged ? 'not judged' : peak < PEAK_RSS_BYTES ? 'pass' : 'miss',
      values: { unit: 'bytes', medianPeak: peak, medianBefore: before },
    },
  ];
}
