import type { AccountCommand } from './account.commands.js';
import { isRefusal, type AccountEvent } from './account.events.js';
import type { OpenAccountState } from './account.state.js';
import {
  AccountAlreadyOpenError,
  AccountNotOpenError,
  ComplaintAlreadyAssessedError,
  CurrencyMismatchError,
  DuplicateIdError,
  InvalidCommandError,
  InvoiceAlreadyPaidError,
  NotAssignedError,
  PromiseAlreadyClosedError,
  RoleMayNotWriteError,
  RoleNotPermittedError,
  UnknownComplaintError,
  UnknownInvoiceError,
  UnknownOrderError,
  UnknownPromiseError,
} from './commitments.errors.js';
import {
  acmeOpened,
  complaintAssessed,
  complaintRaised,
  given,
  goldSpend,
  invoiceIssued,
  orderPlaced,
  people,
  stateAfter,
  thrownBy,
} from './testing/account.fixtures.js';

const openAcme: AccountCommand = {
  type: 'OpenAccount',
  data: {
    accountId: 'acme',
    name: 'Acme Fasteners',
    ownerId: 'rep-rita',
    serviceRepIds: ['svc-sam'],
    segment: 'industrial',
  },
};

const promiseDelivery: AccountCommand = {
  type: 'MakePromise',
  data: {
    promiseId: 'p-1',
    category: 'delivery',
    text: 'The replacement bolts ship by Friday',
    dueDate: '2025-06-20',
    scope: { kind: 'order', id: 'o-1' },
  },
};

const promiseMade: AccountEvent = {
  type: 'PromiseMade',
  data: {
    promiseId: 'p-1',
    category: 'delivery',
    text: 'The replacement bolts ship by Friday',
    dueDate: '2025-06-20',
    scope: { kind: 'order', id: 'o-1' },
  },
};

function open(state: unknown): OpenAccountState {
  expect(state).toMatchObject({ status: 'open' });
  return state as OpenAccountState;
}

describe('who may record what', () => {
  it('given an auditor or an integration, when they try to record anything, then it is refused with a typed error', () => {
    const { when } = given(acmeOpened);
    expect(thrownBy(() => when(promiseDelivery, people.auditor))).toMatchObject({
      code: 'role-may-not-write',
      role: 'auditor',
    });
    expect(() => when(promiseDelivery, people.erp)).toThrow(RoleMayNotWriteError);
    expect(() => given().when(openAcme, people.erp)).toThrow(RoleMayNotWriteError);
  });

  it('given an account not yet opened, when anything but opening is asked, then it cannot be judged', () => {
    expect(thrownBy(() => given().when(promiseDelivery))).toMatchObject({
      code: 'account-not-open',
    });
    expect(() => given().when(promiseDelivery)).toThrow(AccountNotOpenError);
  });

  it('given a sales or service rep not assigned to the account, then they may not record on it', () => {
    const { when } = given(acmeOpened);
    const error = thrownBy(() => when(promiseDelivery, people.oscar));
    expect(error).toBeInstanceOf(NotAssignedError);
    expect(error).toMatchObject({
      code: 'actor-not-assigned',
      actorId: 'rep-oscar',
      accountId: 'acme',
    });
    expect(() => when(promiseDelivery, people.uma)).toThrow(NotAssignedError);
  });

  it('given the assigned service rep, the owner, or any manager, then they may record', () => {
    const { when } = given(acmeOpened);
    expect(when(promiseDelivery, people.sam)).toEqual([promiseMade]);
    expect(when(promiseDelivery, people.rita)).toEqual([promiseMade]);
    expect(when(promiseDelivery, people.maya)).toEqual([promiseMade]);
  });

  it('refuses a context whose "now" is not an instant', () => {
    expect(
      thrownBy(() => given(acmeOpened).when(promiseDelivery, people.rita, { now: 'soon' })),
    ).toMatchObject({
      code: 'invalid-command',
      problems: [{ field: 'now', problem: 'is not a valid instant' }],
    });
  });
});

