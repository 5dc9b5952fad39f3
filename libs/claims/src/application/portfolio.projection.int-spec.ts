import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '@onrecord/kernel';
import { InMemoryEventStore, type NewEvent } from '@onrecord/event-store';
import type { AccountEvent } from '@onrecord/commitments';
import { opened, orderPlaced } from '../domain/testing/record-builder.js';
import { SqliteProjectionCheckpoints } from '../infrastructure/sqlite-projection-checkpoints.js';
import { CHECKPOINT_EVERY_MS, PortfolioProjection } from './portfolio.projection.js';
import type { ProjectionCheckpoint, ProjectionDocument } from './projection-checkpoints.port.js';

/** The real checkpoints, counting the saves. */
class CountedCheckpoints extends SqliteProjectionCheckpoints {
  saves = 0;
  override save(
    projection: string,
    checkpoint: ProjectionCheckpoint,
    documents: Iterable<ProjectionDocument>,
  ): void {
    this.saves += 1;
    super.save(projection, checkpoint, documents);
  }
}

const asNew = (event: AccountEvent, i: number): NewEvent => ({
  id: randomUUID(),
  type: event.type,
  data: event.data,
  metadata: {
    occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    actor: { id: 'sam-sales', role: 'sales' },
    channel: 'phone',
  },
});

/** `accounts` accounts, each opened and given `orders` orders, appended interleaved as a busy day would. */
async function seed(store: InMemoryEventStore, accounts: number, orders: number): Promise<number> {
  let appended = 0;
  for (let a = 0; a < accounts; a++) {
    await store.appendToStream(`account-a${a}`, [asNew(opened(), appended++)]);
  }
  for (let o = 0; o < orders; o++) {
    for (let a = 0; a < accounts; a++) {
      await store.appendToStream(`account-a${a}`, [asNew(orderPlaced(`O-${o}`), appended++)]);
    }
  }
  return appended;
}

const linesOf = (projection: PortfolioProjection): string[] =>
  [...projection.model.accounts.values()]
    .map((account) => JSON.stringify(account))
    .sort((a, b) => a.localeCompare(b));

describe('the portfolio projection’s checkpoints', () => {
  let dir: string;
  let store: InMemoryEventStore;
  const open: PortfolioProjection[] = [];

  const projectionOn = (checkpoints: CountedCheckpoints): PortfolioProjection => {
    const projection = new PortfolioProjection(store, checkpoints, new SystemClock());
    open.push(projection);
    return projection;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'onrecord-portfolio-'));
    store = new InMemoryEventStore();
  });

  afterEach(async () => {
    for (const projection of open.splice(0)) {
      await projection.onModuleDestroy();
      projection.onApplicationShutdown();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a long catch-up over many accounts, writes a checkpoint per interval, not per few hundred events', async () => {
    const events = await seed(store, 200, 40);
    const checkpoints = new CountedCheckpoints(join(dir, 'projections.sqlite'));
    const projection = projectionOn(checkpoints);

    const started = performance.now();
    const status = await projection.rebuild();
    const elapsedMs = performance.now() - started;

    expect(status.events).toBe(events);
    // One when it caught up, and at most one per interval before that.
    expect(checkpoints.saves).toBeLessThanOrEqual(1 + Math.ceil(elapsedMs / CHECKPOINT_EVERY_MS));
    expect(checkpoints.saves).toBeLessThan(events / 500);
  });

  it('given accounts with large records, resumes from its checkpoint to the same lines and folds on top of them', async () => {
    // 150 orders: past the size at which the fold holds a record as a RecordMap.
    await seed(store, 3, 150);
    const file = join(dir, 'projections.sqlite');
    const first = projectionOn(new CountedCheckpoints(file));
    await first.onApplicationBootstrap();
    const rebuilt = linesOf(first);
    await first.onModuleDestroy();

    const resumed = projectionOn(new CountedCheckpoints(file));
    await resumed.onApplicationBootstrap();
    expect(resumed.status()).toMatchObject({
      resumedFrom: first.status().position,
      eventsSinceStart: 0,
    });
    expect(linesOf(resumed)).toEqual(rebuilt);

    const next = await store.appendToStream('account-a1', [asNew(orderPlaced('O-late'), 10_000)]);
    await resumed.waitFor(next.position);
    const state = resumed.model.accounts.get('a1')?.state;
    expect(state?.status === 'open' && Object.keys(state.orders)).toHaveLength(151);
  });
});
