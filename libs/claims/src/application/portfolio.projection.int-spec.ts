import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '@onrecord/kernel';
import {
  InMemoryEventStore,
  type NewEvent,
  formatPosition,
  parsePosition,
} from '@onrecord/event-store';
import type { AccountEvent } from '@onrecord/commitments';
import { freight, granted, opened, orderPlaced } from '../domain/testing/record-builder.js';
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

/**
 * `accounts` accounts, each opened and given `orders` orders (every tenth
 * with a freight concession, which also counts on the rep's line), appended
 * interleaved as a busy day would. Resolves with the events and the last position.
 */
async function seed(
  store: InMemoryEventStore,
  accounts: number,
  orders: number,
): Promise<{ events: number; last: string }> {
  let appended = 0;
  let last = '';
  const append = async (accountId: string, event: AccountEvent) => {
    const result = await store.appendToStream(`account-${accountId}`, [asNew(event, appended++)]);
    last = formatPosition(result.position);
  };
  for (let a = 0; a < accounts; a++) await append(`a${a}`, opened());
  for (let o = 0; o < orders; o++) {
    for (let a = 0; a < accounts; a++) {
      await append(`a${a}`, orderPlaced(`O-${o}`));
      if (o % 10 === 0) await append(`a${a}`, granted(`F-${o}`, freight(`O-${o}`, null), 2_500));
    }
  }
  return { events: appended, last };
}

const linesOf = (projection: PortfolioProjection): string[] =>
  [...projection.model.accounts.values(), ...projection.model.reps.values()]
    .map((line) => JSON.stringify(line))
    .sort((a, b) => a.localeCompare(b));

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

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
    const { events } = await seed(store, 200, 40);
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

  it('given lines the periodic checkpoint had no time to write, replays them from their streams after a crash to the same lines', async () => {
    const file = join(dir, 'projections.sqlite');
    const live = projectionOn(new CountedCheckpoints(file));
    await live.onApplicationBootstrap();
    // Written live: only periodic checkpoints, each writing lines for at most
    // CHECKPOINT_LINES_BUDGET_MS, and 100 lines of ~300 orders take longer.
    const { last } = await seed(store, 100, 300);
    await live.waitFor(parsePosition(last)!);
    const reader = new CountedCheckpoints(file);
    await until(() => reader.load('portfolio').checkpoint?.position === last);
    reader.close();

    // A second process on the same files, as after a kill -9 of the first.
    const restarted = projectionOn(new CountedCheckpoints(file));
    await restarted.onApplicationBootstrap();

    expect(restarted.status()).toMatchObject({ resumedFrom: last, eventsSinceStart: 0 });
    expect(restarted.status().replayedAtStart).toBeGreaterThan(0);
    expect(linesOf(restarted)).toEqual(linesOf(live));
  });
});