describe('opening and reassigning an account', () => {
  it('given no account, when its sales rep opens it as owner, then it is opened', () => {
    expect(given().when(openAcme, people.rita)).toEqual([acmeOpened]);
  });

  it('lets a manager open an account for any owner', () => {
    expect(given().when(openAcme, people.maya)).toEqual([acmeOpened]);
  });

  it('does not let a sales rep open an account owned by someone else', () => {
    expect(thrownBy(() => given().when(openAcme, people.oscar))).toMatchObject({
      code: 'actor-not-assigned',
      actorId: 'rep-oscar',
    });
  });

  it('does not let service open accounts', () => {
    expect(thrownBy(() => given().when(openAcme, people.sam))).toMatchObject({
      code: 'role-not-permitted',
      action: 'open an account',
      allowedRoles: ['sales', 'manager'],
    });
  });

  it('given an open account, when it is opened again, then that is an error', () => {
    const error = thrownBy(() => given(acmeOpened).when(openAcme, people.rita));
    expect(error).toBeInstanceOf(AccountAlreadyOpenError);
    expect(error).toMatchObject({ code: 'account-already-open', accountId: 'acme' });
  });

  it('lists every offending field of a malformed opening', () => {
    const error = thrownBy(() =>
      given().when(
        {
          type: 'OpenAccount',
          data: {
            accountId: 'acme',
            name: ' ',
            ownerId: 'rep-rita',
            serviceRepIds: ['svc-sam', 'svc-sam'],
            segment: '',
          },
        },
        people.rita,
      ),
    );
    expect(error).toBeInstanceOf(InvalidCommandError);
    expect(error).toMatchObject({
      code: 'invalid-command',
      problems: [
        { field: 'name', problem: 'must not be blank' },
        { field: 'segment', problem: 'must not be blank' },
        { field: 'serviceRepIds', problem: 'must not repeat a rep' },
      ],
    });
  });

  it('given Acme, when a manager hands it to Oscar, then the reassignment names before and after', () => {
    const events = given(acmeOpened).when(
      { type: 'ReassignAccount', data: { ownerId: 'rep-oscar', reason: 'Territory change' } },
      people.maya,
    );
    expect(events).toEqual([
      {
        type: 'AccountReassigned',
        data: {
          previousOwnerId: 'rep-rita',
          ownerId: 'rep-oscar',
          previousServiceRepIds: ['svc-sam'],
          serviceRepIds: ['svc-sam'],
          reason: 'Territory change',
        },
      },
    ]);
    const after = given(acmeOpened, events);
    expect(() => after.when(promiseDelivery, people.rita)).toThrow(NotAssignedError);
    expect(after.when(promiseDelivery, people.oscar)).toEqual([promiseMade]);
  });

  it('lets the owning sales rep change the service reps, but not the owner', () => {
    const { when } = given(acmeOpened);
    expect(
      when(
        { type: 'ReassignAccount', data: { serviceRepIds: ['svc-sam', 'svc-uma'] } },
        people.rita,
      ),
    ).toEqual([
      {
        type: 'AccountReassigned',
        data: {
          previousOwnerId: 'rep-rita',
          ownerId: 'rep-rita',
          previousServiceRepIds: ['svc-sam'],
          serviceRepIds: ['svc-sam', 'svc-uma'],
          reason: null,
        },
      },
    ]);
    expect(
      thrownBy(() =>
        when({ type: 'ReassignAccount', data: { ownerId: 'rep-oscar' } }, people.rita),
      ),
    ).toMatchObject({
      code: 'role-not-permitted',
      action: "change an account's owner",
    });
    expect(() =>
      when({ type: 'ReassignAccount', data: { serviceRepIds: [] } }, people.sam),
    ).toThrow(RoleNotPermittedError);
  });

  it('refuses a reassignment that changes nothing', () => {
    expect(() =>
      given(acmeOpened).when(
        { type: 'ReassignAccount', data: { ownerId: 'rep-rita' } },
        people.maya,
      ),
    ).toThrow(InvalidCommandError);
  });
});

