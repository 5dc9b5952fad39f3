import { afterFailure, retryDelayMs } from './retry-schedule.js';

const policy = { minDelayMs: 1_000, maxDelayMs: 60_000, pauseAfterFailures: 10 };

describe('webhook retry schedule', () => {
  it('doubles from the minimum after each consecutive failure', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, 0))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
  });

  it('adds up to a quarter of jitter, never above the ceiling', () => {
    expect(retryDelayMs(2, policy, 0.999)).toBe(2_500);
    expect(retryDelayMs(7, policy, 0.999)).toBe(60_000);
    expect(retryDelayMs(40, policy, 0.5)).toBe(60_000);
  });

  it('pauses at the configured number of consecutive failures', () => {
    expect(afterFailure(9, policy, 0)).toEqual({ action: 'retry', delayMs: 60_000 });
    expect(afterFailure(10, policy, 0)).toEqual({ action: 'pause' });
  });
});
