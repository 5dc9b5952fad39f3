import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStoreConfig } from '@onrecord/event-store';
import { BENCH_SALES } from './account-history.js';
import { API_ENTRY, getJson, registerActor, startRealApi } from './api-process.js';
import type { BenchConfig } from './bench-config.js';
import { ChildSession } from './child-process.js';
import type { SeedRequest, SeedResult } from './history-seeder.js';
import type { LatencyCall, LatencyRequest, LatencySeries, SeriesResult } from './latency-child.js';
import { type Row, formatCount, formatNumber } from './report.js';
import { percentile } from './stats.js';

/** Section 3's budgets: p99 at this account size, and how p50 may grow with the history. */
const JUDGED_AT_EVENTS = 10_000;
const CLAIM_CHECK_P99_MS = 5;
const AS_OF_P99_MS = 20;
/** p50 ∝ n^k between the two largest accounts: flat allows a little noise, linear a little more. */
const FLAT_EXPONENT = 0.2;
const LINEAR_EXPONENT = 1.1;

type Kind = 'claim check' | 'as-of';

export interface SectionResult {
  readonly rows: Row[];
  readonly notes: string[];
}

const accountIdOf = (events: number): string => `claims-${events}`;

/**
 * Claims a desk checks while the customer is on the line, all scoped to one
 * order (the index answers those without reading the rest of the history):
 * freight, payment terms and a delivery date, over the account's orders.
 */
function claimCalls(events: number): LatencyCall[] {
  const orders = Math.max(1, Math.floor(events / 12));
  const path = `/accounts/${accountIdOf(events)}/claims/check`;
  return Array.from({ length: 30 }, (_, i) => {
    const scope = { kind: 'order', id: `O-${(i * 7919) % orders}` };
    const claims = [
      { category: 'freight', scope, allegedActorId: BENCH_SALES.id },
      { category: 'payment_terms', scope, assertion: { netDays: 45 } },
      { category: 'delivery_date', scope, assertion: { deliverBy: '2026-12-31' } },
    ];
    return { method: 'POST' as const, path, body: JSON.stringify(claims[i % claims.length]) };
  });
}

/**
 * The account as it stood halfway through its history, on the recorded
 * clock: one instant, so every request costs the same and the sizes compare.
 * (An as-of folds everything visible at that instant; later instants cost more.)
 */
function asOfCalls(events: number, seed: SeedResult): LatencyCall[] {
  const middle = (Date.parse(seed.from) + Date.parse(seed.to)) / 2;
  const asOf = encodeURIComponent(new Date(middle).toISOString());
  return [
    { method: 'GET', path: `/accounts/${accountIdOf(events)}/state?asOf=${asOf}&clock=recorded` },
  ];
}

/**
 * The API counts the account's events itself (the timeline reports the
 * revision it read up to): a seeding that wrote the wrong number stops the
 * section before anything is timed.
 */
async function verifyAccounts(
  origin: string,
  key: string,
  sizes: readonly number[],
): Promise<void> {
  for (const events of sizes) {
    const accountId = accountIdOf(events);
    const timeline = await getJson<{ revision: number; entries: unknown[] }>(
      origin,
      `/accounts/${accountId}/timeline?limit=1`,
      key,
    );
    if (timeline.revision + 1 !== events || timeline.entries.length !== 1) {
      throw new Error(
        `the API reads ${timeline.revision + 1} events on ${accountId}, ${events} were seeded`,
      );
    }
  }
}

function series(
  config: BenchConfig,
  kind: Kind,
  events: number,
  calls: LatencyCall[],
): LatencySeries {
  const c = config.claims;
  return {
    name: `${kind} ${events}`,
    calls,
    warmup: c.warmup,
    warmupSeconds: c.seriesSeconds,
    samples: c.samples,
    maxSeconds: c.seriesSeconds,
    requestTimeoutMs: c.requestTimeoutSeconds * 1000,
  };
}

