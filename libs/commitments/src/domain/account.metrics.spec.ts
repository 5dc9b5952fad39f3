import type { AccountEvent } from './account.events.js';
import {
  accountTier,
  deliveryPerformance,
  forecastAccuracy,
  paymentBehaviour,
  promiseSummary,
  trailingTwelveMonthSpend,
} from './account.metrics.js';
import type { OpenAccountState } from './account.state.js';
import {
  acmeOpened,
  invoiceIssued,
  orderPlaced,
  policyTerms,
  stateAfter,
} from './testing/account.fixtures.js';

const account = (...events: (AccountEvent | AccountEvent[])[]): OpenAccountState =>
  stateAfter(acmeOpened, ...events) as OpenAccountState;

describe('trailing-12-month spend and the tier it unlocks', () => {
  const state = account(
    invoiceIssued('inv-edge-out', 10_000_000, '2024-06-16'),
    invoiceIssued('inv-edge-in', 20_000_000, '2024-06-17'),
    invoiceIssued('inv-recent', 35_000_000, '2025-06-16'),
    invoiceIssued('inv-future', 99_000_000, '2025-06-17'),
    {
      type: 'InvoiceIssued',
      data: {
        invoiceId: 'inv-eur',
        amount: { amountMinor: 50_000_000, currency: 'EUR' },
        issuedOn: '2025-05-01',
        dueDate: '2025-06-01',
        orderId: null,
      },
    },
  );

  it('counts invoices issued after the same day a year ago, up to and including today, in the policy currency only', () => {
    expect(trailingTwelveMonthSpend(state, '2025-06-16', 'USD')).toBe(55_000_000);
    expect(trailingTwelveMonthSpend(state, '2025-06-16', 'EUR')).toBe(50_000_000);
  });

  it('puts $550 000 in gold, and the same account a year on, back in base', () => {
    expect(accountTier(state, policyTerms, '2025-06-16').code).toBe('gold');
    expect(accountTier(state, policyTerms, '2025-06-17').code).toBe('gold');
    expect(accountTier(state, policyTerms, '2026-06-18').code).toBe('base');
    expect(accountTier(account(), policyTerms, '2025-06-16').code).toBe('base');
  });
});

describe('payment behaviour', () => {
  it('measures days late on settled invoices and counts the overdue ones', () => {
    const paid = (
      invoiceId: string,
      amountMinor: number,
      paidOn: string,
      daysLate: number,
    ): AccountEvent => ({
      type: 'PaymentReceived',
      data: {
        paymentId: `pay-${invoiceId}`,
        invoiceId,
        amount: { amountMinor, currency: 'USD' },
        paidOn,
        outstandingMinor: 0,
        settlesInvoice: true,
        daysLate,
      },
    });
    const state = account(
      invoiceIssued('inv-1', 100, '2025-04-01', '2025-05-01'),
      paid('inv-1', 100, '2025-04-28', 0),
      invoiceIssued('inv-2', 100, '2025-04-01', '2025-05-01'),
      paid('inv-2', 100, '2025-05-11', 10),
      invoiceIssued('inv-3', 100, '2025-04-01', '2025-05-01'),
      paid('inv-3', 100, '2025-05-06', 5),
      invoiceIssued('inv-4', 100, '2025-05-01', '2025-06-01'),
      invoiceIssued('inv-5', 100, '2025-06-01', '2025-07-01'),
    );
    expect(paymentBehaviour(state, '2025-06-16')).toEqual({
      invoices: 5,
      settled: 3,
      settledLate: 2,
      averageDaysLate: 5,
      maxDaysLate: 10,
      overdue: 1,
    });
  });
});

describe('forecast accuracy', () => {
  const forecast = (period: string, sku: string, quantity: number): AccountEvent => ({
    type: 'ForecastReceived',
    data: { period, sku, quantity, previousQuantity: null },
  });
  const ordered = (
    orderId: string,
    sku: string,
    quantity: number,
    requestedDeliveryDate: string,
  ): AccountEvent =>
    orderPlaced(orderId, {
      lines: [{ sku, quantity, unitPriceMinor: 100, unitCostMinor: 70 }],
      requestedDeliveryDate,
    });

  it('compares closed months: 500 and 500 forecast, 800 and 300 ordered, is 50 % accurate', () => {
    const state = account(
      forecast('2025-04', 'BOLT-M8', 500),
      forecast('2025-05', 'BOLT-M8', 500),
      forecast('2025-06', 'BOLT-M8', 9_999),
      ordered('o-1', 'BOLT-M8', 400, '2025-04-20'),
      ordered('o-2', 'BOLT-M8', 400, '2025-04-28'),
      ordered('o-3', 'BOLT-M8', 300, '2025-05-10'),
      ordered('o-4', 'BOLT-M8', 5_000, '2025-06-20'),
    );
    expect(forecastAccuracy(state, '2025-06-16')).toEqual({
      pairs: 2,
      forecastQuantity: 1000,
      actualQuantity: 1100,
      absoluteErrorQuantity: 500,
      accuracyBps: 5000,
    });
  });

  it('does not go below zero, and has nothing to say without forecasts', () => {
    const wild = account(
      forecast('2025-04', 'BOLT-M8', 100),
      ordered('o-1', 'BOLT-M8', 900, '2025-04-20'),
    );
    expect(forecastAccuracy(wild, '2025-06-16').accuracyBps).toBe(0);
    expect(forecastAccuracy(account(), '2025-06-16').accuracyBps).toBeNull();
  });
});

describe('deliveries and promises', () => {
  it('counts on-time deliveries as a share', () => {
    const delivered = (orderId: string, onTime: boolean): AccountEvent => ({
      type: 'OrderDelivered',
      data: {
        orderId,
        deliveredOn: '2025-06-10',
        dueDate: '2025-06-10',
        dueDateBasis: 'requested',
        onTime,
        daysLate: onTime ? 0 : 2,
      },
    });
    const state = account(
      orderPlaced('o-1'),
      orderPlaced('o-2'),
      orderPlaced('o-3', { insideLeadTime: true, shortByDays: 2 }),
      delivered('o-1', true),
      delivered('o-2', false),
    );
    expect(deliveryPerformance(state)).toEqual({
      delivered: 2,
      onTime: 1,
      onTimeBps: 5000,
      placedInsideLeadTime: 1,
    });
    expect(deliveryPerformance(account()).onTimeBps).toBeNull();
  });

  it('sums promises by status and finds the overdue open ones', () => {
    const made = (promiseId: string, dueDate: string): AccountEvent => ({
      type: 'PromiseMade',
      data: {
        promiseId,
        category: 'delivery',
        text: 'x',
        dueDate,
        scope: { kind: 'order', id: 'o-1' },
      },
    });
    const state = account(
      made('p-1', '2025-06-01'),
      made('p-2', '2025-06-30'),
      made('p-3', '2025-06-01'),
      {
        type: 'PromiseBroken',
        data: { promiseId: 'p-3', brokenOn: '2025-06-02', dueDate: '2025-06-01', reason: 'x' },
      },
    );
    expect(promiseSummary(state, '2025-06-16')).toEqual({
      open: 2,
      kept: 0,
      broken: 1,
      withdrawn: 0,
      overdue: 1,
    });
  });
});
