import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FixedClock } from '@onrecord/kernel';
import { EventStore, type NewEvent, type Position, formatPosition } from '@onrecord/event-store';
import { LedgerService } from '@onrecord/ledger';
import {
  type AccountCommand,
  type AccountState,
  type PublishedPolicy,
  type Policy,
  decideAccount,
  evolveAccount,
  initialAccountState,
} from '@onrecord/commitments';
import { ClaimsService } from '@onrecord/claims';
import type { Caller } from '@onrecord/access';
import { type RunningApi, startApi } from '../../../test/support/api-harness.js';
import { httpClient } from '../../../test/support/http-client.js';
import { standardPolicy } from '../../../test/fixtures/policies.js';

/**
 * How fast a claim is answered on a long history, on the real embedded store
 * through the real API: an account of LONG events (10,000 by default) and one
 * of SHORT (1,000), built by the real decider and appended in pages. Prints
 * p50/p95/p99 per claim shape in process and checks that a scoped check does
 * not grow with the history (the index makes it flat). With
 * CLAIMS_LATENCY_REPORT=1 it also measures over HTTP from a client in its own
 * process, as a desk would call it:
 *
 *   CLAIMS_LATENCY_REPORT=1 npm test -- libs/claims/test/claim-check-latency
 *
 * (CLAIMS_LATENCY_EVENTS and CLAIMS_LATENCY_RUNS change the size and the runs.)
 */
const LONG = Number(process.env['CLAIMS_LATENCY_EVENTS'] ?? 10_000);
const SHORT = Math.max(100, Math.floor(LONG / 10));
const REPORT = process.env['CLAIMS_LATENCY_REPORT'] === '1';
const RUNS = Number(process.env['CLAIMS_LATENCY_RUNS'] ?? (REPORT ? 1000 : 200));
const MANAGER = 'onr_latency-manager-key-00000000000000';
const NOW = new Date('2027-06-30T12:00:00.000Z');
const sam = { id: 'sam-sales', role: 'sales' };
const DAY = 86_400_000;

const iso = (ms: number): string => new Date(ms).toISOString();
const day = (ms: number): string => iso(ms).slice(0, 10);

/** A year of business with one account, about ten events per order, through the real decider. */
function history(accountId: string, target: number, policy: PublishedPolicy): NewEvent[] {
  const events: NewEvent[] = [];
  let state: AccountState = initialAccountState;
  const start = Date.parse('2026-01-01T09:00:00Z');
  const span = NOW.getTime() - 40 * DAY - start;
  const say = (command: AccountCommand, at: number): void => {
    for (const event of decideAccount(command, state, { now: iso(at), actor: sam, policy })) {
      state = evolveAccount(state, event);
      events.push({
        id: randomUUID(),
        type: event.type,
        data: event.data,
        metadata: { occurredAt: iso(at), actor: sam, channel: 'phone' },
      });
    }
  };
  say(
    {
      type: 'OpenAccount',
      data: {
        accountId,
        name: accountId,
        ownerId: 'sam-sales',
        serviceRepIds: [],
        segment: 'bench',
      },
    },
    start,
  );
  const orders = Math.ceil(target / 10);
  for (let i = 0; i < orders && events.length < target; i++) {
    const t = start + Math.floor((span * i) / orders);
    const orderId = `O-${i}`;
    say(
      {
        type: 'PlaceOrder',
        data: {
          orderId,
          currency: 'USD',
          lines: [
            { sku: `W-${i % 7}`, quantity: 10 + (i % 5), unitPriceMinor: 1200, unitCostMinor: 850 },
          ],
          placedOn: day(t),
          requestedDeliveryDate: day(t + (i % 3 === 0 ? 5 : 30) * DAY),
        },
      },
      t,
    );
    say(
      {
        type: 'StatePaymentTerms',
        data: { netDays: i % 2 ? 30 : 45, context: { kind: 'order', referenceId: orderId } },
      },
      t + 60_000,
    );
    say(
      {
        type: 'MakePromise',
        data: {
          promiseId: `P-${i}`,
          category: 'delivery',
          text: `Order ${orderId} confirmed and ships on schedule ${i}`,
          dueDate: day(t + 25 * DAY),
          scope: { kind: 'order', id: orderId },
        },
      },
      t + 120_000,
    );
    say(
      {
        type: 'RequestConcession',
        data: {
          concessionId: `F-${i}`,
          request: {
            kind: 'freight_paid',
            orderId,
            complaintId: null,
            freightCost: { amountMinor: 500, currency: 'USD' },
          },
        },
      },
      t + 180_000,
    );
    say(
      {
        type: 'RecordShipment',
        data: { orderId, shipmentId: `S-${i}`, shippedOn: day(t + 20 * DAY) },
      },
      t + 20 * DAY,
    );
    say(
      { type: 'RecordDelivery', data: { orderId, deliveredOn: day(t + (i % 4 ? 24 : 33) * DAY) } },
      t + 24 * DAY,
    );
    say(
      {
        type: 'RecordPromiseOutcome',
        data: { promiseId: `P-${i}`, outcome: 'kept', on: day(t + 24 * DAY) },
      },
      t + 24 * DAY,
    );
    say(
      {
        type: 'RecordInvoice',
        data: {
          invoiceId: `I-${i}`,
          amount: { amountMinor: 12_000, currency: 'USD' },
          issuedOn: day(t + 24 * DAY),
          dueDate: day(t + 54 * DAY),
        },
      },
      t + 24 * DAY,
    );
    say(
      {
        type: 'RecordPayment',
        data: {
          paymentId: `Y-${i}`,
          invoiceId: `I-${i}`,
          amount: { amountMinor: 12_000, currency: 'USD' },
          paidOn: day(t + (i % 3 ? 50 : 64) * DAY),
        },
      },
      t + 40 * DAY,
    );
    if (i % 10 === 0) {
      say(
        {
          type: 'GrantSpecialSituation',
          data: {
            situationId: `X-${i}`,
            entitlement: `Extended warranty on order ${orderId}`,
            reason: null,
          },
        },
        t + 200_000,
      );
    }
  }
  return events;
}

