/**
 * How a webhook retries an event its receiver did not acknowledge:
 * exponential backoff from `minDelayMs`, doubling per consecutive failure,
 * capped at `maxDelayMs`, with jitter so receivers coming back up are not hit
 * by every sender at once; after `pauseAfterFailures` consecutive failures
 * the webhook pauses and waits for a manager.
 */
export interface RetryPolicy {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly pauseAfterFailures: number;
}

export type AfterFailure =
  { readonly action: 'retry'; readonly delayMs: number } | { readonly action: 'pause' };

/**
 * The delay before the next attempt, after `failures` consecutive failures
 * (1 after the first). `random` is in [0, 1): the jitter spreads the delay
 * over [base, 1.25 × base], and the ceiling always holds.
 */
export function retryDelayMs(failures: number, policy: RetryPolicy, random: number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const base = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** exponent);
  const jittered = base * (1 + 0.25 * Math.min(Math.max(random, 0), 1));
  return Math.round(Math.min(policy.maxDelayMs, Math.max(policy.minDelayMs, jittered)));
}

export function afterFailure(failures: number, policy: RetryPolicy, random: number): AfterFailure {
  return failures >= policy.pauseAfterFailures
    ? { action: 'pause' }
    : { action: 'retry', delayMs: retryDelayMs(failures, policy, random) };
}
