import type { BenchConfig } from './bench-config.js';
import { askChild } from './child-process.js';
import { type Row, formatCount, formatNumber, formatRatio } from './report.js';
import { median } from './stats.js';
import type { StoreChildReply, StoreChildRequest, StoreChildResult } from './store-child.js';
import { STORE_WORKLOADS, type StoreRun, type StoreWorkload } from './store-workloads.js';

/** Section 1's budgets: a floor on OnRecord / Emmett, or on OnRecord's own rate. */
const BUDGETS: Record<StoreWorkload, { ratio?: number; rate?: number }> = {
  sequential: { ratio: 10 },
  concurrent: { rate: 30_000 },
  batches: { ratio: 3 },
  readStream: { ratio: 3 },
  readAll: { ratio: 3 },
};

async function runSide(
  side: StoreChildRequest['side'],
  config: BenchConfig,
): Promise<StoreChildResult> {
  const reply = await askChild<StoreChildReply>(
    './store-child.ts',
    { side, sizes: config.store } satisfies StoreChildRequest,
    15 * 60_000,
  );
  if (!reply.ok) throw new Error(`${side} store run failed: ${reply.error}`);
  return reply;
}

function workloadLabel(workload: StoreWorkload, config: BenchConfig): string {
  const s = config.store;
  const sizes: Record<StoreWorkload, string> = {
    sequential: `${formatCount(s.sequentialAppends)} appends, ${formatCount(s.streams)} streams`,
    concurrent: `${s.concurrentWriters} writers, ${formatCount(s.concurrentAppends)} appends`,
    batches: `${s.batches} × ${s.batchSize} events`,
    readStream: `${formatCount(s.longStream)} events`,
    readAll: `pages of ${formatCount(s.readAllPage)}`,
  };
  return `${STORE_WORKLOADS[workload]} (${sizes[workload]})`;
}

/**
 * Section 1: each repetition runs both sides in fresh processes, alternating
 * which goes first so neither always gets the cooler disk or the warmer page
 * cache; the table shows the median of each side over the repetitions.
 */
export async function storeSection(
  config: BenchConfig,
  withPeer: boolean,
  log: (line: string) => void,
): Promise<{ rows: Row[]; sides: Record<string, Record<string, string>> }> {
  const runs: { onrecord: StoreRun[]; emmett: StoreRun[] } = { onrecord: [], emmett: [] };
  const disk: number[] = [];
  for (let r = 0; r < config.repetitions; r++) {
    const order: Array<'onrecord' | 'emmett'> =
      r % 2 === 0 ? ['onrecord', 'emmett'] : ['emmett', 'onrecord'];
    for (const side of order) {
      if (side === 'emmett' && !withPeer) continue;
      log(`store: repetition ${r + 1}/${config.repetitions}, ${side}`);
      const result = await runSide(side, config);
      runs[side].push(result.run);
      if (result.diskCommitsPerSecond !== null) disk.push(result.diskCommitsPerSecond);
    }
  }

  const rows = (Object.keys(STORE_WORKLOADS) as StoreWorkload[]).map((workload): Row => {
    const ours = runs.onrecord.map((run) => run.eventsPerSecond[workload]);
    const theirs = runs.emmett.map((run) => run.eventsPerSecond[workload]);
    const oursMedian = median(ours);
    const theirsMedian = theirs.length > 0 ? median(theirs) : null;
    const ratio = theirsMedian ? oursMedian / theirsMedian : null;
    const budget = BUDGETS[workload];
    let verdict: Row['verdict'] = 'not judged';
    if (config.mode === 'full') {
      if (budget.rate !== undefined) verdict = oursMedian >= budget.rate ? 'pass' : 'miss';
      else if (budget.ratio !== undefined && ratio !== null)
        verdict = ratio >= budget.ratio ? 'pass' : 'miss';
    }
    return {
      section: '1 store',
      workload: workloadLabel(workload, config),
      onrecord: `${formatNumber(oursMedian)} ev/s`,
      peer: theirsMedian === null ? 'skipped (smoke)' : `${formatNumber(theirsMedian)} ev/s`,
      ratio: ratio === null ? '-' : formatRatio(ratio),
      budget:
        budget.rate !== undefined
          ? `≥ ${formatNumber(budget.rate)} ev/s`
          : `≥ ${formatRatio(budget.ratio ?? 0)}`,
      verdict,
      values: {
        unit: 'events/s',
        onrecordMedian: oursMedian,
        onrecordSamples: ours,
        emmettMedian: theirsMedian,
        emmettSamples: theirs,
        ratio,
      },
    };
  });
  const diskMedian = median(disk);
  rows.splice(1, 0, {
    section: '1 store',
    workload: "(a) context: this disk's durable 1-row commits (bare better-sqlite3)",
    onrecord: `${formatNumber(diskMedian)} commits/s`,
    peer: '-',
    ratio: '-',
    budget: 'ceiling of (a) on both sides',
    verdict: 'not judged',
    values: { unit: 'commits/s', median: diskMedian, samples: disk },
  });
  const sides: Record<string, Record<string, string>> = {};
  if (runs.onrecord[0]) sides['onrecord'] = runs.onrecord[0].side;
  if (runs.emmett[0]) sides['emmett'] = runs.emmett[0].side;
  return { rows, sides };
}
