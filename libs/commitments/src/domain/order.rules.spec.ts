import type { AccountCommand, PlaceOrder } from './account.commands.js';
import type { AccountEvent, LeadTimeAgreed } from './account.events.js';
import type { OpenAccountState } from './account.state.js';
import {
  DuplicateIdError,
  InvalidCommandError,
  OrderAlreadyDeliveredError,
  OrderAlreadyShippedError,
  OrderNotShippedError,
  RoleNotPermittedError,
  RushAlreadyPendingError,
  RushNotPendingError,
  UnknownOrderError,
  UnknownQuoteError,
} from './commitments.errors.js';
import type { AgreementKind } from './policy.js';
import {
  acmeOpened,
  given,
  goldSpend,
  orderPlaced,
  people,
  stateAfter,
  thrownBy,
} from './testing/account.fixtures.js';

function agreed(
  agreementId: string,
  kind: AgreementKind,
  leadTimeDays: number,
  skus: string[] | null,
  from = '2025-01-01',
  to: string | null = null,
): LeadTimeAgreed {
  const policyDefaultDays = { blanket: 10, kanban: 5, standard: 15 }[kind];
  return {
    type: 'LeadTimeAgreed',
    data: { agreementId, kind, leadTimeDays, policyDefaultDays, skus, from, to, policyVersion: 7 },
  };
}

const line = (sku: string, quantity = 100) => ({
  sku,
  quantity,
  unitPriceMinor: 1000,
  unitCostMinor: 700,
});

function place(data: Partial<PlaceOrder['data']> = {}): AccountCommand {
  return {
    type: 'PlaceOrder',
    data: {
      orderId: 'o-1',
      currency: 'USD',
      lines: [line('BOLT-M8')],
      placedOn: '2025-06-16',
      requestedDeliveryDate: '2025-07-10',
      ...data,
    },
  };
}

describe('lead-time agreements', () => {
  const agree = (
    data: Partial<Extract<AccountCommand, { type: 'AgreeLeadTime' }>['data']> = {},
  ): AccountCommand => ({
    type: 'AgreeLeadTime',
    data: { agreementId: 'lt-1', kind: 'kanban', skus: ['BOLT-M8'], from: '2025-06-01', ...data },
  });

  it('given a Kanban agreement for bolts without a lead time, then the policy default for Kanban applies', () => {
    expect(given(acmeOpened).when(agree())).toEqual([
      agreed('lt-1', 'kanban', 5, ['BOLT-M8'], '2025-06-01'),
    ]);
  });

  it('given Rita agreeing 3 days where the policy plans 5, then it is refused and a manager named', () => {
    expect(given(acmeOpened).when(agree({ leadTimeDays: 3 }))).toEqual([
      {
        type: 'LeadTimeAgreementRefused',
        data: {
          agreementId: 'lt-1',
          kind: 'kanban',
          leadTimeDays: 3,
          skus: ['BOLT-M8'],
          from: '2025-06-01',
          to: null,
          rule: 'lead-time-below-policy-default',
          detail:
            "3 days is shorter than the policy's 5 days for kanban agreements; only a manager may agree it",
          figures: { leadTimeDays: 3, policyDefaultDays: 5 },
          alternatives: [
            { kind: 'lead-time', leadTimeDays: 5 },
            { kind: 'refer-to', role: 'manager', actorIds: [] },
          ],
          policyVersion: 7,
        },
      },
    ]);
  });

  it('lets a manager agree the shorter lead time', () => {
    expect(given(acmeOpened).when(agree({ leadTimeDays: 3 }), people.maya)).toEqual([
      agreed('lt-1', 'kanban', 3, ['BOLT-M8'], '2025-06-01'),
    ]);
  });

  it('does not let service agree lead times, reuse an id, or end before it starts', () => {
    expect(() => given(acmeOpened).when(agree(), people.sam)).toThrow(RoleNotPermittedError);
    expect(() => given(acmeOpened, agreed('lt-1', 'kanban', 5, null)).when(agree())).toThrow(
      DuplicateIdError,
    );
    expect(thrownBy(() => given(acmeOpened).when(agree({ to: '2025-05-01' })))).toMatchObject({
      problems: [{ field: 'to', problem: 'must be null or a date not before from' }],
    });
  });
});

