import { AmountOutOfRangeError } from './commitments.errors.js';

/**
 * An amount of money: an integer count of the currency's minor unit (cents
 * for USD, yen for JPY) with its ISO 4217 alphabetic code. Never a float, so
 * sums, comparisons and hashes are exact on every reader.
 */
export type Money = { amountMinor: number; currency: string };

/** A basis point (bp) is 1/100 of a percent; 10 000 bps is the whole. */
export const BPS_WHOLE = 10_000;

const CURRENCY_CODE = /^[A-Z]{3}$/;

/** Three upper-case letters. The list of live ISO 4217 codes is not checked here. */
export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && CURRENCY_CODE.test(value);
}

/** A non-negative exact integer: the only shape a stored amount may have. */
export function isMinorAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isWholeNumber(
  value: unknown,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

/** An integer in 0..10 000 (or the narrower range given). */
export function isBps(value: unknown, min = 0, max = BPS_WHOLE): value is number {
  return isWholeNumber(value, min, max);
}

export function money(amountMinor: number, currency: string): Money {
  return { amountMinor, currency };
}

/**
 * Integer division rounded toward −∞. Every rounding in this capability is
 * explicit and goes through here or `ceilDiv`, on bigints so that products of
 * large amounts never lose precision before they are divided.
 */
export function floorDiv(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const inexact = numerator % denominator !== 0n;
  return inexact && numerator < 0n !== denominator < 0n ? quotient - 1n : quotient;
}

/** Integer division rounded toward +∞. */
export function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return -floorDiv(-numerator, denominator);
}

/** Back to a number, refusing anything outside the exact-integer range. */
export function exact(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new AmountOutOfRangeError(what);
  }
  return Number(value);
}

/**
 * `bps` of an amount, rounded down to a whole minor unit: a discount or a
 * share is never promised as a fraction of a cent, and a limit computed this
 * way never exceeds the exact limit.
 */
export function bpsOf(amountMinor: number, bps: number): number {
  return exact(floorDiv(BigInt(amountMinor) * BigInt(bps), BigInt(BPS_WHOLE)), 'bps of amount');
}