/** Seeds one account of each size through the store, in a process of its own. */
async function seedAccounts(
  config: BenchConfig,
  dataDir: string,
  log: (line: string) => void,
): Promise<SeedResult> {
  const sizes = config.claims.accountEvents;
  const store = parseStoreConfig(undefined, dataDir);
  if (store.kind !== 'sqlite') throw new Error('the bench seeds the embedded store');
  const request: SeedRequest = {
    file: store.file,
    accounts: sizes.map((events) => ({ accountId: accountIdOf(events), events })),
    years: config.claims.years,
    // Close to recording as it is said: as-of views on the recorded clock stay sharp.
    recordedWithinHours: 1,
  };
  log(`claims: seeding accounts of ${sizes.map(formatCount).join(' / ')} events`);
  const seed = await ChildSession.once<SeedResult>('./seed-child.ts', request, 30 * 60_000);
  log(`claims: seeded ${formatCount(seed.events)} events in ${seed.seconds.toFixed(1)} s`);
  return seed;
}

/** Every series, cheapest first: a request that times out holds the server up for whatever follows. */
function measure(
  config: BenchConfig,
  origin: string,
  key: string,
  seed: SeedResult,
): Promise<SeriesResult[]> {
  const sizes = config.claims.accountEvents;
  const all = [
    ...sizes.map((events) => series(config, 'claim check', events, claimCalls(events))),
    ...sizes.map((events) => series(config, 'as-of', events, asOfCalls(events, seed))),
  ];
  // Each series: warm-up and sampling, each bounded by seriesSeconds plus one last request.
  const c = config.claims;
  const perSeriesSeconds = 2 * (c.seriesSeconds + c.requestTimeoutSeconds);
  return ChildSession.once<SeriesResult[]>(
    './latency-child.ts',
    { origin, key, series: all } satisfies LatencyRequest,
    (all.length * perSeriesSeconds + 60) * 1000,
  );
}

/**
 * Section 3: the claim check and the as-of view through the real API (dist/,
 * a process of its own) on accounts of growing history, one request at a
 * time from a client in another process, authenticated as the accounts'
 * sales rep. The accounts are seeded through the store before the API
 * starts; the API catches its read models up at start, and that time is
 * reported too.
 */
