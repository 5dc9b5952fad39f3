import {
  isAccountEventType,
  isRefusal,
  isRefusalType,
  type AccountEvent,
} from './account.events.js';
import {
  evolveAccount,
  initialAccountState,
  plainAccountState,
  recordEntries,
  recordEntry,
  type AccountState,
  type OpenAccountState,
} from './account.state.js';
import { seededRandom } from '../../../../test/support/seeded-random.js';
import { evolveAccountByCopying } from './testing/copying-fold.reference.js';
import {
  acmeOpened,
  orderPlaced,
  quoteIssued,
  stateAfter,
  tenThousandAtThirtyPercent,
} from './testing/account.fixtures.js';

describe('folding an account stream', () => {
  it('given nothing opened, then events about the account change nothing', () => {
    const promise: AccountEvent = {
      type: 'PromiseMade',
      data: {
        promiseId: 'p-1',
        category: 'delivery',
        text: 'x',
        dueDate: '2025-06-20',
        scope: { kind: 'order', id: 'o-1' },
      },
    };
    expect(evolveAccount(initialAccountState, promise)).toBe(initialAccountState);
  });

  it('keeps the first opening if a second one is ever in the stream', () => {
    const again: AccountEvent = {
      ...acmeOpened,
      data: { ...(acmeOpened.data as object), name: 'Someone else' },
    } as AccountEvent;
    expect((stateAfter(acmeOpened, again) as OpenAccountState).name).toBe('Acme Fasteners');
  });

  it('never throws on an event that refers to something it does not hold', () => {
    const strays: AccountEvent[] = [
      {
        type: 'PromiseKept',
        data: {
          promiseId: 'p-x',
          keptOn: '2025-06-01',
          dueDate: '2025-06-01',
          onTime: true,
          note: null,
        },
      },
      { type: 'QuoteAccepted', data: { quoteId: 'q-x', version: 1, acceptedOn: '2025-06-01' } },
      {
        type: 'OrderDelivered',
        data: {
          orderId: 'o-x',
          deliveredOn: '2025-06-01',
          dueDate: '2025-06-01',
          dueDateBasis: 'requested',
          onTime: true,
          daysLate: 0,
        },
      },
      {
        type: 'PaymentReceived',
        data: {
          paymentId: 'pay-x',
          invoiceId: 'inv-x',
          amount: { amountMinor: 1, currency: 'USD' },
          paidOn: '2025-06-01',
          outstandingMinor: 0,
          settlesInvoice: true,
          daysLate: 0,
        },
      },
    ];
    const state = stateAfter(acmeOpened, strays) as OpenAccountState;
    expect(state.promises).toEqual({});
    expect(state.orders).toEqual({});
    expect(state.invoices).toEqual({});
  });

  it('does not change the state it was given', () => {
    const before = stateAfter(acmeOpened) as OpenAccountState;
    const snapshot = structuredClone(before);
    evolveAccount(before, {
      type: 'ComplaintRaised',
      data: { complaintId: 'c-1', about: 'x', orderId: null },
    });
    expect(before).toEqual(snapshot);
  });
});

describe('recognising events', () => {
  it('tells refusals from other decisions, on events and on stored type names', () => {
    expect(
      isRefusal({
        type: 'RushRefused',
        data: {
          orderId: 'o-1',
          requestedDeliveryDate: '2025-06-13',
          rule: 'rush-declined',
          detail: 'x',
          figures: {},
          alternatives: [],
          policyVersion: 7,
        },
      }),
    ).toBe(true);
    expect(isRefusal(acmeOpened)).toBe(false);
    for (const type of [
      'QuoteRefusedBelowFloor',
      'PaymentTermsRefused',
      'ConcessionRefused',
      'LeadTimeAgreementRefused',
      'RushRefused',
      'SpecialSituationRefused',
    ]) {
      expect(isRefusalType(type)).toBe(true);
    }
    expect(isRefusalType('ConcessionGranted')).toBe(false);
    expect(isRefusalType('EscalationAnswered')).toBe(false);
  });

  it('knows the account stream’s event types and nothing else', () => {
    expect(isAccountEventType('OrderPlaced')).toBe(true);
    expect(isAccountEventType('SpecialSituationRefused')).toBe(true);
    expect(isAccountEventType('PolicyPublished')).toBe(false);
    expect(isAccountEventType('orderplaced')).toBe(false);
  });
});

/**
 * A long, busy account history touching every event type the fold knows, with
 * ids that exist, ids that do not, ids that look like array indexes (which
 * plain objects enumerate first) and a second opening.
 */
