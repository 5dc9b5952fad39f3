import { BPS_WHOLE, ceilDiv, exact, floorDiv, bpsOf } from './money.js';

/**
 * Gross profit (GP) is revenue minus the cost of what was sold; sales is
 * measured on it. GP bps is GP as a share of revenue in basis points.
 *
 * Rounding, once for all: GP bps is rounded toward −∞, so a margin is never
 * lifted over a floor by rounding; discount amounts and shares of GP are
 * rounded down to whole minor units (see `bpsOf`).
 */

/** A quoted or ordered line. Quantities are whole units of the SKU's unit of measure. */
export type PricedLine = {
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  unitCostMinor: number;
};

export type Totals = { revenueMinor: number; costMinor: number };

export function totalsOfLines(lines: readonly PricedLine[]): Totals {
  let revenue = 0n;
  let cost = 0n;
  for (const line of lines) {
    revenue += BigInt(line.quantity) * BigInt(line.unitPriceMinor);
    cost += BigInt(line.quantity) * BigInt(line.unitCostMinor);
  }
  return { revenueMinor: exact(revenue, 'revenue'), costMinor: exact(cost, 'cost') };
}

/**
 * GP × 10 000 / revenue, rounded toward −∞. With no revenue left (zero or
 * less) the margin is undefined; it is reported as −10 000 bps, "all of it
 * lost", so that every floor refuses it.
 */
export function grossProfitBps(revenueMinor: number, costMinor: number): number {
  if (revenueMinor <= 0) return -BPS_WHOLE;
  const gp = BigInt(revenueMinor) - BigInt(costMinor);
  return exact(floorDiv(gp * BigInt(BPS_WHOLE), BigInt(revenueMinor)), 'gross profit bps');
}

/**
 * The least revenue that meets the floor at this cost: ⌈cost × 10 000 / (10 000 − floor)⌉,
 * at least 1. Null when no revenue can (a 100 % floor on a cost).
 */
export function revenueNeededForFloor(costMinor: number, floorBps: number): number | null {
  if (floorBps >= BPS_WHOLE) return costMinor === 0 ? 1 : null;
  const needed = ceilDiv(BigInt(costMinor) * BigInt(BPS_WHOLE), BigInt(BPS_WHOLE - floorBps));
  return Math.max(1, exact(needed, 'revenue needed for floor'));
}

/**
 * What a quote or an order earns, and what concessions granted on it have
 * taken since: discounts and credits give revenue back; freight and expedite
 * costs the company took on add to cost. The next concession is judged on
 * what is left, so small concessions cannot add up to a breach of the floor.
 */
export type Economics = {
  currency: string;
  /** Revenue as priced. */
  revenueMinor: number;
  /** Cost of goods as priced. */
  costMinor: number;
  /** Revenue given back by granted discounts and credits. */
  revenueGivenBackMinor: number;
  /** Cost taken on by granted freight and expedite concessions. */
  extraCostMinor: number;
  /**
   * Price discounts granted, in bps, added rather than compounded: the
   * conservative reading when the total is held against a limit.
   */
  discountBpsGranted: number;
};

export function economicsOf(currency: string, totals: Totals): Economics {
  return {
    currency,
    revenueMinor: totals.revenueMinor,
    costMinor: totals.costMinor,
    revenueGivenBackMinor: 0,
    extraCostMinor: 0,
    discountBpsGranted: 0,
  };
}

export function netRevenueOf(e: Economics): number {
  return e.revenueMinor - e.revenueGivenBackMinor;
}

export function grossProfitOf(e: Economics): number {
  return netRevenueOf(e) - e.costMinor - e.extraCostMinor;
}

export function marginBpsOf(e: Economics): number {
  return grossProfitBps(netRevenueOf(e), e.costMinor + e.extraCostMinor);
}

export function withRevenueGivenBack(e: Economics, amountMinor: number): Economics {
  return { ...e, revenueGivenBackMinor: e.revenueGivenBackMinor + amountMinor };
}

export function withExtraCost(e: Economics, amountMinor: number): Economics {
  return { ...e, extraCostMinor: e.extraCostMinor + amountMinor };
}

/** A price discount of `bps` on the revenue still left, rounded down to a minor unit. */
export function discountOn(e: Economics, bps: number): { discountMinor: number; after: Economics } {
  const discountMinor = bpsOf(Math.max(0, netRevenueOf(e)), bps);
  const after = withRevenueGivenBack(e, discountMinor);
  return { discountMinor, after: { ...after, discountBpsGranted: e.discountBpsGranted + bps } };
}

/**
 * The largest whole number in 0..high for which `passes` holds, given that it
 * holds for every smaller one too; null when it fails even at 0. Bisection on
 * the same integer arithmetic the decision uses, so the answer is exact.
 */
function largestPassing(high: number, passes: (n: number) => boolean): number | null {
  if (high < 0 || !passes(0)) return null;
  let low = 0;
  let top = high;
  while (low < top) {
    const mid = low + Math.ceil((top - low) / 2);
    if (passes(mid)) low = mid;
    else top = mid - 1;
  }
  return low;
}

/** The largest further discount, at most `capBps`, that leaves the margin at or above the floor. */
export function largestDiscountWithinFloor(
  e: Economics,
  floorBps: number,
  capBps: number,
): number | null {
  return largestPassing(capBps, (bps) => marginBpsOf(discountOn(e, bps).after) >= floorBps);
}

/** The largest extra cost (freight, expedite) the company can take on and stay at or above the floor. */
export function largestExtraCostWithinFloor(e: Economics, floorBps: number): number | null {
  return largestPassing(
    Math.max(0, grossProfitOf(e)),
    (amount) => marginBpsOf(withExtraCost(e, amount)) >= floorBps,
  );
}

/** The largest revenue (a credit) that can be given back and stay at or above the floor. */
export function largestGiveBackWithinFloor(e: Economics, floorBps: number): number | null {
  return largestPassing(
    Math.max(0, netRevenueOf(e)),
    (amount) => marginBpsOf(withRevenueGivenBack(e, amount)) >= floorBps,
  );
}