describe('expectations agreed at onboarding', () => {
  const agree: AccountCommand = {
    type: 'AgreeExpectations',
    data: {
      mustDo: ['Call before any delivery slips'],
      mustNeverDo: ['Substitute a SKU without approval'],
      ifWeSlipOnce: 'A credit of the freight on the late order, and a call from Rita',
      serviceLevels: [
        {
          metric: 'on-time-delivery',
          description: 'Delivered by the due date',
          target: 9500,
          unit: 'bps',
        },
      ],
    },
  };

  it('given Acme onboarding, when Rita records the answers, then they are version 1, and a re-agreement version 2', () => {
    const first = given(acmeOpened).when(agree);
    expect(first).toEqual([{ type: 'ExpectationsAgreed', data: { version: 1, ...agree.data } }]);
    const second = given(acmeOpened, first).when(agree, people.maya);
    expect(second).toEqual([{ type: 'ExpectationsAgreed', data: { version: 2, ...agree.data } }]);
    expect(open(stateAfter(acmeOpened, first, second)).expectations?.version).toBe(2);
  });

  it('does not let service agree expectations on the company’s behalf', () => {
    expect(() => given(acmeOpened).when(agree, people.sam)).toThrow(RoleNotPermittedError);
  });

  it('wants a service level in bps to be a share', () => {
    const bad: AccountCommand = {
      type: 'AgreeExpectations',
      data: {
        ...agree.data,
        serviceLevels: [
          { metric: 'on-time-delivery', description: 'x', target: 12_000, unit: 'bps' },
        ],
      },
    };
    expect(thrownBy(() => given(acmeOpened).when(bad))).toMatchObject({
      problems: [
        { field: 'serviceLevels[0].target', problem: 'must be a whole number of bps in 0..10000' },
      ],
    });
  });
});

