import {
  isAccountEventType,
  isRefusal,
  isRefusalType,
  type AccountEvent,
} from './account.events.js';
import { evolveAccount, initialAccountState, type OpenAccountState } from './account.state.js';
import { acmeOpened, stateAfter } from './testing/account.fixtures.js';

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
