import type { Row } from './report.js';

/**
 * Sections 3-5 measure features that were still being built when the bench
 * was written. They are listed, with their budgets, so the table shows what
 * is not measured instead of silently leaving it out; never a number.
 */
interface Pending {
  readonly section: string;
  readonly workload: string;
  readonly budget: string;
  /** What the harness needs before it can measure this. */
  readonly needs: string;
}

const PENDING: readonly Pending[] = [
  {
    section: '3 claims',
    workload: 'claim check p50/p99, accounts of 100 / 10,000 / 100,000 events',
    budget: 'p99 < 5 ms at 10,000',
    needs:
      'POST /accounts/:id/claims/check (libs/claims) on main, and a way to seed an account with 100,000 events that does not go through the per-event command path',
  },
  {
    section: '3 claims',
    workload: 'as-of p50/p99, accounts of 100 / 10,000 / 100,000 events',
    budget: 'p99 < 20 ms at 10,000',
    needs: 'GET /accounts/:id/state?asOf=&clock= (libs/claims) on main',
  },
  {
    section: '4 rebuild',
    workload: 'all cross-account read models from zero, 1,000,000 events',
    budget: '≥ 150,000 ev/s, peak < 1 GiB',
    needs:
      'the projections with rebuild() (libs/claims: portfolio, rep scoreboard, exceptions) on main, callable on a seeded store without HTTP, so events/s and peak RSS are the rebuild’s own',
  },
  {
    section: '5 sse',
    workload: '100 SSE subscribers while 1,000 events/s are appended: delivery lag p99',
    budget: 'p99 < 50 ms',
    needs:
      'GET /subscriptions/events (libs/integrations) on main; lag = receipt time − the event’s recordedAt, per subscriber',
  },
];

export function pendingRows(): Row[] {
  return PENDING.map((pending) => ({
    section: pending.section,
    workload: pending.workload,
    onrecord: 'not measured yet (no harness yet)',
    peer: '-',
    ratio: '-',
    budget: pending.budget,
    verdict: 'not measured yet',
    values: { needs: pending.needs },
  }));
}