export async function claimsSection(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<SectionResult> {
  if (!existsSync(API_ENTRY)) throw new Error(`${API_ENTRY} is missing: run npm run build`);
  const dataDir = mkdtempSync(join(tmpdir(), 'onrecord-bench-claims-'));
  try {
    const seed = await seedAccounts(config, dataDir, log);
    const starting = process.hrtime.bigint();
    const api = await startRealApi(dataDir, config.claims.startTimeoutSeconds * 1000);
    const startSeconds = Number(process.hrtime.bigint() - starting) / 1e9;
    log(`claims: the API was ready after ${startSeconds.toFixed(1)} s`);
    try {
      const key = await registerActor(api.origin, BENCH_SALES);
      await verifyAccounts(api.origin, key, config.claims.accountEvents);
      const measured = await measure(config, api.origin, key, seed);
      return {
        rows: [
          latencyRow(config, 'claim check', measured),
          latencyRow(config, 'as-of', measured),
          startRow(seed, startSeconds),
        ],
        notes: [note(config, seed)],
      };
    } finally {
      await api.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function note(config: BenchConfig, seed: SeedResult): string {
  const c = config.claims;
  return `claims: accounts seeded through SqliteEventStore with ${formatCount(seed.events)} decider-made events over ${c.years} years (${seed.seconds.toFixed(0)} s, ${formatCount(seed.appends)} appends), counts read back through the API; requests one at a time on one keep-alive connection from a client process, as the accounts' sales rep; claim checks rotate freight, payment-terms and delivery-date claims scoped to an order; as-of asks for the account halfway through its history on the recorded clock; per account up to ${c.warmup} untimed requests (at most ${c.seriesSeconds} s), then up to ${c.samples} timed (at most ${c.seriesSeconds} s; at least one of each)`;
}

interface Measured {
  readonly events: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly samples: number;
  /** Set when one request took longer than the timeout: the latency is at least this. */
  readonly atLeastMs: number | null;
}

function measuredOf(config: BenchConfig, kind: Kind, results: readonly SeriesResult[]): Measured[] {
  return config.claims.accountEvents.map((events) => {
    const result = results.find((r) => r.name === `${kind} ${events}`);
    const samples = result?.samplesMs ?? [];
    return {
      events,
      p50: samples.length > 0 ? percentile(samples, 50) : null,
      p99: samples.length > 0 ? percentile(samples, 99) : null,
      samples: samples.length,
      atLeastMs: result?.timedOutAfterMs ?? null,
    };
  });
}

function cell(m: Measured, wanted: number): string {
  if (m.p50 === null || m.p99 === null) {
    return m.atLeastMs === null ? 'not measured' : `> ${formatCount(m.atLeastMs / 1000)} s`;
  }
  const few = m.samples < wanted ? ` (n=${m.samples})` : '';
  return `${formatNumber(m.p50)} / ${formatNumber(m.p99)}${few}`;
}

interface Growth {
  /** p50 ∝ n^k between the two largest accounts. */
  readonly k: number;
  /** The largest account timed out: k is at least this. */
  readonly lowerBound: boolean;
  readonly from: number;
  readonly to: number;
}

function growthOf(measured: readonly Measured[]): Growth | null {
  const [a, b] = measured.slice(-2);
  if (a?.p50 == null || b === undefined) return null;
  const bMs = b.p50 ?? b.atLeastMs;
  if (bMs === null) return null;
  return {
    k: Math.log(bMs / a.p50) / Math.log(b.events / a.events),
    lowerBound: b.p50 === null,
    from: a.events,
    to: b.events,
  };
}

function latencyRow(config: BenchConfig, kind: Kind, results: readonly SeriesResult[]): Row {
  const measured = measuredOf(config, kind, results);
  const growth = growthOf(measured);
  const p99Budget = kind === 'claim check' ? CLAIM_CHECK_P99_MS : AS_OF_P99_MS;
  const exponentBudget = kind === 'claim check' ? FLAT_EXPONENT : LINEAR_EXPONENT;
  const judged = measured.find((m) => m.events === JUDGED_AT_EVENTS);
  let verdict: Row['verdict'] = 'not judged';
  if (config.mode === 'full' && judged !== undefined && growth !== null) {
    const p99Ok = judged.p99 !== null && judged.p99 < p99Budget;
    verdict = p99Ok && growth.k <= exponentBudget ? 'pass' : 'miss';
  }
  return {
    section: '3 claims',
    workload: `${kind} p50 / p99 ms, accounts of ${measured.map((m) => formatCount(m.events)).join(' / ')} events`,
    onrecord: measured.map((m) => cell(m, config.claims.samples)).join(' · '),
    peer: '-',
    ratio:
      growth === null
        ? '-'
        : `p50 ∝ n^${growth.k.toFixed(2)}${growth.lowerBound ? '+' : ''} (${formatCount(growth.from)}→${formatCount(growth.to)})`,
    budget: `p99 < ${p99Budget} ms at ${formatCount(JUDGED_AT_EVENTS)}; ${kind === 'claim check' ? 'flat' : 'no worse than linear'}`,
    verdict,
    values: {
      unit: 'ms',
      growthExponent: growth?.k ?? null,
      accounts: measured,
      samples: Object.fromEntries(
        results.filter((r) => r.name.startsWith(kind)).map((r) => [r.name, r]),
      ),
    },
  };
}

function startRow(seed: SeedResult, seconds: number): Row {
  return {
    section: '3 claims',
    workload: `context: API start on the seeded store (${formatCount(seed.events)} events) until /health answers`,
    onrecord: `${formatNumber(seconds)} s`,
    peer: '-',
    ratio: '-',
    budget: 'read models catch up before listening',
    verdict: 'not judged',
    values: { unit: 's', seconds, seededEvents: seed.events },
  };
}