function busyHistory(length: number, seed: number): AccountEvent[] {
  const next = seededRandom(seed);
  const id = (prefix: string) => {
    const n = Math.floor(next() * Math.max(4, length / 8));
    return next() < 0.1 ? String(n) : `${prefix}-${n}`;
  };
  const usd = (amountMinor: number) => ({ amountMinor, currency: next() < 0.9 ? 'USD' : 'EUR' });
  const figures = () => ({
    quoteId: id('q'),
    version: 1 + Math.floor(next() * 3),
    currency: 'USD',
    revenueMinor: 1_000_000,
    costMinor: 700_000,
    validUntil: '2025-07-01',
  });
  const makers: Array<() => unknown> = [
    () => ({ type: 'AccountReassigned', data: { ownerId: id('rep'), serviceRepIds: [id('svc')] } }),
    () => ({ type: 'ExpectationsAgreed', data: { mustDo: [id('x')], mustNeverDo: [] } }),
    () => ({
      type: 'PromiseMade',
      data: { promiseId: id('p'), category: 'delivery', dueDate: '2025-06-20', scope: null },
    }),
    () => ({ type: 'PromiseKept', data: { promiseId: id('p'), keptOn: '2025-06-02' } }),
    () => ({ type: 'PromiseBroken', data: { promiseId: id('p'), brokenOn: '2025-06-03' } }),
    () => ({ type: 'PromiseWithdrawn', data: { promiseId: id('p'), withdrawnOn: '2025-06-04' } }),
    () => ({ type: 'QuoteIssued', data: figures() }),
    () => ({ type: 'QuoteRevised', data: figures() }),
    () => ({ type: 'QuoteAccepted', data: { quoteId: id('q') } }),
    () => ({ type: 'QuoteExpired', data: { quoteId: id('q') } }),
    () => ({ type: 'QuoteRefusedBelowFloor', data: { quoteId: id('q') } }),
    () => ({ type: 'PaymentTermsStated', data: { netDays: 30 } }),
    () => ({ type: 'PaymentTermsRefused', data: {} }),
    () => {
      const requests = [
        { kind: 'price_discount', target: { kind: 'quote', id: id('q') }, discountBps: 100 },
        { kind: 'price_discount', target: { kind: 'order', id: id('o') }, discountBps: 50 },
        { kind: 'freight_paid', orderId: id('o'), complaintId: id('c'), freightCost: usd(5000) },
        { kind: 'freight_paid', orderId: id('o'), complaintId: null, freightCost: usd(5000) },
        { kind: 'expedite', orderId: id('o'), expediteCost: usd(3000) },
        { kind: 'credit', amount: usd(1000), orderId: next() < 0.5 ? id('o') : null },
        { kind: 'rebate', rebateBps: 100 },
        { kind: 'other', description: 'x', catalogueCode: null, cost: null },
      ];
      return {
        type: 'ConcessionGranted',
        data: {
          concessionId: id('k'),
          kind: 'price',
          request: requests[Math.floor(next() * requests.length)],
          grossProfitImpact: usd(Math.floor(next() * 10_000)),
          specialSituation: next() < 0.2 ? { situationId: id('s') } : null,
        },
      };
    },
    () => ({ type: 'ConcessionRefused', data: { concessionId: id('k'), kind: 'freight' } }),
    () => ({
      type: 'ComplaintRaised',
      data: { complaintId: id('c'), about: 'x', orderId: next() < 0.5 ? id('o') : null },
    }),
    () => ({
      type: 'ComplaintAssessed',
      data: { complaintId: id('c'), legitimate: next() < 0.5, reason: 'r' },
    }),
    () => ({
      type: 'LeadTimeAgreed',
      data: {
        agreementId: id('a'),
        kind: 'kanban',
        leadTimeDays: 10,
        skus: null,
        from: '2025-01-01',
        to: null,
      },
    }),
    () => ({ type: 'LeadTimeAgreementRefused', data: {} }),
    () => ({
      type: 'OrderPlaced',
      data: {
        ...(orderPlaced(id('o'), { insideLeadTime: next() < 0.3 }).data as object),
      },
    }),
    () => ({
      type: 'RushRequested',
      data: { orderId: id('o'), requestedDeliveryDate: '2025-06-10' },
    }),
    () => ({
      type: 'RushApproved',
      data: { orderId: id('o'), committedDeliveryDate: '2025-06-11' },
    }),
    () => ({
      type: 'RushRefused',
      data: { orderId: id('o'), requestedDeliveryDate: '2025-06-12' },
    }),
    () => ({
      type: 'ShipmentRecorded',
      data: { orderId: id('o'), shipmentId: id('sh'), shippedOn: '2025-06-05' },
    }),
    () => ({
      type: 'OrderDelivered',
      data: {
        orderId: id('o'),
        deliveredOn: '2025-06-09',
        dueDate: '2025-06-08',
        onTime: false,
        daysLate: 1,
      },
    }),
    () => ({ type: 'EscalationRequested', data: { escalationId: id('e') } }),
    () => ({ type: 'EscalationAnswered', data: { escalationId: id('e') } }),
    () => ({
      type: 'ForecastReceived',
      data: { period: `2025-0${1 + Math.floor(next() * 9)}`, sku: id('sku'), quantity: 5 },
    }),
    () => ({
      type: 'InvoiceIssued',
      data: {
        invoiceId: id('i'),
        amount: usd(100_000),
        issuedOn: '2025-05-01',
        dueDate: '2025-05-31',
        orderId: null,
      },
    }),
    () => ({
      type: 'PaymentReceived',
      data: {
        paymentId: id('pay'),
        invoiceId: id('i'),
        amount: usd(50_000),
        paidOn: '2025-06-01',
        settlesInvoice: next() < 0.5,
      },
    }),
    () => ({ type: 'SpecialSituationGranted', data: { situationId: id('s') } }),
    () => ({ type: 'SpecialSituationRefused', data: { situationId: id('s') } }),
    () => ({ type: 'EventCorrected', data: { correctedEventId: id('ev') } }),
    () => acmeOpened,
  ];
  const history: AccountEvent[] = [acmeOpened];
  for (let i = 1; i < length; i++)
    history.push(makers[Math.floor(next() * makers.length)]!() as AccountEvent);
  return history;
}

