import {
  addDays,
  daysBetween,
  isIsoDate,
  isIsoMonth,
  oneYearBefore,
  utcDateOf,
} from './calendar.js';
import { InvalidCommandError } from './commitments.errors.js';

describe('calendar days', () => {
  it('accepts real dates only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-6-1')).toBe(false);
    expect(isIsoDate(20250601)).toBe(false);
    expect(isIsoMonth('2025-12')).toBe(true);
    expect(isIsoMonth('2025-13')).toBe(false);
  });

  it('counts whole days and adds them across months', () => {
    expect(daysBetween('2025-06-16', '2025-07-01')).toBe(15);
    expect(daysBetween('2025-07-01', '2025-06-16')).toBe(-15);
    expect(addDays('2025-06-20', 15)).toBe('2025-07-05');
  });

  it('goes back a year, with 29 February falling back to the 28th', () => {
    expect(oneYearBefore('2025-06-16')).toBe('2024-06-16');
    expect(oneYearBefore('2024-02-29')).toBe('2023-02-28');
  });

  it('reads an instant as the UTC day it falls on', () => {
    expect(utcDateOf('2025-06-16T23:30:00-02:00')).toBe('2025-06-17');
    expect(utcDateOf(new Date(Date.UTC(2025, 5, 16, 10)))).toBe('2025-06-16');
    expect(() => utcDateOf('yesterday')).toThrow(InvalidCommandError);
  });
});