function percentiles(samples: number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1)!),
  };
}

/** A client in its own process: sequential requests on one keep-alive connection, timings in ms. */
const CLIENT = `
const [base, key, requestsJson, runs] = process.argv.slice(1);
const requests = JSON.parse(requestsJson);
const out = {};
(async () => {
  for (const { name, path, body } of requests) {
    const call = async () => {
      const response = await fetch(base + path, {
        method: 'POST',
        headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.text();
      if (response.status !== 200) throw new Error(name + ': ' + response.status);
    };
    for (let i = 0; i < 20; i++) await call();
    const samples = [];
    for (let i = 0; i < Number(runs); i++) {
      const t = performance.now();
      await call();
      samples.push(performance.now() - t);
    }
    out[name] = samples;
  }
  process.stdout.write(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
`;

function runClient(
  baseUrl: string,
  key: string,
  requests: ReadonlyArray<{ name: string; path: string; body: unknown }>,
  runs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', CLIENT, baseUrl, key, JSON.stringify(requests), String(runs)],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

describe('claim check latency on a long history', () => {
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  const caller: Caller = {
    actorId: 'bootstrap-manager',
    role: 'manager',
    name: 'manager',
    keyId: 'k',
  };

  beforeAll(async () => {
    api = await startApi(
      { ONRECORD_BOOTSTRAP_KEY: MANAGER },
      { clock: new FixedClock(NOW), on: 'embedded' },
    );
    http = httpClient(api.baseUrl);
    await http.post('/policies', MANAGER, { policy: standardPolicy });
    const policy: PublishedPolicy = { ...(standardPolicy as Policy), version: 1 };
    const store = api.app.get(EventStore);
    let last = '0';
    let lastPosition: Position | null = null;
    for (const [accountId, size] of [
      ['long', LONG],
      ['short', SHORT],
    ] as const) {
      const events = history(accountId, size, policy);
      for (let from = 0; from < events.length; from += 1000) {
        const appended = await store.appendToStream(
          `account-${accountId}`,
          events.slice(from, from + 1000),
          {
            expectedRevision: from === 0 ? 'no_stream' : from - 1,
          },
        );
        last = formatPosition(appended.position);
        lastPosition = appended.position;
      }
    }
    // Let the projections (portfolio, ledger) catch up so they do not share the measurement.
    expect((await http.get(`/portfolio/accounts?after=${last}&waitMs=30000`, MANAGER)).status).toBe(
      200,
    );
    if (lastPosition !== null) await api.app.get(LedgerService).waitFor(lastPosition);
  }, 300_000);

  afterAll(async () => {
    await api.stop();
  });

  const shapes = (accountId: string, size: number): Array<[string, Record<string, unknown>]> => {
    const orders = Math.floor(size / 10);
    const order = (n: number): string => `O-${n % orders}`;
    return [
      [
        'freight, scoped to an order',
        { category: 'freight', scope: { kind: 'order', id: order(7) } },
      ],
      [
        'payment terms, scoped, at a time',
        {
          category: 'payment_terms',
          scope: { kind: 'order', id: order(11) },
          allegedAt: '2026-12-01T00:00:00Z',
          assertion: { netDays: 45 },
        },
      ],
      [
        'delivery date, scoped',
        {
          category: 'delivery_date',
          scope: { kind: 'order', id: order(13) },
          assertion: { deliverBy: '2026-12-31' },
        },
      ],
      [
        'promise, by words',
        { category: 'promise', assertion: { text: `ships on schedule ${Math.floor(orders / 2)}` } },
      ],
      [
        'other, by words',
        { category: 'other', assertion: { text: `extended warranty order ${order(20)}` } },
      ],
      ['service level, whole account', { category: 'service_level' }],
      ['payment terms, whole account', { category: 'payment_terms', assertion: { netDays: 60 } }],
    ].map(([name, body]) => [`${accountId}: ${name as string}`, body as Record<string, unknown>]);
  };

  it('answers on the spot, and a scoped check does not grow with the history', async () => {
    const claims = api.app.get(ClaimsService);
    const toClaim = (body: Record<string, unknown>) => ({
      category: body['category'] as 'freight',
      scope: (body['scope'] as { kind: 'order'; id: string } | undefined) ?? null,
      allegedActorId: null,
      allegedAt: (body['allegedAt'] as string | undefined)
        ? new Date(body['allegedAt'] as string).toISOString()
        : null,
      allegedWindow: null,
      assertion: (body['assertion'] as Record<string, unknown> | undefined) ?? {},
    });
    const report: Record<string, unknown> = {};
    const cold = performance.now();
    await claims.check('long', toClaim({ category: 'rush' }), caller);
    report['cold index load (long)'] = Math.round(performance.now() - cold);
    await claims.check('short', toClaim({ category: 'rush' }), caller);

    const inProcess: Record<string, ReturnType<typeof percentiles>> = {};
    const overHttp: Record<string, ReturnType<typeof percentiles>> = {};
    for (const [accountId, size] of [
      ['long', LONG],
      ['short', SHORT],
    ] as const) {
      for (const [name, body] of shapes(accountId, size)) {
        const claim = toClaim(body);
        for (let i = 0; i < 20; i++) await claims.check(accountId, claim, caller);
        const local: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const t = performance.now();
          await claims.check(accountId, claim, caller);
          local.push(performance.now() - t);
        }
        inProcess[name] = percentiles(local);
      }
    }
    // Over HTTP from another process, as a desk client would call it: the server's event loop serves only requests.
    const requests = (['long', 'short'] as const).flatMap((accountId) =>
      shapes(accountId, accountId === 'long' ? LONG : SHORT).map(([name, body]) => ({
        name,
        path: `/accounts/${accountId}/claims/check`,
        body,
      })),
    );
    if (REPORT) {
      const measured = JSON.parse(await runClient(api.baseUrl, MANAGER, requests, RUNS)) as Record<
        string,
        number[]
      >;
      for (const [name, samples] of Object.entries(measured)) overHttp[name] = percentiles(samples);
    }

    process.stdout.write(
      `\nclaim check latency, ms (long: ${LONG} events, short: ${SHORT}; ${RUNS} runs each)\n` +
        `${JSON.stringify(report)}\nin process:\n${Object.entries(inProcess)
          .map(([k, v]) => `  ${k.padEnd(44)} ${JSON.stringify(v)}`)
          .join('\n')}\nover HTTP:\n${Object.entries(overHttp)
          .map(([k, v]) => `  ${k.padEnd(44)} ${JSON.stringify(v)}`)
          .join('\n')}\n`,
    );

    // Flat: a scoped check on 10x the history costs about the same (generous bounds for slow machines).
    for (const shape of [
      'freight, scoped to an order',
      'payment terms, scoped, at a time',
      'delivery date, scoped',
    ]) {
      const long = inProcess[`long: ${shape}`]!;
      const short = inProcess[`short: ${shape}`]!;
      expect(long.p50).toBeLessThan(short.p50 * 3 + 1);
      // A guard against a rescan, not the budget: p99 on a shared CI machine is mostly its neighbours.
      expect(long.p95).toBeLessThan(25);
    }
  }, 300_000);
});
