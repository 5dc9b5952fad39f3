import { FixedClock } from '@onrecord/kernel';
import { type RunningApi, startApi } from '../../../test/support/api-harness.js';
import { httpClient } from '../../../test/support/http-client.js';
import { standardPolicy } from '../../../test/fixtures/policies.js';

const MANAGER = 'onr_story-manager-key-0000000000000000';
const NOW = new Date('2026-11-23T10:00:00.000Z');

interface Recorded {
  accountId: string;
  revision: number;
  policyVersion: number;
  events: Array<{
    id: string;
    type: string;
    revision: number;
    hash: string;
    data: Record<string, unknown>;
  }>;
}
interface Problem {
  code: string;
  rule?: string;
  detail: string;
  figures?: Record<string, number>;
  alternatives?: Array<Record<string, unknown>>;
  events?: Recorded['events'];
}

/**
 * One account's story through the real HTTP API on a real store (embedded,
 * or EventStoreDB when esdb-standin.e2e-spec.ts runs it):
 * onboarding, a quote refused below the floor then revised, freight refused
 * without a complaint then granted after one is assessed, a late order on a
 * Kanban agreement, an escalation answered, a special situation counted.
 */
describe('an account story, end to end', () => {
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  const keys: Record<string, string> = {};
  const phone = { channel: 'phone', counterparty: { contactId: 'pat-buyer', name: 'Pat Buyer' } };

  beforeAll(async () => {
    api = await startApi({ ONRECORD_BOOTSTRAP_KEY: MANAGER }, { clock: new FixedClock(NOW) });
    http = httpClient(api.baseUrl);
    for (const [id, role] of [
      ['sam-sales', 'sales'],
      ['sue-service', 'service'],
      ['olga-other', 'sales'],
      ['audrey-auditor', 'auditor'],
    ] as const) {
      const created = await http.post<{ key: string }>('/actors', MANAGER, { id, name: id, role });
      keys[id] = created.body.key;
    }
    const published = await http.post('/policies', MANAGER, {
      policy: standardPolicy,
      note: 'FY27 boundaries',
    });
    expect(published.status).toBe(201);
  });
  afterAll(async () => {
    await api.stop();
  });

  it('opens the account with its owner and service rep', async () => {
    const opened = await http.post<Recorded>('/accounts', keys['sam-sales']!, {
      ...phone,
      accountId: 'acme',
      name: 'Acme Fasteners',
      ownerId: 'sam-sales',
      serviceRepIds: ['sue-service'],
      segment: 'industrial',
    });
    expect(opened.status).toBe(201);
    expect(opened.headers.get('etag')).toBe('"0"');
    expect(opened.body.events.map((e) => e.type)).toEqual(['AccountOpened']);
  });

  it('records the expectations agreed at onboarding', async () => {
    const agreed = await http.post<Recorded>('/accounts/acme/expectations', keys['sam-sales']!, {
      channel: 'meeting',
      mustDo: ['Confirm every order within one business day'],
      mustNeverDo: ['Ship partial orders without asking'],
      ifWeSlipOnce: 'A call from the sales rep and a written recovery plan within 48 hours',
      serviceLevels: [
        {
          metric: 'on-time-delivery',
          description: 'Delivered by the agreed date',
          target: 9500,
          unit: 'bps',
        },
      ],
    });
    expect(agreed.status).toBe(201);
    expect(agreed.body.events.map((e) => e.type)).toEqual(['ExpectationsAgreed']);
  });

  it('refuses a quote below the gross-profit floor, records the refusal, then accepts the revised price', async () => {
    const lines = [{ sku: 'W-1', quantity: 100, unitPriceMinor: 1000, unitCostMinor: 850 }];
    const refused = await http.post<Problem>('/accounts/acme/quotes', keys['sam-sales']!, {
      ...phone,
      quoteId: 'Q-100',
      currency: 'USD',
      lines,
      validUntil: '2026-12-31',
      terms: 'Net 30',
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'below-gp-floor', rule: 'below-gp-floor' });
    expect(refused.body.figures).toMatchObject({ grossProfitBps: 1500, floorBps: 2200 });
    expect(refused.body.alternatives?.some((a) => a['kind'] === 'catalogue-concession')).toBe(true);
    expect(refused.body.events?.map((e) => e.type)).toEqual(['QuoteRefusedBelowFloor']);

    const issued = await http.post<Recorded>('/accounts/acme/quotes', keys['sam-sales']!, {
      ...phone,
      quoteId: 'Q-100',
      currency: 'USD',
      lines: [{ sku: 'W-1', quantity: 100, unitPriceMinor: 1200, unitCostMinor: 850 }],
      validUntil: '2026-12-31',
      terms: 'Net 30',
    });
    expect(issued.status).toBe(201);
    expect(issued.body.events.map((e) => e.type)).toEqual(['QuoteIssued']);
    expect(issued.body.events[0]!.data).toMatchObject({ quoteId: 'Q-100', policyVersion: 1 });
  });

  it('refuses freight without a complaint, and grants it once a legitimate complaint is assessed', async () => {
    const order = await http.post<Recorded>('/accounts/acme/orders', keys['sam-sales']!, {
      ...phone,
      orderId: 'O-7731',
      currency: 'USD',
      lines: [{ sku: 'W-1', quantity: 100, unitPriceMinor: 1200, unitCostMinor: 850 }],
      placedOn: '2026-11-23',
      requestedDeliveryDate: '2026-12-31',
    });
    expect(order.status).toBe(201);

    const freight = {
      kind: 'freight_paid',
      orderId: 'O-7731',
      freightCost: { amountMinor: 5000, currency: 'USD' },
    };
    const refused = await http.post<Problem>('/accounts/acme/concessions', keys['sam-sales']!, {
      ...phone,
      concessionId: 'F-1',
      request: freight,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.rule).toBe('freight-needs-complaint');

    await http.post('/accounts/acme/complaints', keys['sue-service']!, {
      ...phone,
      complaintId: 'C-1',
      about: 'Order arrived two days late and a pallet was crushed',
      orderId: 'O-7731',
    });
    const assessed = await http.post<Recorded>(
      '/accounts/acme/complaints/C-1/assessment',
      keys['sam-sales']!,
      {
        channel: 'email',
        legitimate: true,
        reason: 'Carrier damage confirmed by photos',
      },
    );
    expect(assessed.status).toBe(201);

    const granted = await http.post<Recorded>('/accounts/acme/concessions', keys['sam-sales']!, {
      ...phone,
      concessionId: 'F-2',
      request: { ...freight, complaintId: 'C-1' },
    });
    expect(granted.status).toBe(201);
    expect(granted.body.events.map((e) => e.type)).toContain('ConcessionGranted');
  });

  it('records an order inside the agreed Kanban lead time and flags it late, without implying a rush', async () => {
    await http.post('/accounts/acme/lead-time-agreements', keys['sam-sales']!, {
      channel: 'meeting',
      agreementId: 'K-1',
      kind: 'kanban',
      leadTimeDays: 10,
      skus: ['W-1'],
      from: '2026-11-01',
    });
    const order = await http.post<Recorded>('/accounts/acme/orders', keys['sue-service']!, {
      ...phone,
      orderId: 'O-7800',
      currency: 'USD',
      lines: [{ sku: 'W-1', quantity: 10, unitPriceMinor: 1200, unitCostMinor: 850 }],
      placedOn: '2026-11-23',
      requestedDeliveryDate: '2026-11-28',
    });
    expect(order.status).toBe(201);
    expect(order.body.events.map((e) => e.type)).toEqual(['OrderPlaced']);
    expect(order.body.events[0]!.data).toMatchObject({ insideLeadTime: true, leadTimeDays: 10 });
  });

  it('records a request for "your manager" and answers it with the chain, ending at the sales rep', async () => {
    const escalation = await http.post<Recorded>(
      '/accounts/acme/escalations',
      keys['sue-service']!,
      {
        ...phone,
        askedFor: 'your manager',
        reason: 'Wants a better price than the quote',
      },
    );
    expect(escalation.status).toBe(201);
    expect(escalation.body.events.map((e) => e.type)).toEqual([
      'EscalationRequested',
      'EscalationAnswered',
    ]);
    expect(JSON.stringify(escalation.body.events[1]!.data)).toContain('sam-sales');
  });

  it('refuses a special situation from a sales rep and counts one granted by a manager with a reason', async () => {
    const refused = await http.post<Problem>(
      '/accounts/acme/special-situations',
      keys['sam-sales']!,
      {
        channel: 'email',
        entitlement: 'Free freight on every order this quarter',
        reason: 'Recovering from the crushed pallet',
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.rule).toBe('special-situation-needs-manager');

    const granted = await http.post<Recorded>('/accounts/acme/special-situations', MANAGER, {
      channel: 'email',
      entitlement: 'Free freight on every order this quarter',
      reason: 'Recovering from the crushed pallet',
    });
    expect(granted.status).toBe(201);

    const account = await http.get<Record<string, unknown>>('/accounts/acme', MANAGER);
    expect(JSON.stringify(account.body)).toMatch(/"specialSituations":1\b/);
  });

  describe('who may see and say what', () => {
    it('keeps a rep out of an account they are not assigned to, for reads and writes', async () => {
      const read = await http.get('/accounts/acme', keys['olga-other']!);
      const write = await http.post('/accounts/acme/promises', keys['olga-other']!, {
        ...phone,
        category: 'delivery',
        text: 'Ships Friday',
        dueDate: '2026-11-27',
        scope: { kind: 'order', id: 'O-7731' },
      });
      expect(read.status).toBe(403);
      expect(write.status).toBe(403);
      expect(read.headers.get('content-type')).toMatch(/problem\+json/);
    });

    it('stamps the authenticated caller on every event; a body cannot name another actor', async () => {
      const forged = await http.post('/accounts/acme/promises', keys['sue-service']!, {
        ...phone,
        category: 'delivery',
        text: 'Ships Friday',
        dueDate: '2026-11-27',
        scope: { kind: 'order', id: 'O-7731' },
        actor: { id: 'sam-sales', role: 'sales' },
      });
      expect(forged.status).toBe(400);

      const honest = await http.post<Recorded>('/accounts/acme/promises', keys['sue-service']!, {
        ...phone,
        category: 'delivery',
        text: 'Ships Friday',
        dueDate: '2026-11-27',
        scope: { kind: 'order', id: 'O-7731' },
      });
      expect(honest.status).toBe(201);
      const events = await http.get<{
        events: Array<{ id: string; metadata: { actor: unknown } }>;
      }>('/accounts/acme/events?fromRevision=0&limit=1000', MANAGER);
      const stored = events.body.events.find((e) => e.id === honest.body.events[0]!.id);
      expect(stored?.metadata.actor).toEqual({ id: 'sue-service', role: 'service' });
    });

    it('lets an auditor read but not write', async () => {
      expect((await http.get('/accounts/acme', keys['audrey-auditor']!)).status).toBe(200);
      const write = await http.post('/accounts/acme/complaints', keys['audrey-auditor']!, {
        ...phone,
        about: 'x',
      });
      expect(write.status).toBe(403);
    });
  });

  describe('retries and concurrency', () => {
    it('returns the first result for a retried Idempotency-Key and stores nothing twice', async () => {
      const body = {
        ...phone,
        category: 'delivery',
        text: 'Call back Monday',
        dueDate: '2026-11-30',
        scope: { kind: 'contract', id: 'MSA-1' },
      };
      const headers = { 'idempotency-key': 'desk-42-call-7' };
      const first = await http.post<Recorded>(
        '/accounts/acme/promises',
        keys['sue-service']!,
        body,
        headers,
      );
      const again = await http.post<Recorded>(
        '/accounts/acme/promises',
        keys['sue-service']!,
        body,
        headers,
      );
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');

      const other = await http.post(
        '/accounts/acme/promises',
        keys['sue-service']!,
        { ...body, text: 'Something else' },
        headers,
      );
      expect(other.status).toBe(422);
      expect(other.body).toMatchObject({ code: 'idempotency-key-reused' });
    });

    it('honours If-Match: a stale ETag is a 412 and writes nothing', async () => {
      const current = await http.get('/accounts/acme', MANAGER);
      const etag = current.headers.get('etag')!;
      const body = { ...phone, complaintId: 'C-9', about: 'Invoice address wrong' };
      const fresh = await http.post<Recorded>(
        '/accounts/acme/complaints',
        keys['sue-service']!,
        body,
        { 'if-match': etag },
      );
      expect(fresh.status).toBe(201);

      const stale = await http.post(
        '/accounts/acme/complaints',
        keys['sue-service']!,
        { ...body, complaintId: 'C-10' },
        { 'if-match': etag },
      );
      expect(stale.status).toBe(412);
      const after = await http.get('/accounts/acme', MANAGER);
      expect(after.headers.get('etag')).toBe(`"${fresh.body.revision}"`);
    });

    it('rejects bad input with every bad field named and writes nothing', async () => {
      const before = (await http.get('/accounts/acme', MANAGER)).headers.get('etag');
      const bad = await http.post<{ errors: Array<{ field: string }> }>(
        '/accounts/acme/quotes',
        keys['sam-sales']!,
        {
          channel: 'pigeon',
          currency: 'usd',
          lines: [{ sku: 'W-1', quantity: -1, unitPriceMinor: 10.5, unitCostMinor: 5 }],
          validUntil: 'next week',
          terms: 'Net 30',
        },
      );
      expect(bad.status).toBe(400);
      const fields = bad.body.errors.map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['channel', 'currency', 'validUntil']));
      expect(fields.some((f) => f.startsWith('lines'))).toBe(true);
      expect((await http.get('/accounts/acme', MANAGER)).headers.get('etag')).toBe(before);
    });

    it('refuses an occurredAt in the future', async () => {
      const response = await http.post('/accounts/acme/complaints', keys['sue-service']!, {
        ...phone,
        occurredAt: '2027-01-01T00:00:00Z',
        about: 'From the future',
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'occurred-in-future' });
    });
  });
});