describe('promises', () => {
  it('given a promise already on the record, when the same id is promised again, then it is a duplicate', () => {
    expect(thrownBy(() => given(acmeOpened, promiseMade).when(promiseDelivery))).toMatchObject({
      code: 'duplicate-id',
      entity: 'promise',
      id: 'p-1',
    });
  });

  it('when a promise is kept on or before its due date, then it is kept on time; after, it is kept late', () => {
    const { when } = given(acmeOpened, promiseMade);
    expect(
      when({
        type: 'RecordPromiseOutcome',
        data: { promiseId: 'p-1', outcome: 'kept', on: '2025-06-20' },
      }),
    ).toEqual([
      {
        type: 'PromiseKept',
        data: {
          promiseId: 'p-1',
          keptOn: '2025-06-20',
          dueDate: '2025-06-20',
          onTime: true,
          note: null,
        },
      },
    ]);
    expect(
      when({
        type: 'RecordPromiseOutcome',
        data: { promiseId: 'p-1', outcome: 'kept', on: '2025-06-23', note: 'Shipped Monday' },
      }),
    ).toEqual([
      {
        type: 'PromiseKept',
        data: {
          promiseId: 'p-1',
          keptOn: '2025-06-23',
          dueDate: '2025-06-20',
          onTime: false,
          note: 'Shipped Monday',
        },
      },
    ]);
  });

  it('dates an outcome today when no date is given', () => {
    expect(
      given(acmeOpened, promiseMade).when({
        type: 'RecordPromiseOutcome',
        data: { promiseId: 'p-1', outcome: 'kept' },
      }),
    ).toEqual([
      {
        type: 'PromiseKept',
        data: {
          promiseId: 'p-1',
          keptOn: '2025-06-16',
          dueDate: '2025-06-20',
          onTime: true,
          note: null,
        },
      },
    ]);
  });

  it('records a broken or withdrawn promise with its reason, and wants one', () => {
    const { when } = given(acmeOpened, promiseMade);
    expect(
      when({
        type: 'RecordPromiseOutcome',
        data: {
          promiseId: 'p-1',
          outcome: 'broken',
          on: '2025-06-21',
          note: 'Carrier lost the pallet',
        },
      }),
    ).toEqual([
      {
        type: 'PromiseBroken',
        data: {
          promiseId: 'p-1',
          brokenOn: '2025-06-21',
          dueDate: '2025-06-20',
          reason: 'Carrier lost the pallet',
        },
      },
    ]);
    expect(
      when({
        type: 'RecordPromiseOutcome',
        data: { promiseId: 'p-1', outcome: 'withdrawn', note: 'Order cancelled' },
      }),
    ).toEqual([
      {
        type: 'PromiseWithdrawn',
        data: { promiseId: 'p-1', withdrawnOn: '2025-06-16', reason: 'Order cancelled' },
      },
    ]);
    expect(
      thrownBy(() =>
        when({ type: 'RecordPromiseOutcome', data: { promiseId: 'p-1', outcome: 'broken' } }),
      ),
    ).toMatchObject({
      problems: [{ field: 'note', problem: 'must give the reason a promise is broken' }],
    });
  });

  it('given no such promise, when an outcome is recorded, then it cannot be judged', () => {
    const error = thrownBy(() =>
      given(acmeOpened).when({
        type: 'RecordPromiseOutcome',
        data: { promiseId: 'p-9', outcome: 'kept' },
      }),
    );
    expect(error).toBeInstanceOf(UnknownPromiseError);
    expect(error).toMatchObject({ code: 'unknown-promise', promiseId: 'p-9' });
  });

  it('given a kept promise, when another outcome is recorded, then the promise is already closed', () => {
    const kept: AccountEvent = {
      type: 'PromiseKept',
      data: {
        promiseId: 'p-1',
        keptOn: '2025-06-19',
        dueDate: '2025-06-20',
        onTime: true,
        note: null,
      },
    };
    const error = thrownBy(() =>
      given(acmeOpened, promiseMade, kept).when({
        type: 'RecordPromiseOutcome',
        data: { promiseId: 'p-1', outcome: 'broken', note: 'x' },
      }),
    );
    expect(error).toBeInstanceOf(PromiseAlreadyClosedError);
    expect(error).toMatchObject({ code: 'promise-already-closed', status: 'kept' });
    expect(open(stateAfter(acmeOpened, promiseMade, kept)).promises['p-1']).toMatchObject({
      status: 'kept',
      closedOn: '2025-06-19',
    });
  });
});

describe('complaints', () => {
  it('given order o-1, when Sam records a complaint about it, then it is raised', () => {
    expect(
      given(acmeOpened, orderPlaced('o-1')).when(
        {
          type: 'RaiseComplaint',
          data: { complaintId: 'c-1', about: 'Stripped threads', orderId: 'o-1' },
        },
        people.sam,
      ),
    ).toEqual([
      {
        type: 'ComplaintRaised',
        data: { complaintId: 'c-1', about: 'Stripped threads', orderId: 'o-1' },
      },
    ]);
  });

  it('cannot judge a complaint about an order the account does not have', () => {
    expect(() =>
      given(acmeOpened).when({
        type: 'RaiseComplaint',
        data: { complaintId: 'c-1', about: 'Late', orderId: 'o-9' },
      }),
    ).toThrow(UnknownOrderError);
  });

  it('lets sales or a manager assess a complaint, once, and not service', () => {
    const { when } = given(acmeOpened, orderPlaced('o-1'), complaintRaised('c-1', 'o-1'));
    const assess: AccountCommand = {
      type: 'AssessComplaint',
      data: { complaintId: 'c-1', legitimate: true, reason: 'Photos show the damage' },
    };
    expect(when(assess, people.rita)).toEqual([complaintAssessed('c-1', true)]);
    expect(when(assess, people.maya)).toEqual([complaintAssessed('c-1', true)]);
    expect(thrownBy(() => when(assess, people.sam))).toMatchObject({
      code: 'role-not-permitted',
      action: 'assess a complaint',
    });
    expect(() =>
      given(
        acmeOpened,
        orderPlaced('o-1'),
        complaintRaised('c-1', 'o-1'),
        complaintAssessed('c-1', false),
      ).when(assess),
    ).toThrow(ComplaintAlreadyAssessedError);
    expect(
      thrownBy(() =>
        when({
          type: 'AssessComplaint',
          data: { complaintId: 'c-9', legitimate: true, reason: 'x' },
        }),
      ),
    ).toMatchObject({
      code: 'unknown-complaint',
    });
    expect(() =>
      when({
        type: 'AssessComplaint',
        data: { complaintId: 'c-9', legitimate: true, reason: 'x' },
      }),
    ).toThrow(UnknownComplaintError);
  });
});

