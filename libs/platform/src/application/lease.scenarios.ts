import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { FixedClock } from '@onrecord/kernel';
import type { EventStore } from '@onrecord/event-store';
import { Lease } from './lease.js';

/**
 * Replicas of one deployment for the lease scenarios: each `open` is one
 * replica's store over the same backing store (the same in-memory store, the
 * same SQLite file, or a new EventStoreDB client on the same server).
 */
export interface LeaseReplicas {
  open(): Promise<EventStore>;
  dispose(): Promise<void>;
}

const TTL_MS = 30_000;
const MARGIN_MS = 5_000;
const START = new Date('2026-11-23T10:00:00.000Z');

/** A replica: its own store (client) and its own clock, competing for the lease `name`. */
async function replica(
  replicas: LeaseReplicas,
  name: string,
  holder: string,
  clock: FixedClock,
): Promise<Lease> {
  return new Lease(await replicas.open(), clock, {
    name,
    holder,
    ttlMs: TTL_MS,
    marginMs: MARGIN_MS,
  });
}

function holders(leases: readonly Lease[]): string[] {
  return leases.filter((lease) => lease.holds()).map((lease) => lease.holder);
}

/**
 * The lease's behaviour, written once and run on every store (lease.spec.ts
 * in memory, lease.int-spec.ts on SQLite and on EventStoreDB through the
 * stand-in). Plain async functions with node:assert, so the test files
 * share them without a test runner in this module. Each uses its own lease
 * name, so they may share one backing store.
 */
export const LEASE_SCENARIOS: ReadonlyArray<{
  readonly name: string;
  readonly run: (replicas: LeaseReplicas) => Promise<void>;
}> = [
  {
    name: 'given a free lease and three replicas racing for it, exactly one wins and the others see it held',
    run: async (replicas) => {
      const name = `race-${randomUUID()}`;
      const clock = new FixedClock(START);
      const leases = [
        await replica(replicas, name, 'api-1', clock),
        await replica(replicas, name, 'api-2', clock),
        await replica(replicas, name, 'api-3', clock),
      ];

      const won = await Promise.all(leases.map((lease) => lease.tick()));

      assert.equal(won.filter(Boolean).length, 1);
      const [winner] = holders(leases);
      assert.ok(winner);
      const state = await leases[0]!.read();
      assert.equal(state.holder, winner);
      assert.equal(state.until?.toISOString(), new Date(START.getTime() + TTL_MS).toISOString());

      clock.advance(10_000);
      const again = await Promise.all(leases.map((lease) => lease.tick()));
      assert.deepEqual(holders(leases), [winner]);
      assert.equal(again.filter(Boolean).length, 1);
      assert.equal((await leases[0]!.read()).holder, winner);
    },
  },
  {
    name: 'given a holder that stops renewing, it stops counting itself the holder before the lease runs out, and another replica takes over only once it has',
    run: async (replicas) => {
      const name = `takeover-${randomUUID()}`;
      const clock = new FixedClock(START);
      const first = await replica(replicas, name, 'api-1', clock);
      const second = await replica(replicas, name, 'api-2', clock);
      assert.equal(await first.tick(), true);

      clock.advance(TTL_MS - MARGIN_MS);
      assert.equal(first.holds(), false, 'the holder stops within the margin');
      assert.equal(await second.tick(), false, 'nobody takes over before the lease runs out');

      clock.advance(MARGIN_MS);
      assert.equal(await second.tick(), true);
      const [taken] = await (
        await replicas.open()
      ).readStream(first.streamId, {
        direction: 'backwards',
        fromRevision: 'end',
        maxCount: 1,
      });
      assert.equal(taken?.type, 'LeaseAcquired');
      assert.deepEqual(taken?.data, {
        holder: 'api-2',
        until: new Date(clock.now().getTime() + TTL_MS).toISOString(),
        ttlMs: TTL_MS,
        takenOverFrom: 'api-1',
      });

      assert.equal(await first.tick(), false, 'the old holder finds it taken');
      assert.deepEqual(holders([first, second]), ['api-2']);
    },
  },
  {
    name: 'given a holder that releases the lease on stop, another replica takes it at once',
    run: async (replicas) => {
      const name = `release-${randomUUID()}`;
      const clock = new FixedClock(START);
      const first = await replica(replicas, name, 'api-1', clock);
      const second = await replica(replicas, name, 'api-2', clock);
      assert.equal(await first.tick(), true);
      assert.equal(await second.tick(), false);

      await first.release();

      assert.equal(first.holds(), false);
      assert.equal((await second.read()).holder, null);
      assert.equal(await second.tick(), true, 'no wait for the TTL');
      await first.release();
      assert.equal((await second.read()).holder, 'api-2', 'a second release changes nothing');
    },
  },
  {
    name: 'given a holder renewing while another replica, its clock ahead, takes over, the two never both hold the lease',
    run: async (replicas) => {
      const name = `split-${randomUUID()}`;
      const clock = new FixedClock(START);
      // The second replica's clock runs a whole TTL ahead: to it, every lease has run out.
      const ahead = new FixedClock(new Date(START.getTime() + TTL_MS));
      const first = await replica(replicas, name, 'api-1', clock);
      const second = await replica(replicas, name, 'api-2', ahead);
      assert.equal(await first.tick(), true);

      for (let round = 0; round < 10; round++) {
        clock.advance(10_000);
        ahead.advance(10_000);
        const [a, b] = await Promise.all([first.tick(), second.tick()]);
        assert.ok(!(a && b), `round ${round}: both replicas hold the lease`);
        assert.ok(holders([first, second]).length <= 1);
      }
      const state = await first.read();
      assert.ok(state.holder === 'api-1' || state.holder === 'api-2');
    },
  },
];
