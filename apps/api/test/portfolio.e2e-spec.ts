import { randomUUID } from 'node:crypto';
import { FixedClock } from '@onrecord/kernel';
import { EventStore, formatPosition } from '@onrecord/event-store';
import { type RunningApi, startApi } from '../../../test/support/api-harness.js';
import { httpClient } from '../../../test/support/http-client.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { standardPolicy } from '../../../test/fixtures/policies.js';

const MANAGER = 'onr_portfolio-manager-key-0000000000000';
const NOW = new Date('2026-11-23T10:00:00.000Z');

interface AccountRow {
  accountId: string;
  ownerId: string;
  revenueMinor: number;
  grossProfitMinor: number;
  costToServeMinor: number;
  netContributionMinor: number;
  costToServe: Record<string, number>;
  concessions: { granted: number; refused: number; grossProfitConcededMinor: number };
  complaints: { raised: number; legitimate: number };
  rushes: { requested: number; approved: number };
  lateOrders: number;
  specialSituations: number;
  paymentDaysLate: { average: number; max: number; overdueInvoices: number };
}
interface AccountsView {
  currency: string;
  accounts: AccountRow[];
}
interface RepRow {
  actorId: string;
  accountsOwned: number;
  orders: { count: number; grossProfitMinor: number };
  quotes: { count: number; grossProfitMinor: number };
  concessions: { granted: number; refused: number; grossProfitConcededMinor: number };
  specialSituations: { granted: number; refused: number; onOwnedAccounts: number };
  claimsDecided: { supported: number; contradicted: number };
}
interface Status {
  position: string | null;
  events: number;
  eventsSinceStart: number;
  resumedFrom: string | null;
  skipped: number;
  caughtUp: boolean;
}
interface Written {
  position: string;
  events: Array<{ id: string }>;
}

/**
 * A seeded portfolio of three accounts through the real HTTP API on the real
 * embedded store: one that earns and costs nothing, one middling, and one
 * with every cost the record can show. The projections rank them, survive a
 * restart from their checkpoint, skip what they do not understand, and
 * rebuild from the log to the same answer.
 */
