import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { FixedClock } from '@onrecord/kernel';
import { EsdbEventStore, type EventStore, SqliteEventStore } from '@onrecord/event-store';
import { EsdbStandin } from '../../../../test/esdb-standin/esdb-standin.js';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { BackgroundWorkLeader } from './lease.js';
import { LEASE_SCENARIOS, type LeaseReplicas } from './lease.scenarios.js';

const START = new Date('2026-11-23T10:00:00.000Z');
const FAST_RESUBSCRIBE = { initialDelayMs: 20, maxDelayMs: 200 };

beforeAll(() => {
  Logger.overrideLogger(false);
});

/** Opens stores over one backing store, and closes them all afterwards. */
function replicasOf(open: () => EventStore, after: () => void = () => undefined): LeaseReplicas {
  const stores: EventStore[] = [];
  return {
    open: () => {
      const store = open();
      stores.push(store);
      return Promise.resolve(store);
    },
    dispose: async () => {
      for (const store of stores.splice(0)) await store.close();
      after();
    },
  };
}

// Two stores on one file: two writers with their own connections, racing
// through SQLite's locking as two processes on one host would.
describe('a lease in the embedded SQLite store (two connections to one file)', () => {
  for (const scenario of LEASE_SCENARIOS) {
    it(scenario.name, async () => {
      const dir = tempDir('onrecord-lease-');
      const file = join(dir.path, 'events.sqlite');
      const replicas = replicasOf(
        () => new SqliteEventStore({ file }),
        () => dir.remove(),
      );
      try {
        await scenario.run(replicas);
      } finally {
        await replicas.dispose();
      }
    });
  }
});

// Each replica is its own EventStoreDB client and connection, as two API
// replicas are; they meet only in the server's optimistic concurrency.
describe('a lease on EventStoreDB (the protocol stand-in, one client per replica)', () => {
  let standin: EsdbStandin;
  let replicas: LeaseReplicas;
  beforeAll(async () => {
    standin = await EsdbStandin.start();
  });
  beforeEach(() => {
    replicas = replicasOf(
      () =>
        new EsdbEventStore({
          connectionString: standin.connectionString,
          resubscribe: FAST_RESUBSCRIBE,
        }),
    );
  });
  afterEach(async () => {
    await replicas.dispose();
  });
  afterAll(async () => {
    await standin.stop();
  });

  for (const scenario of LEASE_SCENARIOS) {
    it(scenario.name, async () => {
      await scenario.run(replicas);
    });
  }

  it('given two API replicas, the background work runs on one; it survives a dropped connection and moves when its replica stops', async () => {
    const clock = new FixedClock(START);
    const log: string[] = [];
    const leaders = await Promise.all(
      ['api-1', 'api-2'].map(async (holder) => {
        const leader = new BackgroundWorkLeader(await replicas.open(), clock, {
          mode: 'lease',
          holder,
          leaseTtlMs: 30_000,
        });
        leader.runWhileLeader(
          'webhooks',
          () => void log.push(`${holder} start`),
          () => void log.push(`${holder} stop`),
        );
        return leader;
      }),
    );
    const [one, two] = leaders as [BackgroundWorkLeader, BackgroundWorkLeader];
    try {
      const won = await Promise.all([one.activate(), two.activate()]);
      expect(won.filter(Boolean)).toHaveLength(1);
      const [leader, follower] = won[0] ? [one, two] : [two, one];
      const [leaderName, followerName] = won[0] ? ['api-1', 'api-2'] : ['api-2', 'api-1'];

      // Every client connection is cut; the next renewal reconnects.
      expect(standin.dropConnections()).toBeGreaterThan(0);
      clock.advance(10_000);
      expect(await leader.tick()).toBe(true);
      expect(await follower.tick()).toBe(false);

      await leader.deactivate();
      expect(await follower.tick()).toBe(true);
      expect(log).toEqual([`${leaderName} start`, `${leaderName} stop`, `${followerName} start`]);
    } finally {
      await Promise.all(leaders.map((leader) => leader.deactivate()));
    }
  });
});
