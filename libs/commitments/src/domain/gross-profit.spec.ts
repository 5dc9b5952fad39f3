import { AmountOutOfRangeError } from './commitments.errors.js';
import {
  discountOn,
  economicsOf,
  grossProfitBps,
  largestDiscountWithinFloor,
  largestExtraCostWithinFloor,
  largestGiveBackWithinFloor,
  marginBpsOf,
  revenueNeededForFloor,
  totalsOfLines,
} from './gross-profit.js';
import { bpsOf, ceilDiv, floorDiv } from './money.js';

describe('gross profit', () => {
  it('adds up revenue and cost line by line, in minor units', () => {
    const totals = totalsOfLines([
      { sku: 'BOLT-M8', quantity: 10, unitPriceMinor: 12_345, unitCostMinor: 9_600 },
      { sku: 'NUT-M8', quantity: 3, unitPriceMinor: 4_999, unitCostMinor: 3_100 },
    ]);
    expect(totals).toEqual({ revenueMinor: 138_447, costMinor: 105_300 });
  });

  it('refuses totals too large to be exact rather than rounding them', () => {
    expect(() =>
      totalsOfLines([
        { sku: 'X', quantity: 9_000_000_000_000, unitPriceMinor: 10_000, unitCostMinor: 1 },
      ]),
    ).toThrow(AmountOutOfRangeError);
  });

  it('expresses GP in bps of revenue, rounded toward minus infinity', () => {
    expect(grossProfitBps(138_447, 105_300)).toBe(2394); // 2394.2…
    expect(grossProfitBps(3, 2)).toBe(3333); // 3333.3…
    expect(grossProfitBps(3, 4)).toBe(-3334); // −3333.3… rounds down, not toward zero
    expect(grossProfitBps(10_000, 7_800)).toBe(2200);
  });

  it('reports no revenue as every basis point lost, so any floor refuses it', () => {
    expect(grossProfitBps(0, 0)).toBe(-10_000);
    expect(grossProfitBps(-5, 100)).toBe(-10_000);
  });

  it('rounds a share of an amount down to a whole minor unit', () => {
    expect(bpsOf(999, 150)).toBe(14); // 14.985
    expect(bpsOf(1_000_000, 500)).toBe(50_000);
  });

  it('divides integers with explicit rounding', () => {
    expect(floorDiv(-7n, 2n)).toBe(-4n);
    expect(floorDiv(7n, 2n)).toBe(3n);
    expect(ceilDiv(7n, 2n)).toBe(4n);
    expect(ceilDiv(-7n, 2n)).toBe(-3n);
  });

  it('names the least revenue that meets a floor at a given cost', () => {
    const needed = revenueNeededForFloor(7_000, 2200);
    expect(needed).toBe(8975);
    expect(grossProfitBps(8975, 7_000)).toBeGreaterThanOrEqual(2200);
    expect(grossProfitBps(8974, 7_000)).toBeLessThan(2200);
    expect(revenueNeededForFloor(0, 2200)).toBe(1);
    expect(revenueNeededForFloor(5, 10_000)).toBeNull();
  });

  describe('given a $10 000 order costing $7 000 and a 22 % floor', () => {
    const order = economicsOf('USD', { revenueMinor: 1_000_000, costMinor: 700_000 });

    it('takes a discount off the revenue still left and adds its bps to the total granted', () => {
      const { discountMinor, after } = discountOn(order, 500);
      expect(discountMinor).toBe(50_000);
      expect(after).toEqual({ ...order, revenueGivenBackMinor: 50_000, discountBpsGranted: 500 });
      expect(marginBpsOf(after)).toBe(2631);
      expect(discountOn(after, 300).discountMinor).toBe(28_500);
    });

    it('finds the largest discount that keeps the floor, exactly', () => {
      expect(largestDiscountWithinFloor(order, 2200, 1500)).toBe(1025);
      expect(marginBpsOf(discountOn(order, 1025).after)).toBe(2200);
      expect(marginBpsOf(discountOn(order, 1026).after)).toBe(2199);
      expect(largestDiscountWithinFloor(order, 2200, 800)).toBe(800);
    });

    it('finds the largest extra cost and the largest credit that keep the floor', () => {
      expect(largestExtraCostWithinFloor(order, 2200)).toBe(80_000);
      expect(largestGiveBackWithinFloor(order, 2200)).toBe(102_564);
    });

    it('finds nothing when the order is already below the floor', () => {
      const thin = economicsOf('USD', { revenueMinor: 1_000_000, costMinor: 800_000 });
      expect(largestDiscountWithinFloor(thin, 2200, 1500)).toBeNull();
      expect(largestExtraCostWithinFloor(thin, 2200)).toBeNull();
    });
  });
});
