import { FixedClock } from '@onrecord/kernel';
import { type RunningApi, startApi } from '../../../test/support/api-harness.js';
import { httpClient } from '../../../test/support/http-client.js';
import { standardPolicy } from '../../../test/fixtures/policies.js';

const MANAGER = 'onr_claims-manager-key-000000000000000';

interface Recorded {
  revision: number;
  position: string;
  events: Array<{ id: string; type: string; revision: number; data: Record<string, unknown> }>;
}
interface Evidence {
  eventId: string;
  type: string;
  bearing: string;
  decisive: boolean;
  reason: string;
  summary: string;
  who: { id: string; role: string };
  channel: string | null;
  counterparty: Record<string, unknown> | null;
  occurredAt: string;
  recordedAt: string;
  late: boolean;
  hash: string;
  position: string;
  correctedBy: string[];
}
interface Answer {
  verdict: 'supported' | 'contradicted' | 'no_record';
  evidence: Evidence[];
  notes: Array<{ code: string; detail: string; eventId: string | null }>;
  inForce: {
    at: string;
    policy: { version: number } | null;
    assignment: { ownerId: string; serviceRepIds: string[] } | null;
    paymentTerms: { netDays: number } | null;
    paymentTermsInScope: { netDays: number } | null;
    leadTimeAgreements: Array<{ agreementId: string; leadTimeDays: number }>;
  };
  measure: { delivered: number; onTime: number; onTimeBps: number; agreedTargetBps: number } | null;
}
interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ field: string; messages: string[] }>;
}
/** One NDJSON line of a replay; which fields it has depends on its kind. */
interface ReplayLine {
  kind: 'replay' | 'event' | 'end';
  revision: number;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  decision: { outcome: string; why: string; policyVersion: number | null } | null;
  stateAfter: { counts: Record<string, number> } & Record<string, unknown>;
}
interface TimelinePage {
  entries: Array<Evidence & { category: string; correctedBy: string[]; revision: number }>;
  nextCursor: string | null;
}

const at = (iso: string): Date => new Date(iso);

/**
 * Acme's story through the real HTTP API on the real store, told day by day
 * on a clock the test moves: terms stated and refused, discounts, freight
 * refused then granted for a legitimate complaint, a Kanban agreement, orders
 * inside the lead time, a rush refused and one approved, promises kept and
 * broken, a reassignment, a special situation, a correction, and a statement
 * entered weeks after it was made. Then the customer's claims are checked.
 */