describe('folding a long account history', () => {
  it('holds exactly what the copying fold held, after every event, members in the same order', () => {
    const history = busyHistory(3000, 42);
    let state: AccountState = initialAccountState;
    let reference: AccountState = initialAccountState;
    history.forEach((event, i) => {
      state = evolveAccount(state, event);
      reference = evolveAccountByCopying(reference, event);
      if (i % 97 === 0 || i === history.length - 1) {
        expect(state).toEqual(reference);
        expect(JSON.stringify(state)).toBe(JSON.stringify(reference));
      }
    });
    const open = state as OpenAccountState;
    expect(Object.keys(open.quotes).length).toBeGreaterThan(100);
    expect(Object.keys(open.orders).length).toBeGreaterThan(50);
  });

  it('leaves every earlier state as it was, read before or after the later events', () => {
    const history = busyHistory(1500, 7);
    const states: AccountState[] = [];
    const references: AccountState[] = [];
    let state: AccountState = initialAccountState;
    let reference: AccountState = initialAccountState;
    for (const event of history) {
      state = evolveAccount(state, event);
      reference = evolveAccountByCopying(reference, event);
      states.push(state);
      references.push(reference);
    }
    // Read only now, long after they were folded past.
    for (let i = 0; i < states.length; i += 37) expect(states[i]).toEqual(references[i]);
  });

  it('folds two different events onto one state into two independent states', () => {
    const history = busyHistory(800, 3);
    const base = stateAfter(history);
    const baseReference = history.reduce(evolveAccountByCopying, initialAccountState);
    const branches = busyHistory(400, 11).slice(1);
    const left = branches.slice(0, 200).reduce(evolveAccount, base);
    const right = branches.slice(200).reduce(evolveAccount, base);
    expect(left).toEqual(branches.slice(0, 200).reduce(evolveAccountByCopying, baseReference));
    expect(right).toEqual(branches.slice(200).reduce(evolveAccountByCopying, baseReference));
    expect(base).toEqual(baseReference);
  });

  it('folds onto a plain copy of a state (structuredClone) as onto the state itself', () => {
    const history = busyHistory(600, 5);
    const copy = structuredClone(stateAfter(history.slice(0, 300)));
    const rest = history.slice(300);
    expect(rest.reduce(evolveAccount, copy)).toEqual(
      history.reduce(evolveAccountByCopying, initialAccountState),
    );
  });

  it('looks entries up without building the record, and finds what the record holds', () => {
    const state = stateAfter(busyHistory(1000, 9)) as OpenAccountState;
    const quotes = { ...state.quotes };
    for (const [quoteId, quote] of Object.entries(quotes))
      expect(recordEntry(state, 'quotes', quoteId)).toBe(quote);
    expect(recordEntry(state, 'quotes', 'no-such-quote')).toBeUndefined();
    expect([...recordEntries(state, 'quotes')].length).toBe(Object.keys(quotes).length);
  });

  it('gives a plain copy to write out, equal to the state, without settling records on the state', () => {
    const history = busyHistory(3000, 13);
    const state = stateAfter(history);
    const reference = history.reduce(evolveAccountByCopying, initialAccountState);
    const heldAsMaps = () =>
      Object.entries(Object.getOwnPropertyDescriptors(state))
        .filter(([, descriptor]) => descriptor.get !== undefined)
        .map(([name]) => name);
    const large = heldAsMaps();
    expect(large).toContain('quotes');

    const plain = plainAccountState(state);

    expect(JSON.stringify(plain)).toBe(JSON.stringify(reference));
    for (const name of large)
      expect(Object.getOwnPropertyDescriptor(plain, name)?.get).toBeUndefined();
    // The state still holds its large records only as RecordMaps.
    expect(heldAsMaps()).toEqual(large);
    expect(plainAccountState(initialAccountState)).toBe(initialAccountState);
  });

  it('costs about as much per event for a large account as for a small one', () => {
    // The copying fold copied the whole quotes record per event: 20 000
    // quotes took minutes. A RecordMap set is O(log n).
    const many: AccountEvent[] = [acmeOpened];
    for (let i = 0; i < 20_000; i++) many.push(quoteIssued(`q-${i}`, tenThousandAtThirtyPercent));
    const started = process.hrtime.bigint();
    const state = stateAfter(many) as OpenAccountState;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    expect(recordEntry(state, 'quotes', 'q-19999')?.status).toBe('open');
    expect(seconds).toBeLessThan(5);
  });
});
