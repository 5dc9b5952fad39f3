import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FixedClock } from '@onrecord/kernel';
import {
  type AppendOptions,
  type AppendResult,
  type EventStore,
  InMemoryEventStore,
  type NewEvent,
} from '@onrecord/event-store';
import { ConfigError, readAppConfig } from '../infrastructure/app-config.js';
import { StoreModule } from '../infrastructure/store.module.js';
import { BACKGROUND_WORK_LEASE, BackgroundWorkLeader, type WorkerConfig } from './lease.js';
import { BackgroundWorkModule, readWorkerConfig } from './lease.module.js';
import { LEASE_SCENARIOS } from './lease.scenarios.js';

const START = new Date('2026-11-23T10:00:00.000Z');
const TTL_MS = 30_000;

// The leader logs every change of leadership; not wanted in test output.
beforeAll(() => {
  Logger.overrideLogger(false);
});

describe('a lease in the in-memory store', () => {
  let store: InMemoryEventStore;
  beforeEach(() => {
    store = new InMemoryEventStore(new FixedClock(START));
  });
  afterEach(async () => {
    await store.close();
  });

  for (const scenario of LEASE_SCENARIOS) {
    it(scenario.name, async () => {
      await scenario.run({ open: () => Promise.resolve(store), dispose: () => Promise.resolve() });
    });
  }
});

/** An in-memory store whose appends can be made to fail, as when the server is unreachable. */
class FlakyStore extends InMemoryEventStore {
  failing = false;
  override appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    if (this.failing) return Promise.reject(new Error('connection refused'));
    return super.appendToStream(streamId, events, options);
  }
}

function leaderOn(
  store: EventStore,
  clock: FixedClock,
  holder: string,
  mode: WorkerConfig['mode'] = 'lease',
): BackgroundWorkLeader {
  return new BackgroundWorkLeader(store, clock, { mode, holder, leaseTtlMs: TTL_MS });
}

/** Records what a replica's background work did, in order. */
function work(log: string[], replica: string) {
  return [() => void log.push(`${replica} start`), () => void log.push(`${replica} stop`)] as const;
}

describe('BackgroundWorkLeader', () => {
  let clock: FixedClock;
  let store: FlakyStore;
  const leaders: BackgroundWorkLeader[] = [];

  beforeEach(() => {
    clock = new FixedClock(START);
    store = new FlakyStore(clock);
  });
  afterEach(async () => {
    for (const leader of leaders.splice(0)) await leader.deactivate();
    await store.close();
  });

  function replica(holder: string, mode: WorkerConfig['mode'] = 'lease'): BackgroundWorkLeader {
    const leader = leaderOn(store, clock, holder, mode);
    leaders.push(leader);
    return leader;
  }

  it('given two replicas, runs the work on exactly one of them and tells its listeners', async () => {
    const log: string[] = [];
    const changes: string[] = [];
    const one = replica('api-1');
    const two = replica('api-2');
    one.runWhileLeader('webhooks', ...work(log, 'api-1'));
    two.runWhileLeader('webhooks', ...work(log, 'api-2'));
    one.onLeadershipChange((leading) => changes.push(`api-1 ${leading}`));
    two.onLeadershipChange((leading) => changes.push(`api-2 ${leading}`));

    const [first, second] = await Promise.all([one.activate(), two.activate()]);

    expect([first, second].filter(Boolean)).toHaveLength(1);
    const winner = first ? 'api-1' : 'api-2';
    expect(log).toEqual([`${winner} start`]);
    expect(changes).toEqual([`${winner} true`]);
    expect([one.isLeader(), two.isLeader()]).toEqual([first, second]);
  });

  it('given the leader dies without a word, another replica takes over once its lease runs out', async () => {
    const log: string[] = [];
    const one = replica('api-1');
    const two = replica('api-2');
    one.runWhileLeader('signer', ...work(log, 'api-1'));
    two.runWhileLeader('signer', ...work(log, 'api-2'));
    expect(await one.activate()).toBe(true);
    expect(await two.activate()).toBe(false);

    // api-1 stops renewing (its process hangs): nothing changes before the TTL.
    clock.advance(TTL_MS - 1);
    expect(await two.tick()).toBe(false);
    expect(one.isLeader()).toBe(false);
    clock.advance(1);
    expect(await two.tick()).toBe(true);

    // The old leader wakes up: it finds the lease taken and stops its work.
    expect(await one.tick()).toBe(false);
    expect(log).toEqual(['api-1 start', 'api-2 start', 'api-1 stop']);
  });

  it('given the leader shuts down, it stops its work before releasing, and a replica takes over at once', async () => {
    const log: string[] = [];
    const one = replica('api-1');
    const two = replica('api-2');
    one.runWhileLeader('webhooks', ...work(log, 'api-1'));
    two.runWhileLeader('webhooks', ...work(log, 'api-2'));
    await one.activate();
    await two.activate();

    await one.deactivate();
    const types = (await store.readStream(`lease-${BACKGROUND_WORK_LEASE}`)).map((e) => e.type);
    expect(await two.tick()).toBe(true);

    expect(types).toEqual(['LeaseAcquired', 'LeaseReleased']);
    expect(log).toEqual(['api-1 start', 'api-1 stop', 'api-2 start']);
  });

  it('given the store fails, the leader keeps its work only until its lease would run out', async () => {
    const log: string[] = [];
    const one = replica('api-1');
    one.runWhileLeader('webhooks', ...work(log, 'api-1'));
    await one.activate();

    store.failing = true;
    clock.advance(10_000);
    expect(await one.tick()).toBe(true);
    clock.advance(14_999);
    expect(await one.tick()).toBe(true);
    clock.advance(1);
    expect(await one.tick()).toBe(false);
    expect(log).toEqual(['api-1 start', 'api-1 stop']);

    store.failing = false;
    expect(await one.tick()).toBe(true);
    expect(log).toEqual(['api-1 start', 'api-1 stop', 'api-1 start']);
  });

  it('starts work registered while it leads at once, retries a start that failed, and stops work that is unregistered', async () => {
    const log: string[] = [];
    const one = replica('api-1');
    await one.activate();
    let attempts = 0;
    one.runWhileLeader(
      'flaky',
      () => {
        attempts += 1;
        if (attempts === 1) throw new Error('not yet');
        log.push('flaky start');
      },
      () => void log.push('flaky stop'),
    );
    const unregister = one.runWhileLeader('late', ...work(log, 'late'));
    await one.tick();
    await unregister();
    await one.tick();

    expect(attempts).toBe(2);
    expect(log).toEqual(['late start', 'flaky start', 'late stop']);
  });

  it('in always mode leads without writing a lease, and in never mode never runs the work', async () => {
    const log: string[] = [];
    const always = replica('solo', 'always');
    const never = replica('reader', 'never');
    always.runWhileLeader('webhooks', ...work(log, 'solo'));
    never.runWhileLeader('webhooks', ...work(log, 'reader'));

    expect(await always.activate()).toBe(true);
    expect(await never.activate()).toBe(false);
    await always.deactivate();

    expect(log).toEqual(['solo start', 'solo stop']);
    expect(await store.readAll()).toEqual([]);
  });
});