describe('escalation past the chain', () => {
  const wantsManager: AccountCommand = {
    type: 'RequestEscalation',
    data: {
      escalationId: 'esc-1',
      askedFor: 'your manager',
      reason: 'Unhappy with the freight answer',
    },
  };

  it('given Sam on the phone, when the customer asks for a manager, then it is recorded and answered with the sales rep as the end of the chain', () => {
    const events = given(acmeOpened).when(wantsManager, people.sam);
    expect(events).toEqual([
      {
        type: 'EscalationRequested',
        data: {
          escalationId: 'esc-1',
          askedFor: 'your manager',
          reason: 'Unhappy with the freight answer',
        },
      },
      {
        type: 'EscalationAnswered',
        data: {
          escalationId: 'esc-1',
          chain: ['service', 'sales'],
          endOfChain: { role: 'sales', actorIds: ['rep-rita'] },
          answer:
            'Your request is on the record. The escalation chain for this account is service → sales; ' +
            'it ends with your sales representative (rep-rita), who will answer you. It is not routed further.',
          policyVersion: 7,
        },
      },
    ]);
    expect(events.some(isRefusal)).toBe(false);
    expect(open(stateAfter(acmeOpened, events)).counts.escalations).toBe(1);
  });

  it('records the rep’s own words as the answer when given', () => {
    const events = given(acmeOpened).when({
      ...wantsManager,
      data: { ...wantsManager.data, answer: 'Rita owns this; she will call at 3pm.' },
    });
    expect(events[1]).toMatchObject({
      type: 'EscalationAnswered',
      data: { answer: 'Rita owns this; she will call at 3pm.' },
    });
  });

  it('does not take the same escalation id twice', () => {
    const first = given(acmeOpened).when(wantsManager);
    expect(() => given(acmeOpened, first).when(wantsManager)).toThrow(DuplicateIdError);
  });
});

