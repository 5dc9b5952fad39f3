import { type OpenAccountState, recordEntries } from './account.state.js';
import { daysBetween, monthOf, oneYearBefore, type IsoDate } from './calendar.js';
import { BPS_WHOLE, exact, floorDiv } from './money.js';
import { tierForSpend, type EntitlementTier, type Policy } from './policy.js';

/**
 * Measures folded from an account's state: the inputs of its tier and of its
 * cost to serve. All pure; `asOf` is a calendar date supplied by the caller.
 * Shares are bps rounded toward −∞.
 */

/**
 * Invoiced amounts in `currency` with an issue date in the trailing twelve
 * months (oneYearBefore(asOf), asOf]. Invoices in other currencies do not
 * count: the domain does no FX. Credits and rebates do not reduce spend.
 */
export function trailingTwelveMonthSpend(
  state: OpenAccountState,
  asOf: IsoDate,
  currency: string,
): number {
  const after = oneYearBefore(asOf);
  let total = 0;
  for (const invoice of recordEntries(state, 'invoices')) {
    if (invoice.amount.currency !== currency) continue;
    if (invoice.issuedOn > after && invoice.issuedOn <= asOf) total += invoice.amount.amountMinor;
  }
  return total;
}

/** The account's entitlement tier on `asOf`, from its trailing spend in the policy currency. */
export function accountTier(
  state: OpenAccountState,
  policy: Policy,
  asOf: IsoDate,
): EntitlementTier {
  return tierForSpend(policy, trailingTwelveMonthSpend(state, asOf, policy.currency));
}

export type PaymentBehaviour = {
  invoices: number;
  settled: number;
  settledLate: number;
  /** Mean days late over settled invoices, rounded down; 0 when none is settled. */
  averageDaysLate: number;
  maxDaysLate: number;
  /** Unsettled invoices past their due date on `asOf`. */
  overdue: number;
};

/** How the account pays: days late per settled invoice, and what is overdue now. */
export function paymentBehaviour(state: OpenAccountState, asOf: IsoDate): PaymentBehaviour {
  const result: PaymentBehaviour = {
    invoices: 0,
    settled: 0,
    settledLate: 0,
    averageDaysLate: 0,
    maxDaysLate: 0,
    overdue: 0,
  };
  let totalDaysLate = 0;
  for (const invoice of recordEntries(state, 'invoices')) {
    result.invoices += 1;
    if (invoice.settledOn === null) {
      if (asOf > invoice.dueDate) result.overdue += 1;
      continue;
    }
    const late = Math.max(0, daysBetween(invoice.dueDate, invoice.settledOn));
    result.settled += 1;
    if (late > 0) result.settledLate += 1;
    totalDaysLate += late;
    result.maxDaysLate = Math.max(result.maxDaysLate, late);
  }
  result.averageDaysLate = result.settled === 0 ? 0 : Math.floor(totalDaysLate / result.settled);
  return result;
}

export type ForecastAccuracy = {
  /** Month-and-SKU pairs compared. */
  pairs: number;
  forecastQuantity: number;
  actualQuantity: number;
  absoluteErrorQuantity: number;
  /**
   * 10 000 − Σ|actual − forecast| × 10 000 / Σforecast (weighted absolute
   * percentage error), not below 0; null when nothing was forecast.
   */
  accuracyBps: number | null;
};

/**
 * How well the customer's forecasts matched what they ordered. Actual demand
 * is the ordered quantity per SKU in the month of the requested delivery
 * date; orders given only as a value have no quantities and are left out.
 * Only months before `asOf`'s month are compared: the current one is not over.
 */
export function forecastAccuracy(state: OpenAccountState, asOf: IsoDate): ForecastAccuracy {
  const currentMonth = monthOf(asOf);
  const actual = new Map<string, number>();
  for (const order of recordEntries(state, 'orders')) {
    for (const line of order.lines ?? []) {
      const key = `${monthOf(order.requestedDeliveryDate)}|${line.sku}`;
      actual.set(key, (actual.get(key) ?? 0) + line.quantity);
    }
  }
  const result: ForecastAccuracy = {
    pairs: 0,
    forecastQuantity: 0,
    actualQuantity: 0,
    absoluteErrorQuantity: 0,
    accuracyBps: null,
  };
  for (const forecast of recordEntries(state, 'forecasts')) {
    if (forecast.period >= currentMonth) continue;
    const ordered = actual.get(`${forecast.period}|${forecast.sku}`) ?? 0;
    result.pairs += 1;
    result.forecastQuantity += forecast.quantity;
    result.actualQuantity += ordered;
    result.absoluteErrorQuantity += Math.abs(ordered - forecast.quantity);
  }
  if (result.forecastQuantity > 0) {
    const errorBps = exact(
      floorDiv(
        BigInt(result.absoluteErrorQuantity) * BigInt(BPS_WHOLE),
        BigInt(result.forecastQuantity),
      ),
      'forecast error',
    );
    result.accuracyBps = Math.max(0, BPS_WHOLE - errorBps);
  }
  return result;
}

export type DeliveryPerformance = {
  delivered: number;
  onTime: number;
  /** On-time deliveries as bps of deliveries; null when nothing was delivered. */
  onTimeBps: number | null;
  /** Orders placed inside their lead time (flagged late on arrival at the desk). */
  placedInsideLeadTime: number;
};

/** On-time delivery against each order's due date (see OrderDelivered). */
export function deliveryPerformance(state: OpenAccountState): DeliveryPerformance {
  let delivered = 0;
  let onTime = 0;
  for (const order of recordEntries(state, 'orders')) {
    if (order.delivery === null) continue;
    delivered += 1;
    if (order.delivery.onTime) onTime += 1;
  }
  return {
    delivered,
    onTime,
    onTimeBps: delivered === 0 ? null : Math.floor((onTime * BPS_WHOLE) / delivered),
    placedInsideLeadTime: state.counts.ordersInsideLeadTime,
  };
}

export type PromiseRecordSummary = {
  open: number;
  kept: number;
  broken: number;
  withdrawn: number;
  overdue: number;
};

/** Promises by status; open ones past their due date on `asOf` are overdue. */
export function promiseSummary(state: OpenAccountState, asOf: IsoDate): PromiseRecordSummary {
  const summary: PromiseRecordSummary = { open: 0, kept: 0, broken: 0, withdrawn: 0, overdue: 0 };
  for (const promise of recordEntries(state, 'promises')) {
    summary[promise.status] += 1;
    if (promise.status === 'open' && asOf > promise.dueDate) summary.overdue += 1;
  }
  return summary;
}
