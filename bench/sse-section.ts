import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { standardPolicy } from '../test/fixtures/policies.js';
import {
  API_ENTRY,
  MANAGER_KEY,
  apiEnv,
  freePort,
  postJson,
  registerActor,
} from './api-process.js';
import type { BenchConfig } from './bench-config.js';
import type { SectionResult } from './claims-section.js';
import { ChildSession } from './child-process.js';
import { type Row, formatCount, formatNumber } from './report.js';
import type { SseApiRequest, WriteResult } from './sse-api-child.js';
import type { Delivery, SubscribersRequest } from './sse-subscribers-child.js';

/** Section 5's budget. */
const LAG_P99_MS = 50;

/** The integration that follows the ledger (role `integration`, README: Integrations). */
const INTEGRATION = { id: 'bench-integration', role: 'integration' } as const;

/**
 * Section 5: delivery lag of the live event stream. The API (dist/, with
 * the writer in its own process) appends at a steady rate; the subscribers,
 * all in one other process, follow `/subscriptions/events` from `now`. Every
 * subscriber must receive every event written, in order.
 */
export async function sseSection(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<SectionResult> {
  if (!existsSync(API_ENTRY)) throw new Error(`${API_ENTRY} is missing: run npm run build`);
  const s = config.sse;
  const dataDir = mkdtempSync(join(tmpdir(), 'onrecord-bench-sse-'));
  const api = new ChildSession('./sse-api-child.ts', apiEnv(await freePort(), dataDir));
  try {
    const { origin } = await api.request<{ origin: string }>(
      { kind: 'start' } satisfies SseApiRequest,
      120_000,
    );
    await postJson(origin, '/policies', MANAGER_KEY, { policy: standardPolicy, note: 'bench' });
    const key = await registerActor(origin, INTEGRATION);
    const subscribers = new ChildSession('./sse-subscribers-child.ts');
    try {
      log(`sse: opening ${s.subscribers} subscriptions`);
      await subscribers.request<number>(
        { kind: 'open', origin, key, subscribers: s.subscribers } satisfies SubscribersRequest,
        120_000,
      );
      log(
        `sse: writing ${formatCount(s.eventsPerSecond)} events/s for ${s.warmupSeconds + s.seconds} s`,
      );
      const written = await api.request<WriteResult>(
        {
          kind: 'write',
          eventsPerSecond: s.eventsPerSecond,
          seconds: s.warmupSeconds + s.seconds,
          accounts: s.accounts,
        } satisfies SseApiRequest,
        (s.warmupSeconds + s.seconds + 120) * 1000,
      );
      const delivery = await subscribers.request<Delivery>(
        {
          kind: 'collect',
          events: written.events,
          lastPosition: written.lastPosition,
          countFromMs: written.startedAtMs + s.warmupSeconds * 1000,
          timeoutMs: 60_000,
        } satisfies SubscribersRequest,
        120_000,
      );
      return { rows: [row(config, written, delivery)], notes: [note(config, written, delivery)] };
    } finally {
      await subscribers.stop();
    }
  } finally {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function row(config: BenchConfig, written: WriteResult, delivery: Delivery): Row {
  const s = config.sse;
  const rate = written.events / written.seconds;
  const { p50, p99, max } = delivery.lagMs;
  return {
    section: '5 sse',
    workload: `delivery lag p50 / p99, ${s.subscribers} subscribers while ${formatCount(s.eventsPerSecond)} events/s are appended`,
    // The writer offers the rate; a saturated API commits fewer, and the row says so.
    onrecord: `${formatNumber(p50)} / ${formatNumber(p99)} ms (max ${formatCount(max)}; ${formatCount(rate)} ev/s committed)`,
    peer: '-',
    ratio: '-',
    budget: `p99 < ${LAG_P99_MS} ms`,
    verdict: config.mode !== 'full' ? 'not judged' : p99 < LAG_P99_MS ? 'pass' : 'miss',
    values: {
      unit: 'ms',
      ...delivery.lagMs,
      samples: delivery.samples,
      achievedEventsPerSecond: rate,
      written,
      subscriberCpuShare: delivery.cpuShare,
    },
  };
}

function note(config: BenchConfig, written: WriteResult, delivery: Delivery): string {
  const s = config.sse;
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  return `sse: lag = arrival in the subscribers' process − the event's recordedAt (stamped before its commit and fsync), all ${s.subscribers} subscribers pooled (${formatCount(delivery.samples)} deliveries after ${s.warmupSeconds} s of warm-up); writer: appends in the API's own process through its EventStore (the embedded store wakes subscriptions in process only), ${formatCount(written.events)} account events decided by the account decider, one append per statement with its expected revision, round robin over ${s.accounts} accounts, ${formatNumber(written.events / written.seconds)} events/s achieved; every subscriber received every event in order; CPU of one core: API ${percent(written.apiCpuShare)}, subscribers ${percent(delivery.cpuShare)}`;
}