describe('special situations', () => {
  const dedicatedRep: AccountCommand = {
    type: 'GrantSpecialSituation',
    data: {
      situationId: 'ss-1',
      entitlement: 'Dedicated service rep on a base-tier account',
      reason: 'Plant launch, 3 months',
    },
  };

  it('given a base-tier account, when a manager grants an entitlement outside its tier with a reason, then it is granted and counted', () => {
    const events = given(acmeOpened).when(dedicatedRep, people.maya);
    expect(events).toEqual([
      {
        type: 'SpecialSituationGranted',
        data: {
          situationId: 'ss-1',
          entitlement: 'Dedicated service rep on a base-tier account',
          reason: 'Plant launch, 3 months',
          tierCode: 'base',
          policyVersion: 7,
        },
      },
    ]);
    expect(open(stateAfter(acmeOpened, events)).counts.specialSituations).toBe(1);
  });

  it('given a sales rep, when they grant a special situation, then it is refused and the refusal recorded', () => {
    const events = given(acmeOpened).when(dedicatedRep, people.rita);
    expect(events).toEqual([
      {
        type: 'SpecialSituationRefused',
        data: {
          situationId: 'ss-1',
          entitlement: 'Dedicated service rep on a base-tier account',
          reason: 'Plant launch, 3 months',
          tierCode: 'base',
          rule: 'special-situation-needs-manager',
          detail: 'Only a manager may grant a special situation, not sales',
          figures: { specialSituationsSoFar: 0 },
          alternatives: [{ kind: 'special-situation', role: 'manager', reasonRequired: true }],
          policyVersion: 7,
        },
      },
    ]);
    expect(events.every(isRefusal)).toBe(true);
    const state = open(stateAfter(acmeOpened, events));
    expect(state.counts).toMatchObject({ specialSituations: 0, refusals: 1 });
  });

  it('given a manager without a reason, then it is refused for the reason', () => {
    const events = given(acmeOpened).when(
      { ...dedicatedRep, data: { ...dedicatedRep.data, reason: '  ' } },
      people.maya,
    );
    expect(events[0]).toMatchObject({
      type: 'SpecialSituationRefused',
      data: { rule: 'special-situation-needs-reason', reason: null },
    });
  });

  it('does not reuse a situation id, granted or refused', () => {
    const refused = given(acmeOpened).when(dedicatedRep, people.rita);
    expect(
      thrownBy(() => given(acmeOpened, refused).when(dedicatedRep, people.maya)),
    ).toMatchObject({
      code: 'duplicate-id',
      entity: 'special-situation',
    });
  });
});

describe('corrections', () => {
  it('records a correction pointing at the corrected event, which stays as it was', () => {
    const events = given(acmeOpened, promiseMade).when({
      type: 'CorrectEvent',
      data: {
        correctedEventId: '0b6c8f5e-1d7e-4f0e-9a57-6f1f3b1c2d4e',
        reason: 'Due date was misheard',
        correction: 'Due 27 June, not 20 June',
      },
    });
    expect(events).toEqual([
      {
        type: 'EventCorrected',
        data: {
          correctedEventId: '0b6c8f5e-1d7e-4f0e-9a57-6f1f3b1c2d4e',
          reason: 'Due date was misheard',
          correction: 'Due 27 June, not 20 June',
        },
      },
    ]);
    const state = open(stateAfter(acmeOpened, promiseMade, events));
    expect(state.correctedEventIds).toEqual(['0b6c8f5e-1d7e-4f0e-9a57-6f1f3b1c2d4e']);
    expect(state.promises['p-1']?.dueDate).toBe('2025-06-20');
  });

  it('wants a reason', () => {
    expect(() =>
      given(acmeOpened).when({
        type: 'CorrectEvent',
        data: { correctedEventId: 'e-1', reason: '' },
      }),
    ).toThrow(InvalidCommandError);
  });
});