describe('readWorkerConfig (ONRECORD_WORKER)', () => {
  it('competes for the lease on EventStoreDB and runs alone on the embedded store by default', () => {
    expect(readWorkerConfig({}, { kind: 'esdb' }).mode).toBe('lease');
    expect(readWorkerConfig({}, { kind: 'sqlite' }).mode).toBe('always');
    expect(readWorkerConfig({ ONRECORD_WORKER: 'lease' }, { kind: 'sqlite' }).mode).toBe('lease');
    expect(readWorkerConfig({ ONRECORD_WORKER: 'never' }, { kind: 'esdb' }).mode).toBe('never');
    expect(readWorkerConfig({ ONRECORD_WORKER: 'false' }, { kind: 'esdb' }).mode).toBe('never');
  });

  it('names each process apart even when two are given the same ONRECORD_WORKER_ID', () => {
    const env = { ONRECORD_WORKER_ID: 'api-1', ONRECORD_WORKER_LEASE_MS: '60000' };
    const first = readWorkerConfig(env, { kind: 'esdb' });
    const second = readWorkerConfig(env, { kind: 'esdb' });
    expect(first.holder).toMatch(/^api-1-[0-9a-f]{8}$/);
    expect(first.holder).not.toBe(second.holder);
    expect(first.leaseTtlMs).toBe(60_000);
  });

  it('refuses values it does not understand', () => {
    expect(() => readWorkerConfig({ ONRECORD_WORKER: 'sometimes' }, { kind: 'esdb' })).toThrow(
      ConfigError,
    );
    expect(() => readWorkerConfig({ ONRECORD_WORKER_LEASE_MS: '500' }, { kind: 'esdb' })).toThrow(
      /ONRECORD_WORKER_LEASE_MS/,
    );
    expect(() => readWorkerConfig({ ONRECORD_WORKER_ID: 'a b' }, { kind: 'esdb' })).toThrow(
      /ONRECORD_WORKER_ID/,
    );
  });
});

/** An in-memory store that remembers the types appended to it (it is closed with the app). */
class WatchedStore extends InMemoryEventStore {
  readonly appended: string[] = [];
  override appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    this.appended.push(...events.map((event) => event.type));
    return super.appendToStream(streamId, events, options);
  }
}

describe('BackgroundWorkModule', () => {
  const log: string[] = [];

  /** Two capabilities that each have work to run once, as the webhooks and the checkpoint signer will. */
  function capability(name: string) {
    @Injectable()
    class Work implements OnApplicationBootstrap {
      constructor(@Inject(BackgroundWorkLeader) readonly leader: BackgroundWorkLeader) {}
      onApplicationBootstrap(): void {
        this.leader.runWhileLeader(name, ...work(log, name));
      }
    }
    @Module({ imports: [BackgroundWorkModule], providers: [Work], exports: [Work] })
    class Capability {}
    return { Capability, Work };
  }

  it('gives the whole app one leader however many modules import it, and releases the lease when the app closes', async () => {
    const store = new WatchedStore(new FixedClock(START));
    const webhooks = capability('webhooks');
    const signer = capability('signer');
    // The app's own environment (AppConfig.env), not process.env, chooses the mode.
    const config = readAppConfig({ ONRECORD_STORE: 'memory', ONRECORD_WORKER: 'lease' });
    const moduleRef = await Test.createTestingModule({
      imports: [StoreModule.forRoot(config, { store }), webhooks.Capability, signer.Capability],
    }).compile();
    const app = await moduleRef.init();
    const leader = app.get(BackgroundWorkLeader);
    expect(app.get(webhooks.Work).leader).toBe(leader);
    expect(app.get(signer.Work).leader).toBe(leader);
    expect(leader.isLeader()).toBe(true);

    await app.close();

    const started = log.slice(0, 2);
    expect([...started].sort()).toEqual(['signer start', 'webhooks start']);
    expect(log.slice(2)).toEqual(started.reverse().map((line) => line.replace('start', 'stop')));
    expect(store.appended).toEqual(['LeaseAcquired', 'LeaseReleased']);
  });
});
