import { InvalidCommandError } from './commitments.errors.js';

/**
 * Calendar dates are ISO 8601 `YYYY-MM-DD` strings read as UTC days: due
 * dates, delivery dates, validity dates. Lead times and lateness are counted
 * in whole calendar days between two such dates. Instants (`now`) are turned
 * into the UTC date they fall on.
 */
export type IsoDate = string;

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  // Date.UTC rolls 2025-02-30 over to March; a real date survives the round trip.
  return new Date(ms).toISOString().slice(0, 10) === value;
}

/** A calendar month `YYYY-MM`: the period of a forecast. */
export function isIsoMonth(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_MONTH.exec(value);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 12;
}

function msOf(date: IsoDate): number {
  return Date.parse(`${date}T00:00:00.000Z`);
}

/** The UTC date an instant falls on. */
export function utcDateOf(instant: Date | string): IsoDate {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) {
    throw new InvalidCommandError('context', [{ field: 'now', problem: 'is not a valid instant' }]);
  }
  return new Date(ms).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to`; negative when `to` is earlier. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((msOf(to) - msOf(from)) / DAY_MS);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(msOf(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The month `YYYY-MM` a date falls in. */
export function monthOf(date: IsoDate): string {
  return date.slice(0, 7);
}

/**
 * The same calendar day a year earlier (29 February falls back to the 28th).
 * A trailing-12-month window is (oneYearBefore(asOf), asOf].
 */
export function oneYearBefore(date: IsoDate): IsoDate {
  const year = Number(date.slice(0, 4)) - 1;
  const candidate = `${String(year).padStart(4, '0')}${date.slice(4)}`;
  return isIsoDate(candidate) ? candidate : `${String(year).padStart(4, '0')}-02-28`;
}

export function laterOf(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}