describe('portfolio projections, end to end', () => {
  const data = tempDir('onrecord-portfolio-');
  const clock = new FixedClock(NOW);
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  const keys: Record<string, string> = { manager: MANAGER };
  const phone = { channel: 'phone', counterparty: { contactId: 'pat-buyer' } };
  let last = '0';

  const start = async (): Promise<void> => {
    api = await startApi(
      { ONRECORD_BOOTSTRAP_KEY: MANAGER },
      { clock, dataDir: data.path, on: 'embedded' },
    );
    http = httpClient(api.baseUrl);
  };

  async function say(
    who: string,
    path: string,
    body: Record<string, unknown>,
    expected = 201,
  ): Promise<Written> {
    const response = await http.post<Written>(path, keys[who]!, { ...phone, ...body });
    if (response.status !== expected) {
      throw new Error(`${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    if (typeof response.body.position === 'string') last = response.body.position;
    return response.body;
  }

  const accounts = (query = ''): Promise<{ status: number; body: AccountsView }> =>
    http.get<AccountsView>(`/portfolio/accounts?after=${last}${query}`, MANAGER);
  const status = async (): Promise<Status> =>
    (await http.get<Status>('/portfolio/status', MANAGER)).body;

  async function open(accountId: string, owner: string): Promise<void> {
    await say(owner, '/accounts', {
      accountId,
      name: accountId,
      ownerId: owner,
      serviceRepIds: ['sue-service'],
      segment: 'industrial',
    });
  }

  async function order(
    who: string,
    accountId: string,
    orderId: string,
    quantity: number,
    requested: string,
  ): Promise<void> {
    await say(who, `/accounts/${accountId}/orders`, {
      orderId,
      currency: 'USD',
      lines: [{ sku: 'W-1', quantity, unitPriceMinor: 1200, unitCostMinor: 850 }],
      placedOn: '2026-11-20',
      requestedDeliveryDate: requested,
    });
  }

  beforeAll(async () => {
    await start();
    for (const [id, role] of [
      ['sam-sales', 'sales'],
      ['olga-sales', 'sales'],
      ['sue-service', 'service'],
      ['audrey-auditor', 'auditor'],
    ] as const) {
      keys[id] = (
        await http.post<{ key: string }>('/actors', MANAGER, { id, name: id, role })
      ).body.key;
    }
    await http.post('/policies', MANAGER, { policy: standardPolicy });

    // steady: a large order on time, nothing else.
    await open('steady', 'sam-sales');
    await order('sam-sales', 'steady', 'S-1', 1000, '2026-12-31');

    // middling: a smaller order and one complaint that was not legitimate.
    await open('middling', 'sam-sales');
    await order('sam-sales', 'middling', 'M-1', 200, '2026-12-31');
    await say('sue-service', '/accounts/middling/complaints', {
      complaintId: 'MC-1',
      about: 'Colour looks off',
    });
    await say('sam-sales', '/accounts/middling/complaints/MC-1/assessment', {
      legitimate: false,
      reason: 'Within the agreed tolerance',
    });

    // needy: every cost the record can show.
    await open('needy', 'olga-sales');
    await order('olga-sales', 'needy', 'N-1', 100, '2026-11-22');
    await say('sue-service', '/accounts/needy/complaints', {
      complaintId: 'NC-1',
      about: 'Crushed pallet',
      orderId: 'N-1',
    });
    await say('olga-sales', '/accounts/needy/complaints/NC-1/assessment', {
      legitimate: true,
      reason: 'Photos confirm it',
    });
    await say('olga-sales', '/accounts/needy/concessions', {
      concessionId: 'NF-1',
      request: {
        kind: 'freight_paid',
        orderId: 'N-1',
        complaintId: 'NC-1',
        freightCost: { amountMinor: 5000, currency: 'USD' },
      },
    });
    await say('sue-service', '/accounts/needy/orders/N-1/rush-requests', {
      requestedDeliveryDate: '2026-11-25',
      reason: 'Line down',
    });
    await say('olga-sales', '/accounts/needy/orders/N-1/rush-decision', { approve: true });
    await say('manager', '/accounts/needy/special-situations', {
      entitlement: 'Free freight on every order this quarter',
      reason: 'Keep them through the recovery',
    });
    await say('sue-service', '/accounts/needy/escalations', {
      askedFor: 'your manager',
      reason: 'Unhappy with the delays',
    });
    await say('sue-service', '/accounts/needy/invoices', {
      invoiceId: 'NI-1',
      amount: { amountMinor: 50_000, currency: 'USD' },
      issuedOn: '2026-10-01',
      dueDate: '2026-10-15',
    });
    await say('sue-service', '/accounts/needy/payments', {
      invoiceId: 'NI-1',
      amount: { amountMinor: 50_000, currency: 'USD' },
      paidOn: '2026-11-10',
    });
    const claim = await http.post<{ verdict: string; recorded: { position: string } }>(
      '/accounts/needy/claims',
      keys['sue-service']!,
      { ...phone, category: 'freight', scope: { kind: 'order', id: 'N-1' } },
    );
    expect(claim.body.verdict).toBe('supported');
    last = claim.body.recorded.position;
  });

  afterAll(async () => {
    await api.stop();
    data.remove();
  });

  it('ranks the accounts that cost most and earn least first, with the cost to serve broken down', async () => {
    const ranked = await accounts('&sort=netContribution');
    expect(ranked.status).toBe(200);
    expect(ranked.body.currency).toBe('USD');
    expect(ranked.body.accounts.map((a) => a.accountId)).toEqual(['needy', 'middling', 'steady']);

    const needy = ranked.body.accounts[0]!;
    expect(needy).toMatchObject({
      ownerId: 'olga-sales',
      revenueMinor: 120_000,
      grossProfitMinor: 35_000,
      concessions: { granted: 1, refused: 0, grossProfitConcededMinor: 5_000 },
      complaints: { raised: 1, legitimate: 1 },
      rushes: { requested: 1, approved: 1 },
      lateOrders: 1,
      specialSituations: 1,
      paymentDaysLate: { average: 26, max: 26, overdueInvoices: 0 },
    });
    expect(needy.costToServe).toEqual({
      concessionsMinor: 5_000,
      complaintsMinor: 25_000,
      rushesMinor: 15_000,
      lateOrdersMinor: 10_000,
      specialSituationsMinor: 25_000,
      escalationsMinor: 5_000,
      latePaymentMinor: 390,
      forecastErrorMinor: 0,
      totalMinor: 85_390,
    });
    expect(needy.netContributionMinor).toBe(35_000 - 85_390);
    expect(ranked.body.accounts[1]).toMatchObject({
      costToServeMinor: 5_000,
      netContributionMinor: 65_000,
    });
    expect(ranked.body.accounts[2]).toMatchObject({
      costToServeMinor: 0,
      netContributionMinor: 350_000,
    });

    const byRevenue = await accounts('&sort=revenue');
    expect(byRevenue.body.accounts.map((a) => a.accountId)).toEqual([
      'steady',
      'middling',
      'needy',
    ]);
    expect((await http.get('/portfolio/accounts', keys['sam-sales']!)).status).toBe(403);
    expect((await http.get('/portfolio/accounts', keys['audrey-auditor']!)).status).toBe(200);
  });

  it('shows each rep: GP on orders, concessions, special situations, and the claims their record decided', async () => {
    const reps = await http.get<{ reps: RepRow[] }>(`/portfolio/reps?after=${last}`, MANAGER);
    const rep = (id: string): RepRow => reps.body.reps.find((r) => r.actorId === id)!;
    expect(rep('sam-sales')).toMatchObject({
      accountsOwned: 2,
      orders: { count: 2, grossProfitMinor: 350_000 + 70_000 },
      concessions: { granted: 0, refused: 0 },
    });
    expect(rep('olga-sales')).toMatchObject({
      accountsOwned: 1,
      orders: { count: 1, grossProfitMinor: 35_000 - 5_000 },
      concessions: { granted: 1, grossProfitConcededMinor: 5_000 },
      specialSituations: { onOwnedAccounts: 1 },
      claimsDecided: { supported: 1, contradicted: 0 },
    });
    expect(rep('bootstrap-manager')).toMatchObject({ specialSituations: { granted: 1 } });
  });

  it('lists special situations by account and rep, with the share of accounts that have any', async () => {
    const exceptions = await http.get<Record<string, unknown>>(
      `/portfolio/exceptions?after=${last}`,
      MANAGER,
    );
    expect(exceptions.body).toMatchObject({
      accounts: 3,
      accountsWithSpecialSituations: 1,
      shareBps: 3333,
      byAccount: [
        {
          accountId: 'needy',
          ownerId: 'olga-sales',
          count: 1,
          items: [
            expect.objectContaining({ grantedBy: 'bootstrap-manager', ownerId: 'olga-sales' }),
          ],
        },
      ],
      byRep: [
        { actorId: 'bootstrap-manager', granted: 1, onOwnedAccounts: 0 },
        { actorId: 'olga-sales', granted: 0, onOwnedAccounts: 1 },
      ],
    });
  });

  it('resumes from its checkpoint after a restart, skips what it does not understand, and rebuilds to the same answer', async () => {
    const before = (await accounts('&sort=netContribution')).body.accounts;
    const stopped = await status();
    expect(stopped.caughtUp).toBe(true);
    await api.stop();

    await start();
    const resumed = await status();
    expect(resumed).toMatchObject({
      resumedFrom: stopped.position,
      position: stopped.position,
      events: stopped.events,
      eventsSinceStart: 0,
    });
    expect((await accounts('&sort=netContribution')).body.accounts).toEqual(before);

    // New events after the restart are applied on top of the checkpoint.
    await say('sue-service', '/accounts/steady/complaints', {
      complaintId: 'SC-1',
      about: 'Late paperwork',
    });
    const after = await accounts('&sort=netContribution');
    expect(after.body.accounts.find((a) => a.accountId === 'steady')?.complaints.raised).toBe(1);
    expect((await status()).eventsSinceStart).toBe(1);

    // An event of a type the projection does not know: counted as skipped, nothing changes, nothing throws.
    const store = api.app.get(EventStore);
    const odd = await store.appendToStream('account-steady', [
      {
        id: randomUUID(),
        type: 'LoyaltyPointsAwarded',
        data: { points: 500 },
        metadata: { occurredAt: NOW.toISOString(), actor: { id: 'crm-sync', role: 'integration' } },
      },
    ]);
    last = formatPosition(odd.position);
    const withOdd = await accounts('&sort=netContribution');
    expect(withOdd.body.accounts).toEqual(after.body.accounts);
    expect((await status()).skipped).toBe(1);
    expect((await http.get('/accounts/steady', MANAGER)).status).toBe(200);

    const rebuilt = await http.post<Status>('/portfolio/rebuild', MANAGER, {});
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body).toMatchObject({
      resumedFrom: null,
      position: last,
      events: resumed.events + 2,
      skipped: 1,
      caughtUp: true,
    });
    expect((await accounts('&sort=netContribution')).body.accounts).toEqual(after.body.accounts);
    expect((await http.post('/portfolio/rebuild', keys['audrey-auditor']!, {})).status).toBe(403);
  });

  it('answers 400 for a malformed position and 503 when the projection does not reach one in time', async () => {
    expect((await http.get('/portfolio/accounts?after=yesterday', MANAGER)).status).toBe(400);
    const far = await http.get<{ code: string }>(
      '/portfolio/reps?after=999999999&waitMs=200',
      MANAGER,
    );
    expect(far.status).toBe(503);
    expect(far.body.code).toBe('projection-behind');
  });
});