describe('orders and lead times', () => {
  it('given no agreement, when an order is placed with time to spare, then the standard lead time applies and it is not late', () => {
    expect(given(acmeOpened).when(place(), people.sam)).toEqual([
      {
        type: 'OrderPlaced',
        data: {
          orderId: 'o-1',
          quoteId: null,
          currency: 'USD',
          lines: [line('BOLT-M8')],
          revenueMinor: 100_000,
          costMinor: 70_000,
          grossProfitMinor: 30_000,
          grossProfitBps: 3000,
          floorBps: 2200,
          belowFloor: false,
          placedOn: '2025-06-16',
          requestedDeliveryDate: '2025-07-10',
          leadTimeDays: 15,
          leadTimeSource: { kind: 'policy-default', agreementKind: 'standard' },
          earliestDeliveryDate: '2025-07-01',
          insideLeadTime: false,
          shortByDays: 0,
          freeFreightByTier: false,
          tierCode: 'base',
          policyVersion: 7,
        },
      },
    ]);
  });

  it('given a 5-day Kanban agreement for bolts, when bolts are wanted in 2 days, then the order is recorded, flagged late by 3 days, and no rush is implied', () => {
    const events = given(acmeOpened, agreed('lt-k', 'kanban', 5, ['BOLT-M8'])).when(
      place({ requestedDeliveryDate: '2025-06-18' }),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'OrderPlaced',
      data: {
        leadTimeDays: 5,
        leadTimeSource: { kind: 'agreement', agreementId: 'lt-k', agreementKind: 'kanban' },
        earliestDeliveryDate: '2025-06-21',
        insideLeadTime: true,
        shortByDays: 3,
      },
    });
    const state = stateAfter(acmeOpened, events) as OpenAccountState;
    expect(state.orders['o-1']?.rush).toEqual({ status: 'none' });
    expect(state.counts.ordersInsideLeadTime).toBe(1);
  });

  it('holds a mixed order to its slowest line: an agreement naming the SKU beats the account-wide one', () => {
    const history = [
      acmeOpened,
      agreed('lt-blanket', 'blanket', 10, null),
      agreed('lt-k', 'kanban', 5, ['BOLT-M8']),
    ];
    expect(given(history).when(place({ lines: [line('BOLT-M8')] }))[0]).toMatchObject({
      data: { leadTimeDays: 5 },
    });
    expect(
      given(history).when(place({ lines: [line('BOLT-M8'), line('NUT-M8')] }))[0],
    ).toMatchObject({
      data: {
        leadTimeDays: 10,
        leadTimeSource: { kind: 'agreement', agreementId: 'lt-blanket', agreementKind: 'blanket' },
      },
    });
  });

  it('uses the latest agreement in force on the day placed, ignoring ones that ended', () => {
    const history = [
      acmeOpened,
      agreed('lt-old', 'kanban', 4, ['BOLT-M8'], '2025-01-01', '2025-05-31'),
      agreed('lt-a', 'kanban', 6, ['BOLT-M8']),
      agreed('lt-b', 'kanban', 7, ['BOLT-M8']),
    ];
    expect(given(history).when(place())[0]).toMatchObject({
      data: { leadTimeDays: 7, leadTimeSource: { agreementId: 'lt-b' } },
    });
    expect(
      given(history).when(
        place({ placedOn: '2025-05-15', requestedDeliveryDate: '2025-06-30' }),
      )[0],
    ).toMatchObject({
      data: { leadTimeSource: { agreementId: 'lt-b' } },
    });
  });

  it('holds an order given as a value to the account-wide agreement', () => {
    const events = given(acmeOpened, agreed('lt-blanket', 'blanket', 10, null)).when(
      place({ lines: null, value: { revenueMinor: 2_500_000, costMinor: 2_000_000 } }),
    );
    expect(events[0]).toMatchObject({
      data: {
        lines: null,
        revenueMinor: 2_500_000,
        grossProfitBps: 2000,
        belowFloor: true,
        leadTimeDays: 10,
      },
    });
  });

  it('given a gold account, an order above its free-freight threshold ships free by tier', () => {
    const big = place({ lines: null, value: { revenueMinor: 2_000_000, costMinor: 1_400_000 } });
    expect(given(acmeOpened, goldSpend).when(big)[0]).toMatchObject({
      data: { freeFreightByTier: true, tierCode: 'gold' },
    });
    expect(given(acmeOpened).when(big)[0]).toMatchObject({
      data: { freeFreightByTier: false, tierCode: 'base' },
    });
  });

  it('wants lines or a value, not both, and a delivery date not before the order', () => {
    const error = thrownBy(() =>
      given(acmeOpened).when(
        place({ value: { revenueMinor: 1, costMinor: 1 }, requestedDeliveryDate: '2025-06-15' }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidCommandError);
    expect(error).toMatchObject({
      problems: [
        { field: 'lines', problem: 'or value must be given, not both' },
        { field: 'requestedDeliveryDate', problem: 'must not be before placedOn' },
      ],
    });
  });

  it('cannot place an order twice or against an unknown quote', () => {
    expect(() => given(acmeOpened, orderPlaced('o-1')).when(place())).toThrow(DuplicateIdError);
    expect(() => given(acmeOpened).when(place({ quoteId: 'q-9' }))).toThrow(UnknownQuoteError);
  });
});

describe('rushes, decided explicitly', () => {
  /** Placed 2 June with a 15-day lead time: earliest 17 June, requested 27 June. */
  const history: AccountEvent[] = [acmeOpened, orderPlaced('o-1')];
  const rushRequested: AccountEvent = {
    type: 'RushRequested',
    data: {
      orderId: 'o-1',
      requestedDeliveryDate: '2025-06-13',
      reason: 'Line down at their plant',
      earliestDeliveryDate: '2025-06-17',
      shortByDays: 4,
    },
  };
  const decide = (
    approve: boolean,
    reason?: string,
    committedDeliveryDate?: string,
  ): AccountCommand => ({
    type: 'DecideRush',
    data: {
      orderId: 'o-1',
      approve,
      reason: reason ?? null,
      committedDeliveryDate: committedDeliveryDate ?? null,
    },
  });

  it('given Sam on the phone, when the customer needs the order by 13 June, then the request is recorded, 4 days inside the lead time', () => {
    expect(
      given(history).when(
        {
          type: 'RequestRush',
          data: {
            orderId: 'o-1',
            requestedDeliveryDate: '2025-06-13',
            reason: 'Line down at their plant',
          },
        },
        people.sam,
      ),
    ).toEqual([rushRequested]);
  });

  it('given a pending rush, when Rita approves it, then the requested date is committed', () => {
    expect(given(history, rushRequested).when(decide(true))).toEqual([
      {
        type: 'RushApproved',
        data: {
          orderId: 'o-1',
          requestedDeliveryDate: '2025-06-13',
          committedDeliveryDate: '2025-06-13',
          reason: null,
          leadTimeDays: 15,
          shortByDays: 4,
          policyVersion: 7,
        },
      },
    ]);
    expect(
      given(history, rushRequested).when(decide(true, 'Best we can do', '2025-06-14'))[0],
    ).toMatchObject({
      data: { committedDeliveryDate: '2025-06-14', shortByDays: 3, reason: 'Best we can do' },
    });
  });

  it('given a pending rush, when Rita declines it, then the refusal is recorded with the date we can commit to', () => {
    expect(
      given(history, rushRequested).when(decide(false, 'No capacity on the line this week')),
    ).toEqual([
      {
        type: 'RushRefused',
        data: {
          orderId: 'o-1',
          requestedDeliveryDate: '2025-06-13',
          rule: 'rush-declined',
          detail: 'No capacity on the line this week',
          figures: { leadTimeDays: 15, shortByDays: 4 },
          alternatives: [{ kind: 'delivery-date', date: '2025-06-27' }],
          policyVersion: 7,
        },
      },
    ]);
  });

  it('wants a reason to decline, and a decision only from sales or a manager', () => {
    expect(() => given(history, rushRequested).when(decide(false))).toThrow(InvalidCommandError);
    expect(
      thrownBy(() => given(history, rushRequested).when(decide(true), people.sam)),
    ).toMatchObject({
      code: 'role-not-permitted',
      action: 'decide a rush',
    });
    expect(given(history, rushRequested).when(decide(true), people.maya)[0]?.type).toBe(
      'RushApproved',
    );
  });

  it('decides only a pending rush, and takes one request at a time', () => {
    expect(thrownBy(() => given(history).when(decide(true)))).toMatchObject({
      code: 'rush-not-pending',
    });
    expect(() => given(history).when(decide(true))).toThrow(RushNotPendingError);
    const again: AccountCommand = {
      type: 'RequestRush',
      data: { orderId: 'o-1', requestedDeliveryDate: '2025-06-12', reason: 'Sooner' },
    };
    expect(() => given(history, rushRequested).when(again)).toThrow(RushAlreadyPendingError);
  });

  it('cannot rush an unknown or already shipped order', () => {
    const rush = (orderId: string): AccountCommand => ({
      type: 'RequestRush',
      data: { orderId, requestedDeliveryDate: '2025-06-13', reason: 'x' },
    });
    expect(thrownBy(() => given(history).when(rush('o-9')))).toMatchObject({
      code: 'unknown-order',
      orderId: 'o-9',
    });
    const shipped: AccountEvent = {
      type: 'ShipmentRecorded',
      data: { orderId: 'o-1', shipmentId: 'sh-1', shippedOn: '2025-06-10' },
    };
    expect(() => given(history, shipped).when(rush('o-1'))).toThrow(OrderAlreadyShippedError);
  });
});

describe('shipments and deliveries', () => {
  const history: AccountEvent[] = [acmeOpened, orderPlaced('o-1')];
  const shipped = (shippedOn: string, shipmentId = 'sh-1'): AccountEvent => ({
    type: 'ShipmentRecorded',
    data: { orderId: 'o-1', shipmentId, shippedOn },
  });
  const deliver = (deliveredOn: string, orderId = 'o-1'): AccountCommand => ({
    type: 'RecordDelivery',
    data: { orderId, deliveredOn },
  });

  it('records a shipment, and cannot judge one for an unknown order', () => {
    expect(
      given(history).when({
        type: 'RecordShipment',
        data: { orderId: 'o-1', shipmentId: 'sh-1', shippedOn: '2025-06-20' },
      }),
    ).toEqual([shipped('2025-06-20')]);
    const error = thrownBy(() =>
      given(history).when({
        type: 'RecordShipment',
        data: { orderId: 'o-9', shipmentId: 'sh-1', shippedOn: '2025-06-20' },
      }),
    );
    expect(error).toBeInstanceOf(UnknownOrderError);
    expect(error).toMatchObject({ code: 'unknown-order' });
    expect(() =>
      given(history, shipped('2025-06-20')).when({
        type: 'RecordShipment',
        data: { orderId: 'o-1', shipmentId: 'sh-1', shippedOn: '2025-06-21' },
      }),
    ).toThrow(DuplicateIdError);
  });

  it('given an order requested for 27 June, delivered on the 27th, then it is on time against the requested date', () => {
    expect(given(history, shipped('2025-06-24')).when(deliver('2025-06-27'))).toEqual([
      {
        type: 'OrderDelivered',
        data: {
          orderId: 'o-1',
          deliveredOn: '2025-06-27',
          dueDate: '2025-06-27',
          dueDateBasis: 'requested',
          onTime: true,
          daysLate: 0,
        },
      },
    ]);
    expect(given(history, shipped('2025-06-24')).when(deliver('2025-06-30'))[0]).toMatchObject({
      data: { onTime: false, daysLate: 3 },
    });
  });

  it('given an order placed inside its lead time, then it is due on the lead-time date, not the requested one', () => {
    const inside = orderPlaced('o-1', {
      requestedDeliveryDate: '2025-06-10',
      insideLeadTime: true,
      shortByDays: 7,
    });
    expect(
      given(acmeOpened, inside, shipped('2025-06-15')).when(deliver('2025-06-17'))[0],
    ).toMatchObject({
      data: { dueDate: '2025-06-17', dueDateBasis: 'lead-time', onTime: true, daysLate: 0 },
    });
  });

  it('given an approved rush, then the order is due on the committed date', () => {
    const approved: AccountEvent = {
      type: 'RushApproved',
      data: {
        orderId: 'o-1',
        requestedDeliveryDate: '2025-06-13',
        committedDeliveryDate: '2025-06-13',
        reason: null,
        leadTimeDays: 15,
        shortByDays: 4,
        policyVersion: 7,
      },
    };
    expect(
      given(history, approved, shipped('2025-06-12')).when(deliver('2025-06-14'))[0],
    ).toMatchObject({
      data: { dueDate: '2025-06-13', dueDateBasis: 'rush', onTime: false, daysLate: 1 },
    });
  });

  it('cannot deliver an order not shipped, twice, before it shipped, or ship it after delivery', () => {
    expect(() => given(history).when(deliver('2025-06-27'))).toThrow(OrderNotShippedError);
    expect(() => given(history).when(deliver('2025-06-27', 'o-9'))).toThrow(UnknownOrderError);
    const delivered = given(history, shipped('2025-06-24')).when(deliver('2025-06-27'));
    expect(
      thrownBy(() => given(history, shipped('2025-06-24'), delivered).when(deliver('2025-06-28'))),
    ).toMatchObject({
      code: 'order-already-delivered',
    });
    expect(() =>
      given(history, shipped('2025-06-24'), delivered).when({
        type: 'RecordShipment',
        data: { orderId: 'o-1', shipmentId: 'sh-2', shippedOn: '2025-06-28' },
      }),
    ).toThrow(OrderAlreadyDeliveredError);
    expect(
      thrownBy(() => given(history, shipped('2025-06-24')).when(deliver('2025-06-23'))),
    ).toMatchObject({
      problems: [
        { field: 'deliveredOn', problem: 'must not be before the first shipment (2025-06-24)' },
      ],
    });
  });
});