describe('claim check, account views and replay, end to end', () => {
  const clock = new FixedClock(at('2026-11-01T09:00:00Z'));
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  const keys: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const phone = { channel: 'phone', counterparty: { contactId: 'pat-buyer', name: 'Pat Buyer' } };

  async function say(
    when: string,
    who: string,
    path: string,
    body: Record<string, unknown>,
    expected = 201,
  ): Promise<Recorded> {
    clock.set(at(when));
    const response = await http.post<Recorded>(path, keys[who]!, { ...phone, ...body });
    if (response.status !== expected) {
      throw new Error(`${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    return response.body;
  }

  const check = (
    body: Record<string, unknown>,
    who = 'sue-service',
    account = 'acme',
  ): Promise<{ status: number; body: Answer }> =>
    http.post<Answer>(`/accounts/${account}/claims/check`, keys[who]!, body);

  beforeAll(async () => {
    api = await startApi({ ONRECORD_BOOTSTRAP_KEY: MANAGER }, { clock });
    http = httpClient(api.baseUrl);
    keys['manager'] = MANAGER;
    for (const [id, role] of [
      ['sam-sales', 'sales'],
      ['sue-service', 'service'],
      ['val-service', 'service'],
      ['olga-other', 'sales'],
      ['audrey-auditor', 'auditor'],
    ] as const) {
      const created = await http.post<{ key: string }>('/actors', MANAGER, { id, name: id, role });
      keys[id] = created.body.key;
    }
    clock.set(at('2026-10-30T09:00:00Z'));
    expect((await http.post('/policies', MANAGER, { policy: standardPolicy })).status).toBe(201);

    await say('2026-11-01T09:00:00Z', 'sam-sales', '/accounts', {
      accountId: 'acme',
      name: 'Acme Fasteners',
      ownerId: 'sam-sales',
      serviceRepIds: ['sue-service'],
      segment: 'industrial',
    });
    await say('2026-11-01T09:30:00Z', 'sam-sales', '/accounts/acme/expectations', {
      channel: 'meeting',
      mustDo: ['Confirm every order within one business day'],
      mustNeverDo: ['Ship partial orders without asking'],
      ifWeSlipOnce: 'A call from the sales rep and a recovery plan within 48 hours',
      serviceLevels: [
        {
          metric: 'on-time-delivery',
          description: 'Delivered by the due date',
          target: 9500,
          unit: 'bps',
        },
      ],
    });
    await say('2026-11-01T10:00:00Z', 'sam-sales', '/accounts/acme/lead-time-agreements', {
      agreementId: 'K-1',
      kind: 'kanban',
      leadTimeDays: 10,
      skus: ['W-1'],
      from: '2026-11-01',
    });
    await say(
      '2026-11-01T10:05:00Z',
      'sam-sales',
      '/accounts/acme/lead-time-agreements',
      { agreementId: 'K-2', kind: 'kanban', leadTimeDays: 5, skus: ['W-3'], from: '2026-11-01' },
      422,
    );
    await say('2026-11-02T10:00:00Z', 'sam-sales', '/accounts/acme/quotes', {
      quoteId: 'Q-1',
      currency: 'USD',
      lines: [{ sku: 'W-1', quantity: 100, unitPriceMinor: 1200, unitCostMinor: 850 }],
      validUntil: '2026-12-31',
      terms: 'FOB origin',
    });
    ids['net30'] = (
      await say('2026-11-02T10:10:00Z', 'sam-sales', '/accounts/acme/payment-terms', {
        netDays: 30,
        context: { kind: 'verbal' },
      })
    ).events[0]!.id;
    ids['net45-q1'] = (
      await say('2026-11-03T10:00:00Z', 'sam-sales', '/accounts/acme/payment-terms', {
        netDays: 45,
        context: { kind: 'quote', referenceId: 'Q-1' },
      })
    ).events[0]!.id;
    await say(
      '2026-11-03T10:05:00Z',
      'sam-sales',
      '/accounts/acme/payment-terms',
      { netDays: 60, context: { kind: 'quote', referenceId: 'Q-1' } },
      422,
    );
    await say('2026-11-04T10:00:00Z', 'sam-sales', '/accounts/acme/concessions', {
      concessionId: 'D-1',
      request: { kind: 'price_discount', target: { kind: 'quote', id: 'Q-1' }, discountBps: 300 },
    });
    await say(
      '2026-11-04T10:05:00Z',
      'sam-sales',
      '/accounts/acme/concessions',
      {
        concessionId: 'D-2',
        request: { kind: 'price_discount', target: { kind: 'quote', id: 'Q-1' }, discountBps: 200 },
      },
      422,
    );
    await say('2026-11-05T10:00:00Z', 'sam-sales', '/accounts/acme/orders', {
      orderId: 'O-1',
      quoteId: 'Q-1',
      currency: 'USD',
      lines: [{ sku: 'W-1', quantity: 100, unitPriceMinor: 1200, unitCostMinor: 850 }],
      placedOn: '2026-11-05',
      requestedDeliveryDate: '2026-12-01',
    });
    const freight = {
      kind: 'freight_paid',
      orderId: 'O-1',
      freightCost: { amountMinor: 5000, currency: 'USD' },
    };
    await say(
      '2026-11-06T10:00:00Z',
      'sam-sales',
      '/accounts/acme/concessions',
      { concessionId: 'F-1', request: freight },
      422,
    );
    await say('2026-11-07T09:00:00Z', 'sue-service', '/accounts/acme/complaints', {
      complaintId: 'C-1',
      about: 'A pallet of order O-1 arrived crushed',
      orderId: 'O-1',
    });
    await say('2026-11-07T11:00:00Z', 'sam-sales', '/accounts/acme/complaints/C-1/assessment', {
      channel: 'email',
      legitimate: true,
      reason: 'Carrier photos confirm the damage',
    });
    ids['F-2'] = (
      await say('2026-11-07T12:00:00Z', 'sam-sales', '/accounts/acme/concessions', {
        concessionId: 'F-2',
        request: { ...freight, complaintId: 'C-1' },
      })
    ).events[0]!.id;
    await say('2026-11-09T10:00:00Z', 'sue-service', '/accounts/acme/promises', {
      promiseId: 'P-1',
      category: 'delivery',
      text: 'The replacement pallet ships Friday',
      dueDate: '2026-11-13',
      scope: { kind: 'order', id: 'O-1' },
    });
    await say('2026-11-10T10:00:00Z', 'sam-sales', '/accounts/acme/promises', {
      promiseId: 'P-2',
      category: 'service',
      text: 'Call back with a recovery plan',
      dueDate: '2026-11-16',
      scope: { kind: 'contract', id: 'MSA-1' },
    });
    await say('2026-11-13T16:00:00Z', 'sue-service', '/accounts/acme/promises/P-1/outcome', {
      outcome: 'kept',
      on: '2026-11-13',
    });
    await say('2026-11-15T10:00:00Z', 'sam-sales', '/accounts/acme/reassignments', {
      channel: 'email',
      serviceRepIds: ['sue-service', 'val-service'],
      reason: 'Second desk for the busy season',
    });
    await say('2026-11-17T10:00:00Z', 'sam-sales', '/accounts/acme/promises/P-2/outcome', {
      outcome: 'broken',
      on: '2026-11-17',
      note: 'Plan was not ready',
    });
    await say('2026-11-18T10:00:00Z', 'manager', '/accounts/acme/special-situations', {
      channel: 'email',
      entitlement: 'Extended warranty on the December order',
      reason: 'Recovering from the crushed pallet',
    });
    await say('2026-11-20T10:00:00Z', 'sue-service', '/accounts/acme/orders', {
      orderId: 'O-2',
      currency: 'USD',
      lines: [{ sku: 'W-1', quantity: 10, unitPriceMinor: 1200, unitCostMinor: 850 }],
      placedOn: '2026-11-20',
      requestedDeliveryDate: '2026-11-25',
    });
    await say('2026-11-20T10:10:00Z', 'sue-service', '/accounts/acme/orders/O-2/rush-requests', {
      requestedDeliveryDate: '2026-11-25',
      reason: 'Line stoppage',
    });
    await say(
      '2026-11-20T11:00:00Z',
      'sam-sales',
      '/accounts/acme/orders/O-2/rush-decision',
      { approve: false, reason: 'No capacity this week' },
      422,
    );
    await say(
      '2026-11-20T11:30:00Z',
      'sam-sales',
      '/accounts/acme/concessions',
      { concessionId: 'F-3', request: { ...freight, orderId: 'O-2' } },
      422,
    );
    await say('2026-11-20T12:00:00Z', 'sue-service', '/accounts/acme/orders', {
      orderId: 'O-3',
      currency: 'USD',
      lines: [{ sku: 'W-2', quantity: 5, unitPriceMinor: 2000, unitCostMinor: 1400 }],
      placedOn: '2026-11-20',
      requestedDeliveryDate: '2026-11-26',
    });
    await say('2026-11-21T09:00:00Z', 'sue-service', '/accounts/acme/orders/O-3/rush-requests', {
      requestedDeliveryDate: '2026-12-01',
      reason: 'Trade show',
    });
    await say('2026-11-21T10:00:00Z', 'sam-sales', '/accounts/acme/orders/O-3/rush-decision', {
      approve: true,
    });
    await say('2026-11-24T10:00:00Z', 'sue-service', '/accounts/acme/orders/O-1/shipments', {
      channel: 'portal',
      shippedOn: '2026-11-24',
    });
    await say('2026-11-26T10:00:00Z', 'sue-service', '/accounts/acme/orders/O-1/delivery', {
      channel: 'portal',
      deliveredOn: '2026-11-26',
    });
    await say('2026-11-30T10:00:00Z', 'sue-service', '/accounts/acme/orders/O-2/shipments', {
      channel: 'portal',
      shippedOn: '2026-11-30',
    });
    await say('2026-12-02T10:00:00Z', 'sue-service', '/accounts/acme/orders/O-2/delivery', {
      channel: 'portal',
      deliveredOn: '2026-12-02',
    });
    ids['P-3'] = (
      await say('2026-12-03T10:00:00Z', 'sue-service', '/accounts/acme/promises', {
        promiseId: 'P-3',
        category: 'documentation',
        text: 'Send the revised price list',
        dueDate: '2026-12-05',
        scope: { kind: 'contract', id: 'MSA-1' },
      })
    ).events[0]!.id;
    ids['correction'] = (
      await say('2026-12-04T10:00:00Z', 'sam-sales', '/accounts/acme/corrections', {
        channel: 'email',
        correctedEventId: ids['P-3'],
        reason: 'Wrong due date: the price list was promised for the 8th',
        correction: 'dueDate 2026-12-08',
      })
    ).events[0]!.id;
    // Said on the phone on 21 November, entered on 10 December: a late entry.
    ids['late-net45'] = (
      await say('2026-12-10T10:00:00Z', 'sam-sales', '/accounts/acme/payment-terms', {
        occurredAt: '2026-11-21T14:00:00Z',
        netDays: 45,
        context: { kind: 'order', referenceId: 'O-1' },
      })
    ).events[0]!.id;
    await say('2026-12-10T11:00:00Z', 'sam-sales', '/accounts', {
      accountId: 'beta',
      name: 'Beta Bolts',
      ownerId: 'sam-sales',
      serviceRepIds: ['sue-service'],
      segment: 'industrial',
    });
    clock.set(at('2026-12-15T10:00:00Z'));
  });

  afterAll(async () => {
    await api.stop();
  });

  describe('each verdict for each category', () => {
    const cases: Array<[string, Record<string, unknown>, Answer['verdict'], string?]> = [
      [
        'freight on O-1, granted for a legitimate complaint',
        { category: 'freight', scope: { kind: 'order', id: 'O-1' } },
        'supported',
      ],
      [
        'freight on O-2, refused without a complaint',
        { category: 'freight', scope: { kind: 'order', id: 'O-2' } },
        'contradicted',
      ],
      [
        'freight on an order never recorded',
        { category: 'freight', scope: { kind: 'order', id: 'O-9' } },
        'no_record',
      ],
      [
        '3% off Q-1',
        { category: 'price', scope: { kind: 'quote', id: 'Q-1' }, assertion: { discountBps: 300 } },
        'supported',
      ],
      [
        '10% off Q-1',
        {
          category: 'price',
          scope: { kind: 'quote', id: 'Q-1' },
          assertion: { discountBps: 1000 },
        },
        'contradicted',
      ],
      [
        '5% off a quote never recorded',
        { category: 'price', scope: { kind: 'quote', id: 'Q-9' }, assertion: { discountBps: 500 } },
        'no_record',
      ],
      [
        'Net 45 on Q-1',
        {
          category: 'payment_terms',
          scope: { kind: 'quote', id: 'Q-1' },
          assertion: { netDays: 45 },
        },
        'supported',
      ],
      [
        'Net 60 on Q-1, refused',
        {
          category: 'payment_terms',
          scope: { kind: 'quote', id: 'Q-1' },
          assertion: { netDays: 60 },
        },
        'contradicted',
      ],
      [
        'Net 60 for an account with no terms stated',
        { category: 'payment_terms', assertion: { netDays: 60 } },
        'no_record',
        'beta',
      ],
      [
        'O-3 by 1 December, a rush approved',
        {
          category: 'delivery_date',
          scope: { kind: 'order', id: 'O-3' },
          assertion: { deliverBy: '2026-12-01' },
        },
        'supported',
      ],
      [
        'O-2 by 25 November, inside the lead time and rush refused',
        {
          category: 'delivery_date',
          scope: { kind: 'order', id: 'O-2' },
          assertion: { deliverBy: '2026-11-25' },
        },
        'contradicted',
      ],
      [
        'an unknown order by a date',
        {
          category: 'delivery_date',
          scope: { kind: 'order', id: 'O-9' },
          assertion: { deliverBy: '2026-12-01' },
        },
        'no_record',
      ],
      [
        '10-day Kanban lead time on K-1',
        {
          category: 'lead_time',
          scope: { kind: 'contract', id: 'K-1' },
          assertion: { leadTimeDays: 10 },
        },
        'supported',
      ],
      [
        '5-day lead time on K-1',
        {
          category: 'lead_time',
          scope: { kind: 'contract', id: 'K-1' },
          assertion: { leadTimeDays: 5 },
        },
        'contradicted',
      ],
      [
        'lead time on an agreement never made',
        {
          category: 'lead_time',
          scope: { kind: 'contract', id: 'K-9' },
          assertion: { leadTimeDays: 5 },
        },
        'no_record',
      ],
      [
        'rush on O-3, approved',
        { category: 'rush', scope: { kind: 'order', id: 'O-3' } },
        'supported',
      ],
      [
        'rush on O-2, refused',
        { category: 'rush', scope: { kind: 'order', id: 'O-2' } },
        'contradicted',
      ],
      [
        'rush on O-1, never asked',
        { category: 'rush', scope: { kind: 'order', id: 'O-1' } },
        'no_record',
      ],
      [
        'the pallet promise',
        {
          category: 'promise',
          scope: { kind: 'order', id: 'O-1' },
          assertion: { text: 'replacement pallet ships Friday' },
        },
        'supported',
      ],
      [
        'the pallet promise for the 20th',
        {
          category: 'promise',
          scope: { kind: 'order', id: 'O-1' },
          assertion: { text: 'replacement pallet ships Friday', dueDate: '2026-11-20' },
        },
        'contradicted',
      ],
      [
        'a promise of free installation',
        { category: 'promise', assertion: { text: 'free installation' } },
        'no_record',
      ],
      [
        '"you are always late" about O-2',
        { category: 'service_level', scope: { kind: 'order', id: 'O-2' } },
        'supported',
      ],
      [
        '"you are always late" about O-1',
        { category: 'service_level', scope: { kind: 'order', id: 'O-1' } },
        'contradicted',
      ],
      [
        '"you are always late" with nothing delivered',
        { category: 'service_level', scope: { kind: 'order', id: 'O-3' } },
        'no_record',
      ],
      [
        'an extended warranty',
        { category: 'other', assertion: { text: 'extended warranty' } },
        'supported',
      ],
      [
        'shipping partial orders',
        { category: 'other', assertion: { text: 'ship partial orders' } },
        'contradicted',
      ],
      [
        'free lunch vouchers',
        { category: 'other', assertion: { text: 'free lunch vouchers' } },
        'no_record',
      ],
    ];

    const titled = cases.map(
      ([title, claim, verdict, account]) =>
        [`${title} → ${verdict}`, claim, verdict, account] as const,
    );

    it.each(titled)('%s', async (_title, claim, verdict, account = 'acme') => {
      const answer = await check(claim, 'sue-service', account);
      expect(answer.status).toBe(200);
      expect(answer.body.verdict).toBe(verdict);
      const decisive = answer.body.evidence.filter((e) => e.decisive);
      if (verdict === 'no_record') expect(decisive).toEqual([]);
      else {
        expect(decisive.length).toBeGreaterThan(0);
        const bearing = verdict === 'supported' ? 'supports' : 'contradicts';
        expect(decisive.every((e) => e.bearing === bearing)).toBe(true);
      }
    });

    it('names who said it, in which role, on which channel, to whom, when, with its hash and position', async () => {
      const answer = await check({ category: 'freight', scope: { kind: 'order', id: 'O-1' } });
      const granted = answer.body.evidence.find((e) => e.eventId === ids['F-2']);
      expect(granted).toMatchObject({
        type: 'ConcessionGranted',
        decisive: true,
        who: { id: 'sam-sales', role: 'sales' },
        channel: 'phone',
        counterparty: { contactId: 'pat-buyer', name: 'Pat Buyer' },
        occurredAt: '2026-11-07T12:00:00.000Z',
        recordedAt: '2026-11-07T12:00:00.000Z',
        late: false,
      });
      expect(granted!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(granted!.position).toMatch(/^\d+(:\d+)?$/);
      expect(granted!.summary).toContain('freight paid on order O-1');
      const refused = answer.body.evidence.find((e) => e.type === 'ConcessionRefused');
      expect(refused).toMatchObject({ bearing: 'contradicts', decisive: false });
    });

    it('shows the on-time record against the agreed target for "you are always late"', async () => {
      const answer = await check({ category: 'service_level' });
      expect(answer.body.verdict).toBe('contradicted');
      expect(answer.body.measure).toMatchObject({
        delivered: 2,
        onTime: 1,
        onTimeBps: 5000,
        agreedTargetBps: 9500,
      });
      expect(answer.body.notes.map((n) => n.code)).toContain('service-level-target');
    });

    it('says what was in force at the alleged time: terms, agreements, the policy version', async () => {
      const answer = await check({
        category: 'payment_terms',
        scope: { kind: 'quote', id: 'Q-1' },
        allegedAt: '2026-11-02T12:00:00Z',
        assertion: { netDays: 45 },
      });
      expect(answer.body.verdict).toBe('contradicted');
      expect(answer.body.inForce).toMatchObject({
        at: '2026-11-02T12:00:00.000Z',
        policy: { version: 1 },
        assignment: { ownerId: 'sam-sales', serviceRepIds: ['sue-service'] },
        paymentTerms: { netDays: 30 },
        paymentTermsInScope: { netDays: 30 },
      });
      expect(answer.body.inForce.leadTimeAgreements.map((l) => l.agreementId)).toEqual(['K-1']);
      expect(answer.body.notes.find((n) => n.code === 'granted-later')?.eventId).toBe(
        ids['net45-q1'],
      );
    });
  });

  describe('what weakens a claim or the record', () => {
    it('flags a decisive record entered late, and one the company did not know at the alleged time', async () => {
      const answer = await check({
        category: 'payment_terms',
        scope: { kind: 'order', id: 'O-1' },
        allegedAt: '2026-11-21T15:00:00Z',
        assertion: { netDays: 45 },
      });
      expect(answer.body.verdict).toBe('supported');
      const late = answer.body.evidence.find((e) => e.eventId === ids['late-net45']);
      expect(late).toMatchObject({
        decisive: true,
        late: true,
        occurredAt: '2026-11-21T14:00:00.000Z',
        recordedAt: '2026-12-10T10:00:00.000Z',
      });
      const codes = answer.body.notes.map((n) => n.code);
      expect(codes).toEqual(
        expect.arrayContaining(['recorded-late', 'recorded-after-alleged-time']),
      );
    });

    it('shows a correction of the deciding record', async () => {
      const answer = await check({
        category: 'promise',
        assertion: { text: 'revised price list' },
      });
      expect(answer.body.verdict).toBe('supported');
      const promise = answer.body.evidence.find((e) => e.eventId === ids['P-3']);
      expect(promise?.correctedBy).toEqual([ids['correction']]);
      expect(answer.body.evidence.some((e) => e.eventId === ids['correction'])).toBe(true);
      const note = answer.body.notes.find((n) => n.code === 'corrected');
      expect(note).toMatchObject({ eventId: ids['correction'] });
      expect(note!.detail).toContain('promised for the 8th');
    });

    it('notes that the alleged rep was not assigned to the account at the alleged time', async () => {
      const claim = {
        category: 'freight',
        scope: { kind: 'order', id: 'O-1' },
        allegedAt: '2026-11-10T10:00:00Z',
      };
      const val = await check({ ...claim, allegedActorId: 'val-service' });
      expect(val.body.notes.find((n) => n.code === 'actor-not-assigned')?.detail).toContain(
        'val-service was not assigned',
      );
      const sue = await check({ ...claim, allegedActorId: 'sue-service' });
      expect(sue.body.notes.map((n) => n.code)).not.toContain('actor-not-assigned');
      expect(sue.body.notes.map((n) => n.code)).toContain('said-by-someone-else');
      const olga = await check({ category: 'freight', allegedActorId: 'olga-other' });
      expect(olga.body.notes.map((n) => n.code)).toContain('actor-never-assigned');
    });

    it('notes an alleged time before the account existed, and answers from what had been said by then', async () => {
      const answer = await check({
        category: 'payment_terms',
        allegedAt: '2026-10-01T10:00:00Z',
        assertion: { netDays: 30 },
      });
      expect(answer.body.verdict).toBe('no_record');
      const codes = answer.body.notes.map((n) => n.code);
      expect(codes).toEqual(expect.arrayContaining(['before-account-opened', 'granted-later']));
    });

    it('answers no_record, never an error, on an account with nothing but its opening', async () => {
      for (const claim of [
        { category: 'freight' },
        { category: 'service_level' },
        { category: 'other', assertion: { text: 'anything at all' } },
      ]) {
        const answer = await check(claim, 'sue-service', 'beta');
        expect(answer.status).toBe(200);
        expect(answer.body.verdict).toBe('no_record');
        expect(answer.body.notes.map((n) => n.code)).toContain('empty-history');
      }
    });
  });

  describe('the two clocks', () => {
    it('differ at a time between when a statement was made and when it was recorded', async () => {
      type AsOf = {
        events: number;
        account: { paymentTerms: { byContext: Array<{ eventId: string; netDays: number }> } };
        clocksDiffer: { saidButNotYetRecorded: Array<{ eventId: string; late: boolean }> };
      };
      const asOf = '2026-11-22T00:00:00Z';
      const occurred = await http.get<AsOf>(
        `/accounts/acme/state?asOf=${asOf}&clock=occurred`,
        keys['sam-sales']!,
      );
      const recorded = await http.get<AsOf>(
        `/accounts/acme/state?asOf=${asOf}&clock=recorded`,
        keys['sam-sales']!,
      );
      expect(occurred.status).toBe(200);
      expect(recorded.status).toBe(200);
      const termIds = (r: AsOf): string[] => r.account.paymentTerms.byContext.map((t) => t.eventId);
      expect(termIds(occurred.body)).toContain(ids['late-net45']);
      expect(termIds(recorded.body)).not.toContain(ids['late-net45']);
      expect(occurred.body.events).toBe(recorded.body.events + 1);
      expect(recorded.body.clocksDiffer.saidButNotYetRecorded).toEqual([
        expect.objectContaining({ eventId: ids['late-net45'], late: true }),
      ]);
    });

    it('shows the account as it stood before later events', async () => {
      const early = await http.get<{
        account: { orders: { placed: number }; counts: { concessionsGranted: number } };
      }>('/accounts/acme/state?asOf=2026-11-06T00:00:00Z&clock=recorded', keys['audrey-auditor']!);
      expect(early.body.account.orders.placed).toBe(1);
      expect(early.body.account.counts.concessionsGranted).toBe(1);
      const before = await http.get<{ account: null; events: number }>(
        '/accounts/acme/state?asOf=2026-10-15T00:00:00Z',
        keys['audrey-auditor']!,
      );
      expect(before.body).toMatchObject({ account: null, events: 0 });
    });
  });

  describe('the account as it stands', () => {
    it('answers with reps, tier, terms, promises, concessions, complaints, deliveries, rebate and special situations', async () => {
      const response = await http.get<Record<string, unknown>>(
        '/accounts/acme',
        keys['sue-service']!,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe(`"${String(response.body['revision'])}"`);
      expect(response.body).toMatchObject({
        accountId: 'acme',
        assignment: { ownerId: 'sam-sales', serviceRepIds: ['sue-service', 'val-service'] },
        tier: { code: 'standard', policyVersion: 1 },
        paymentTerms: { inForce: { netDays: 45, eventId: ids['late-net45'] } },
        promises: { trackRecord: { kept: 1, keptOnTime: 1, broken: 1 } },
        concessions: { grossProfitConcededMinor: { USD: 8600 } },
        complaints: { raised: 1, legitimate: 1 },
        delivery: { delivered: 2, onTime: 1, onTimeBps: 5000, agreedOnTimeTargetBps: 9500 },
        rebate: { rateBps: 0, status: 'pending' },
        expectations: { version: 1, agreedBy: 'sam-sales' },
        specialSituations: { count: 1 },
        counts: { ordersInsideLeadTime: 2, rushesApproved: 1 },
      });
      const concessions = response.body['concessions'] as {
        granted: unknown[];
        refused: unknown[];
      };
      expect(concessions.granted).toHaveLength(2);
      expect(concessions.refused).toHaveLength(3);
      const orders = response.body['orders'] as { late: Array<{ orderId: string; rush: string }> };
      expect(orders.late).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ orderId: 'O-2', rush: 'refused' }),
          expect.objectContaining({ orderId: 'O-3', rush: 'approved' }),
        ]),
      );
    });
  });

  describe('recording a claim', () => {
    it('records the claim and its verdict with the evidence ids on the account, and shows it in the views', async () => {
      clock.set(at('2026-12-15T10:30:00Z'));
      const recorded = await http.post<
        Answer & { claimId: string; recorded: { eventId: string; revision: number } }
      >('/accounts/acme/claims', keys['sue-service']!, {
        ...phone,
        claimId: 'CL-1',
        category: 'freight',
        scope: { kind: 'order', id: 'O-1' },
        allegedActorId: 'sam-sales',
        assertion: { freightPaid: true },
      });
      expect(recorded.status).toBe(201);
      expect(recorded.body.verdict).toBe('supported');
      expect(recorded.headers.get('etag')).toBe(`"${recorded.body.recorded.revision}"`);

      const events = await http.get<{
        events: Array<{
          id: string;
          type: string;
          data: Record<string, unknown>;
          metadata: { actor: unknown };
        }>;
      }>(
        `/accounts/acme/events?fromRevision=${recorded.body.recorded.revision}`,
        keys['sue-service']!,
      );
      const stored = events.body.events[0]!;
      expect(stored).toMatchObject({
        id: recorded.body.recorded.eventId,
        type: 'ClaimRecorded',
        metadata: { actor: { id: 'sue-service', role: 'service' } },
        data: { claimId: 'CL-1', verdict: 'supported', decidingActorIds: ['sam-sales'] },
      });
      expect(stored.data['evidenceEventIds']).toContain(ids['F-2']);

      const account = await http.get<{
        claims: { checked: number; byVerdict: Record<string, number> };
      }>('/accounts/acme', keys['sue-service']!);
      expect(account.body.claims).toMatchObject({ checked: 1, byVerdict: { supported: 1 } });

      // The commitments fold skips the claim event: the account takes the next command as before.
      const next = await http.post<Recorded>('/accounts/acme/complaints', keys['sue-service']!, {
        ...phone,
        about: 'Invoice address wrong',
      });
      expect(next.status).toBe(201);
      expect(next.body.revision).toBe(recorded.body.recorded.revision + 1);
    });

    it('answers a retry with the same Idempotency-Key with the first answer, recording nothing twice', async () => {
      const body = { ...phone, category: 'rush', scope: { kind: 'order', id: 'O-2' } };
      const headers = { 'idempotency-key': 'desk-7-claim-2' };
      const first = await http.post<{ claimId: string; recorded: { revision: number } }>(
        '/accounts/acme/claims',
        keys['sue-service']!,
        body,
        headers,
      );
      const again = await http.post('/accounts/acme/claims', keys['sue-service']!, body, headers);
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      const after = await http.get('/accounts/acme', keys['sue-service']!);
      expect(after.headers.get('etag')).toBe(`"${first.body.recorded.revision}"`);
    });

    it('lets an auditor check a claim but not record one', async () => {
      const claim = { category: 'rush', scope: { kind: 'order', id: 'O-3' } };
      expect((await check(claim, 'audrey-auditor')).body.verdict).toBe('supported');
      const write = await http.post('/accounts/acme/claims', keys['audrey-auditor']!, {
        ...phone,
        ...claim,
      });
      expect(write.status).toBe(403);
    });
  });

  describe('the timeline', () => {
    it('pages through every event newest first with a cursor, each with who, role, channel, counterparty, both clocks, late flag and hash', async () => {
      const all = await http.get<{ events: unknown[] }>(
        '/accounts/acme/events?limit=1000',
        keys['sam-sales']!,
      );
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: TimelinePage } = await http.get<TimelinePage>(
          `/accounts/acme/timeline?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
          keys['sam-sales']!,
        );
        seen.push(...page.body.entries.map((e) => e.revision));
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      expect(seen).toHaveLength(all.body.events.length);
      expect([...seen].sort((a, b) => b - a)).toEqual(seen);
      expect(new Set(seen).size).toBe(seen.length);

      const first = await http.get<TimelinePage>(
        '/accounts/acme/timeline?limit=1',
        keys['sam-sales']!,
      );
      expect(Object.keys(first.body.entries[0]!)).toEqual(
        expect.arrayContaining([
          'who',
          'channel',
          'counterparty',
          'occurredAt',
          'recordedAt',
          'late',
          'hash',
          'summary',
        ]),
      );
    });

    it('filters by category, actor, scope, text and time on either clock, and shows corrections', async () => {
      const concessions = await http.get<TimelinePage>(
        '/accounts/acme/timeline?category=concession&actor=sam-sales',
        keys['sam-sales']!,
      );
      expect(concessions.body.entries.map((e) => e.type).sort()).toEqual([
        'ConcessionGranted',
        'ConcessionGranted',
        'ConcessionRefused',
        'ConcessionRefused',
        'ConcessionRefused',
      ]);
      const freight = await http.get<TimelinePage>(
        '/accounts/acme/timeline?scope=order:O-1&q=freight&category=concession',
        keys['sam-sales']!,
      );
      expect(freight.body.entries.map((e) => e.summary)).toEqual([
        expect.stringContaining('Concession F-2 granted'),
        expect.stringContaining('Concession F-1 refused'),
      ]);
      const window = 'from=2026-11-21T00:00:00Z&to=2026-11-21T23:59:59Z';
      const occurred = await http.get<TimelinePage>(
        `/accounts/acme/timeline?clock=occurred&${window}`,
        keys['sam-sales']!,
      );
      const recorded = await http.get<TimelinePage>(
        `/accounts/acme/timeline?clock=recorded&${window}`,
        keys['sam-sales']!,
      );
      expect(occurred.body.entries.map((e) => e.eventId)).toContain(ids['late-net45']);
      expect(recorded.body.entries.map((e) => e.eventId)).not.toContain(ids['late-net45']);
      expect(occurred.body.entries.find((e) => e.eventId === ids['late-net45'])?.late).toBe(true);

      const promises = await http.get<TimelinePage>(
        '/accounts/acme/timeline?category=promise',
        keys['sam-sales']!,
      );
      expect(promises.body.entries.find((e) => e.eventId === ids['P-3'])?.correctedBy).toEqual([
        ids['correction'],
      ]);
    });
  });

  describe('replay for auditors', () => {
    it('streams the events in order, each with the state after it and, for each decision, the policy version and why', async () => {
      const response = await fetch(`${api.baseUrl}/accounts/acme/replay`, {
        headers: { authorization: `Bearer ${keys['audrey-auditor']!}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/x-ndjson');
      const lines = (await response.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ReplayLine);
      expect(lines[0]).toMatchObject({ kind: 'replay', accountId: 'acme', from: 0 });
      expect(lines.at(-1)).toMatchObject({ kind: 'end', events: lines.length - 2 });
      const events = lines.slice(1, -1);
      expect(events.map((l) => l.revision)).toEqual(events.map((_, i) => i));

      const refused = events.find((l) => l.data['concessionId'] === 'F-1')!;
      expect(refused.decision).toMatchObject({
        outcome: 'refused',
        rule: 'freight-needs-complaint',
        policyVersion: 1,
        policy: { freight: { maxShareOfOrderGrossProfitBps: 2000 } },
      });
      expect(refused.stateAfter.counts).toMatchObject({
        concessionsRefused: 2,
        concessionsGranted: 1,
      });
      const granted = events.find((l) => l.eventId === ids['F-2'])!;
      expect(granted.decision).toMatchObject({ outcome: 'granted', policyVersion: 1 });
      expect(granted.decision?.why).toContain('GP impact 5000 USD');
      expect(granted.stateAfter.counts).toMatchObject({ concessionsGranted: 2 });
      const claim = events.find((l) => l.type === 'ClaimRecorded')!;
      expect(claim.decision).toMatchObject({ outcome: 'checked' });
      expect(claim.decision?.why).toContain(ids['F-2']);
    });

    it('replays a range of revisions', async () => {
      const response = await fetch(`${api.baseUrl}/accounts/acme/replay?from=5&to=7&state=full`, {
        headers: { authorization: `Bearer ${keys['sam-sales']!}` },
      });
      const lines = (await response.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ReplayLine);
      expect(lines.slice(1, -1).map((l) => l.revision)).toEqual([5, 6, 7]);
      expect(lines[1]!.stateAfter).toMatchObject({ status: 'open', accountId: 'acme' });
    });
  });

  describe('bad input and edges', () => {
    it('answers 404 for an unknown account on every view', async () => {
      for (const path of ['', '/timeline', '/state?asOf=2026-11-01T00:00:00Z', '/replay']) {
        const response = await http.get<Problem>(`/accounts/nobody${path}`, MANAGER);
        expect(response.status).toBe(404);
        expect(response.body.code).toBe('account-not-found');
      }
      expect((await check({ category: 'freight' }, 'manager', 'nobody')).status).toBe(404);
    });

    it('answers 403 to a rep asking about an account not theirs', async () => {
      expect((await check({ category: 'freight' }, 'olga-other')).status).toBe(403);
      for (const path of ['', '/timeline', '/state?asOf=2026-11-01T00:00:00Z', '/replay']) {
        expect((await http.get(`/accounts/acme${path}`, keys['olga-other']!)).status).toBe(403);
      }
    });

    it('refuses an asOf in the future or malformed with a 400', async () => {
      const future = await http.get<Problem>(
        '/accounts/acme/state?asOf=2027-01-01T00:00:00Z',
        MANAGER,
      );
      expect(future.status).toBe(400);
      expect(future.body.code).toBe('as-of-in-future');
      const malformed = await http.get<Problem>('/accounts/acme/state?asOf=last-tuesday', MANAGER);
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors?.map((e) => e.field)).toEqual(['asOf']);
    });

    it('refuses a claim with an unknown category, listing the allowed ones', async () => {
      const response = await http.post<Problem>('/accounts/acme/claims/check', MANAGER, {
        category: 'weather',
      });
      expect(response.status).toBe(400);
      const category = response.body.errors?.find((e) => e.field === 'category');
      expect(category?.messages[0]).toBe(
        'category must be one of: freight, price, payment_terms, delivery_date, lead_time, rush, promise, service_level, other',
      );
    });

    it('refuses an assertion that does not fit the category, and a missing value, naming the fields', async () => {
      const response = await http.post<Problem>('/accounts/acme/claims/check', MANAGER, {
        category: 'freight',
        assertion: { netDays: 60 },
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid-claim');
      expect(response.body.errors?.map((e) => e.field)).toEqual(['assertion.netDays']);
      const missing = await http.post<Problem>('/accounts/acme/claims/check', MANAGER, {
        category: 'payment_terms',
      });
      expect(missing.body.errors?.map((e) => e.field)).toEqual(['assertion.netDays']);
    });
  });
});