describe('forecasts, invoices and payments', () => {
  it('records a forecast and, later, the one that supersedes it', () => {
    const forecast: AccountCommand = {
      type: 'RecordForecast',
      data: { period: '2025-07', sku: 'BOLT-M8', quantity: 1200 },
    };
    const first = given(acmeOpened).when(forecast);
    expect(first).toEqual([
      {
        type: 'ForecastReceived',
        data: { period: '2025-07', sku: 'BOLT-M8', quantity: 1200, previousQuantity: null },
      },
    ]);
    const revised = given(acmeOpened, first).when({
      type: 'RecordForecast',
      data: { period: '2025-07', sku: 'BOLT-M8', quantity: 900 },
    });
    expect(revised).toEqual([
      {
        type: 'ForecastReceived',
        data: { period: '2025-07', sku: 'BOLT-M8', quantity: 900, previousQuantity: 1200 },
      },
    ]);
    expect(() =>
      given(acmeOpened).when({
        type: 'RecordForecast',
        data: { period: '2025-13', sku: 'BOLT-M8', quantity: 1 },
      }),
    ).toThrow(InvalidCommandError);
  });

  it('records an invoice, and refuses a duplicate or one for an unknown order', () => {
    const invoice: AccountCommand = {
      type: 'RecordInvoice',
      data: {
        invoiceId: 'inv-1',
        amount: { amountMinor: 1_000_000, currency: 'USD' },
        issuedOn: '2025-06-02',
        dueDate: '2025-07-02',
      },
    };
    expect(given(acmeOpened).when(invoice)).toEqual([
      invoiceIssued('inv-1', 1_000_000, '2025-06-02', '2025-07-02'),
    ]);
    expect(() => given(acmeOpened, invoiceIssued('inv-1', 5, '2025-06-02')).when(invoice)).toThrow(
      DuplicateIdError,
    );
    expect(() =>
      given(acmeOpened).when({
        ...invoice,
        data: { ...invoice.data, orderId: 'o-9' },
      }),
    ).toThrow(UnknownOrderError);
  });

  describe('given a $10 000 invoice due 2 July', () => {
    const history = [acmeOpened, invoiceIssued('inv-1', 1_000_000, '2025-06-02', '2025-07-02')];
    const pay = (
      paymentId: string,
      amountMinor: number,
      paidOn: string,
      currency = 'USD',
    ): AccountCommand => ({
      type: 'RecordPayment',
      data: { paymentId, invoiceId: 'inv-1', amount: { amountMinor, currency }, paidOn },
    });

    it('adds up partial payments; the one that clears the balance settles it, with its days late', () => {
      const part = given(...history).when(pay('pay-1', 400_000, '2025-07-01'));
      expect(part).toEqual([
        {
          type: 'PaymentReceived',
          data: {
            paymentId: 'pay-1',
            invoiceId: 'inv-1',
            amount: { amountMinor: 400_000, currency: 'USD' },
            paidOn: '2025-07-01',
            outstandingMinor: 600_000,
            settlesInvoice: false,
            daysLate: 0,
          },
        },
      ]);
      const rest = given(...history, part).when(pay('pay-2', 600_000, '2025-07-12'));
      expect(rest[0]).toMatchObject({
        data: { outstandingMinor: 0, settlesInvoice: true, daysLate: 10 },
      });
      const state = open(stateAfter(...history, part, rest));
      expect(state.invoices['inv-1']).toMatchObject({
        paidMinor: 1_000_000,
        settledOn: '2025-07-12',
      });
    });

    it('cannot judge a payment for an unknown invoice, in another currency, or on a settled invoice', () => {
      expect(thrownBy(() => given(acmeOpened).when(pay('pay-1', 1, '2025-07-01')))).toMatchObject({
        code: 'unknown-invoice',
      });
      expect(() => given(acmeOpened).when(pay('pay-1', 1, '2025-07-01'))).toThrow(
        UnknownInvoiceError,
      );
      expect(() => given(...history).when(pay('pay-1', 1, '2025-07-01', 'EUR'))).toThrow(
        CurrencyMismatchError,
      );
      const settled = given(...history).when(pay('pay-1', 1_000_000, '2025-07-01'));
      expect(() => given(...history, settled).when(pay('pay-2', 1, '2025-07-02'))).toThrow(
        InvoiceAlreadyPaidError,
      );
      expect(() => given(...history, settled).when(pay('pay-1', 1, '2025-07-02'))).toThrow(
        DuplicateIdError,
      );
    });

    it('does not accept more than is outstanding', () => {
      expect(
        thrownBy(() => given(...history).when(pay('pay-1', 1_000_001, '2025-07-01'))),
      ).toMatchObject({
        problems: [
          { field: 'amount.amountMinor', problem: 'must not exceed the 1000000 outstanding' },
        ],
      });
    });
  });

  it('keeps trailing spend in state so the tier follows it', () => {
    const state = open(stateAfter(acmeOpened, goldSpend));
    expect(state.invoices['inv-gold']?.amount).toEqual({
      amountMinor: 60_000_000,
      currency: 'USD',
    });
  });
});
