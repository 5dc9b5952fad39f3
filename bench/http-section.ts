import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { standardPolicy } from '../test/fixtures/policies.js';
import {
  API_ENTRY,
  MANAGER_KEY,
  type RunningServer,
  postJson,
  registerActor,
  startRealApi,
  stopChild,
} from './api-process.js';
import type { BenchConfig } from './bench-config.js';
import { askChild, forkTs } from './child-process.js';
import type { LoadReply, LoadRequest, LoadResult } from './load-child.js';
import { type Row, formatNumber, formatRatio } from './report.js';
import { median } from './stats.js';

/** Section 2's budgets. */
const THROUGHPUT_SHARE = 0.6;
const P99_MS = 30;

/** A quote comfortably above the 22% GP floor: issued (201), never refused. */
function quoteBody(now: Date): string {
  const validUntil = new Date(now.getTime() + 60 * 86_400_000).toISOString().slice(0, 10);
  return JSON.stringify({
    channel: 'phone',
    counterparty: { contactId: 'pat-buyer', name: 'Pat Buyer' },
    currency: 'USD',
    lines: [
      { sku: 'W-1', quantity: 100, unitPriceMinor: 1200, unitCostMinor: 850 },
      { sku: 'W-2', quantity: 20, unitPriceMinor: 4500, unitCostMinor: 3000 },
    ],
    validUntil,
    terms: 'Net 30, FOB origin',
  });
}

async function startBareApi(): Promise<RunningServer> {
  const child = forkTs('./bare-api.ts');
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the bare API exited with ${code}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/** A sales rep, the standard policy and the accounts the load writes to. */
async function seed(origin: string, accounts: number): Promise<{ key: string; paths: string[] }> {
  const key = await registerActor(origin, { id: 'bench-sales', role: 'sales' });
  await postJson(origin, '/policies', MANAGER_KEY, { policy: standardPolicy, note: 'bench' });
  const ids = Array.from({ length: accounts }, (_, i) => `bench-${i}`);
  for (let i = 0; i < ids.length; i += 25) {
    await Promise.all(
      ids.slice(i, i + 25).map((accountId) =>
        postJson(origin, '/accounts', key, {
          channel: 'meeting',
          accountId,
          name: `Bench account ${accountId}`,
          ownerId: 'bench-sales',
          serviceRepIds: [],
          segment: 'industrial',
        }),
      ),
    );
  }
  return { key, paths: ids.map((id) => `/accounts/${id}/quotes`) };
}

async function load(
  origin: string,
  base: Omit<LoadRequest, 'origin' | 'seconds'>,
  seconds: number,
): Promise<LoadResult> {
  const reply = await askChild<LoadReply>(
    './load-child.ts',
    { ...base, origin, seconds } satisfies LoadRequest,
    (seconds + 60) * 1000,
  );
  if (!reply.ok) throw new Error(`load generator failed: ${reply.error}`);
  return reply.result;
}

const rate = (result: LoadResult) => result.ok / result.seconds;

/**
 * Section 2: recorded quotes per second through the whole stack (bearer key,
 * validation, policy decision, hash chain, fsynced append) against the same
 * route's ceiling with validation only, each measured `repetitions` times,
 * alternating, in the same run; medians.
 */
export async function httpSection(
  config: BenchConfig,
  engine: LoadRequest['engine'],
  log: (line: string) => void,
): Promise<Row[]> {
  if (!existsSync(API_ENTRY)) throw new Error(`${API_ENTRY} is missing: run npm run build`);
  const dataDir = mkdtempSync(join(tmpdir(), 'onrecord-bench-api-'));
  const servers: RunningServer[] = [];
  try {
    const real = await startRealApi(dataDir);
    servers.push(real);
    const bare = await startBareApi();
    servers.push(bare);
    log(`http: seeding ${config.http.accounts} accounts`);
    const { key, paths } = await seed(real.origin, config.http.accounts);
    const base: Omit<LoadRequest, 'origin' | 'seconds'> = {
      method: 'POST',
      paths,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: quoteBody(new Date()),
      connections: config.http.connections,
      maxRequests: config.http.maxRequests,
      engine,
    };
    const runs: { real: LoadResult[]; bare: LoadResult[] } = { real: [], bare: [] };
    for (const [name, server] of [
      ['bare', bare],
      ['real', real],
    ] as const) {
      log(`http: warming up ${name}`);
      await load(server.origin, base, config.http.warmupSeconds);
    }
    for (let r = 0; r < config.repetitions; r++) {
      for (const [name, server] of [
        ['bare', bare],
        ['real', real],
      ] as const) {
        log(`http: repetition ${r + 1}/${config.repetitions}, ${name}`);
        const result = await load(server.origin, base, config.http.seconds);
        if (result.non2xx > 0 || result.errors > 0) {
          log(`http: ${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
        }
        runs[name].push(result);
      }
    }
    return rows(config, runs);
  } finally {
    for (const server of servers.reverse()) await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function rows(config: BenchConfig, runs: { real: LoadResult[]; bare: LoadResult[] }): Row[] {
  const realRate = median(runs.real.map(rate));
  const bareRate = median(runs.bare.map(rate));
  const share = realRate / bareRate;
  const p50 = median(runs.real.map((run) => run.latencyMs.p50));
  const p99 = median(runs.real.map((run) => run.latencyMs.p99));
  const bareP50 = median(runs.bare.map((run) => run.latencyMs.p50));
  const bareP99 = median(runs.bare.map((run) => run.latencyMs.p99));
  const failed = runs.real.some((run) => run.non2xx > 0 || run.errors > 0);
  const judged = config.mode === 'full';
  const connections = `${config.http.connections} connections`;
  const samples = (list: LoadResult[]) => list.map((run) => ({ ...run, perSecond: rate(run) }));
  return [
    {
      section: '2 http',
      workload: `recorded quotes/s, POST /accounts/:id/quotes, ${connections}`,
      onrecord: `${formatNumber(realRate)} req/s`,
      peer: `${formatNumber(bareRate)} req/s (bare route)`,
      ratio: `${(share * 100).toFixed(0)}% (${formatRatio(share)})`,
      budget: `≥ ${THROUGHPUT_SHARE * 100}% of bare`,
      verdict: !judged ? 'not judged' : share >= THROUGHPUT_SHARE && !failed ? 'pass' : 'miss',
      values: {
        unit: '2xx responses/s',
        onrecordMedian: realRate,
        bareMedian: bareRate,
        share,
        engine: runs.real[0]?.engine,
        real: samples(runs.real),
        bare: samples(runs.bare),
      },
    },
    {
      section: '2 http',
      workload: `latency p50 / p99, ${connections}`,
      onrecord: `${formatNumber(p50)} / ${formatNumber(p99)} ms`,
      peer: `${formatNumber(bareP50)} / ${formatNumber(bareP99)} ms (bare route)`,
      ratio: '-',
      budget: `p99 < ${P99_MS} ms`,
      verdict: !judged ? 'not judged' : p99 < P99_MS ? 'pass' : 'miss',
      values: { unit: 'ms', p50, p99, bareP50, bareP99 },
    },
  ];
}
