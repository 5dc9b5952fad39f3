import {
  type WebhookCheckpoint,
  checkpointDelayMs,
  progressOf,
  sameProgress,
} from './webhook-progress.js';

const checkpoint = (over: Partial<WebhookCheckpoint> = {}): WebhookCheckpoint => ({
  webhookId: 'w',
  run: 1,
  cursor: '57',
  deliveredCount: 12,
  consecutiveFailures: 2,
  nextAttemptAt: '2026-03-02T10:00:04.000Z',
  at: '2026-03-02T10:00:00.000Z',
  ...over,
});

describe('where a webhook stands by the store', () => {
  it('given a checkpoint of the current run, it stands there, retry state included', () => {
    expect(progressOf({ run: 1, runFrom: null, status: 'active' }, checkpoint())).toEqual({
      cursor: '57',
      deliveredCount: 12,
      consecutiveFailures: 2,
      nextAttemptAt: '2026-03-02T10:00:04.000Z',
      checkpointedAt: '2026-03-02T10:00:00.000Z',
    });
  });

  it('given no checkpoint yet, it stands at the run start with nothing delivered', () => {
    expect(progressOf({ run: 1, runFrom: '41', status: 'active' }, null)).toEqual({
      cursor: '41',
      deliveredCount: 0,
      consecutiveFailures: 0,
      nextAttemptAt: null,
      checkpointedAt: null,
    });
  });

  it('given a replay started run 2 and the last checkpoint is still of run 1, it stands at the replay point with a fresh failure count, and keeps the delivered count', () => {
    expect(progressOf({ run: 2, runFrom: '3', status: 'active' }, checkpoint())).toEqual({
      cursor: '3',
      deliveredCount: 12,
      consecutiveFailures: 0,
      nextAttemptAt: null,
      checkpointedAt: null,
    });
  });

  it('given a paused webhook, no next attempt is shown', () => {
    expect(
      progressOf({ run: 1, runFrom: null, status: 'paused' }, checkpoint()).nextAttemptAt,
    ).toBeNull();
  });

  it('tells moved progress from unchanged progress', () => {
    const a = { cursor: '5', deliveredCount: 1, consecutiveFailures: 0, nextAttemptAt: null };
    expect(sameProgress(a, { ...a })).toBe(true);
    expect(sameProgress(a, { ...a, cursor: '6' })).toBe(false);
    expect(sameProgress(a, { ...a, consecutiveFailures: 1 })).toBe(false);
    expect(sameProgress(a, { ...a, nextAttemptAt: '2026-03-02T10:00:00Z' })).toBe(false);
  });
});

describe('the checkpoint cadence', () => {
  it('writes the first move at once, then at most once per interval', () => {
    expect(checkpointDelayMs(null, 1_000, 5_000)).toBe(0);
    expect(checkpointDelayMs(1_000, 1_200, 5_000)).toBe(4_800);
    expect(checkpointDelayMs(1_000, 6_000, 5_000)).toBe(0);
    expect(checkpointDelayMs(1_000, 60_000, 5_000)).toBe(0);
  });
});
