import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { FixedClock } from '@onrecord/kernel';
import { EsdbStandin } from '../../../../../test/esdb-standin/esdb-standin.js';
import {
  type StoreCapabilities,
  type StoreHarness,
  describeEventStoreContract,
  freshStream,
  newEvent,
} from '../../../../../test/support/event-store.contract.js';
import { CorruptEventError, InvalidEventError } from '../../domain/event-store-errors.js';
import type { Subscription, SubscriptionItem } from '../../event-store.port.js';
import { openEventStore, parseStoreConfig } from '../open-event-store.js';
import { EsdbEventStore } from './esdb-event-store.js';

/** EventStoreDB deduplicates event ids per stream only; see StoreCapabilities. */
const ESDB_CAPABILITIES: StoreCapabilities = { detectsEventIdReuseAcrossStreams: false };
const FAST_RESUBSCRIBE = { initialDelayMs: 20, maxDelayMs: 200 };

let standin: EsdbStandin;

beforeAll(async () => {
  standin = await EsdbStandin.start();
});

afterAll(async () => {
  await standin.stop();
});

/** Every `open` is its own client and connection, as two API replicas would be. */
function esdbHarness(connectionString: () => string): () => StoreHarness {
  return () => {
    const stores: EsdbEventStore[] = [];
    return {
      sharesBacking: true,
      open: (clock) => {
        const store = new EsdbEventStore({
          connectionString: connectionString(),
          clock,
          resubscribe: FAST_RESUBSCRIBE,
        });
        stores.push(store);
        return Promise.resolve(store);
      },
      dispose: async () => {
        for (const store of stores) await store.close();
      },
    };
  };
}

describeEventStoreContract(
  'EventStoreDB (stand-in)',
  esdbHarness(() => standin.connectionString),
  ESDB_CAPABILITIES,
);

// The same suite against a real server when one is given, e.g.
// ONRECORD_TEST_ESDB='esdb://localhost:2113?tls=false'; skipped otherwise.
const realServer = process.env['ONRECORD_TEST_ESDB'];
(realServer ? describe : describe.skip)('a real EventStoreDB (ONRECORD_TEST_ESDB)', () => {
  describeEventStoreContract(
    `EventStoreDB at ${realServer ?? 'ONRECORD_TEST_ESDB'}`,
    esdbHarness(() => realServer!),
    ESDB_CAPABILITIES,
  );
});

describe('EventStoreDB adapter on the stand-in', () => {
  const clock = new FixedClock(new Date('2026-03-02T09:00:00.000Z'));
  const stores: EsdbEventStore[] = [];

  function openStore(
    options: Partial<ConstructorParameters<typeof EsdbEventStore>[0]> = {},
  ): EsdbEventStore {
    const store = new EsdbEventStore({
      connectionString: standin.connectionString,
      clock,
      resubscribe: FAST_RESUBSCRIBE,
      ...options,
    });
    stores.push(store);
    return store;
  }

  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  /** Pulls items one at a time, like a slow consumer, until `count` events (not counting caught-up) arrived. */
  async function takeEvents(
    iterator: AsyncIterator<SubscriptionItem>,
    count: number,
    into: SubscriptionItem[],
  ): Promise<void> {
    let events = 0;
    const deadline = Date.now() + 10_000;
    while (events < count) {
      if (Date.now() > deadline) throw new Error(`only ${events} of ${count} events arrived`);
      const next = await iterator.next();
      if (next.done) throw new Error('the subscription ended');
      into.push(next.value);
      if (next.value.kind === 'event') events += 1;
    }
  }

  function delivered(items: readonly SubscriptionItem[]): unknown[] {
    return items.flatMap((item) => (item.kind === 'event' ? [item.event.data['i']] : []));
  }

  const subscriptions: Array<[string, (store: EsdbEventStore, streamId: string) => Subscription]> =
    [
      [
        'to all, filtered by stream prefix',
        (store, streamId) => store.subscribeToAll({ filter: { streamPrefixes: [streamId] } }),
      ],
      ['to one stream', (store, streamId) => store.subscribeToStream(streamId)],
    ];

  it.each(subscriptions)(
    'given a subscription %s part-way through its history, when every connection drops, then it resumes after the last event it handed out, with no gap or duplicate',
    async (_name, subscribe) => {
      const drops: unknown[] = [];
      const store = openStore({ onSubscriptionDropped: (reason) => drops.push(reason) });
      const writer = openStore();
      const streamId = freshStream();
      await writer.appendToStream(
        streamId,
        Array.from({ length: 300 }, (_, i) => newEvent('PromiseMade', { i })),
      );
      const subscription = subscribe(store, streamId);
      const iterator = subscription[Symbol.asyncIterator]();
      const items: SubscriptionItem[] = [];

      // Part-way: the client holds read-ahead events the consumer has not taken yet.
      await takeEvents(iterator, 100, items);
      expect(standin.dropConnections()).toBeGreaterThan(0);
      await writer.appendToStream(
        streamId,
        Array.from({ length: 20 }, (_, i) => newEvent('PromiseMade', { i: 300 + i })),
      );
      await takeEvents(iterator, 220, items);
      await writer.appendToStream(streamId, [newEvent('PromiseMade', { i: 320 })]);
      await takeEvents(iterator, 1, items);
      await subscription.close();

      expect(drops.length).toBeGreaterThanOrEqual(1);
      expect(delivered(items)).toEqual(Array.from({ length: 321 }, (_, i) => i));
      expect(items.filter((item) => item.kind === 'caught-up')).toHaveLength(1);
    },
  );

  it("given history waiting in the subscription's buffer, when it catches up, then caught-up comes right after the last historical event", async () => {
    const store = openStore();
    const streamId = freshStream();
    await store.appendToStream(
      streamId,
      Array.from({ length: 100 }, (_, i) => newEvent('PromiseMade', { i })),
    );
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [streamId] } });
    const iterator = subscription[Symbol.asyncIterator]();
    const items: SubscriptionItem[] = [];

    // A consumer that pauses lets the server's caught_up arrive while history is still buffered client-side.
    await takeEvents(iterator, 1, items);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await takeEvents(iterator, 99, items);
    const next = await iterator.next();
    await subscription.close();

    expect(items.every((item) => item.kind === 'event')).toBe(true);
    expect(next.value).toEqual({ kind: 'caught-up' });
  });

  it('given a consumer that stops pulling, then the server stops sending: buffering stays bounded', async () => {
    const store = openStore();
    const streamId = freshStream();
    for (let batch = 0; batch < 5; batch++) {
      await store.appendToStream(
        streamId,
        Array.from({ length: 1000 }, (_, i) => newEvent('PromiseMade', { i: batch * 1000 + i })),
      );
    }
    const before = standin.eventsSent;
    const subscription = store.subscribeToStream(streamId);
    const iterator = subscription[Symbol.asyncIterator]();
    const items: SubscriptionItem[] = [];

    await takeEvents(iterator, 10, items);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentWhileStalled = standin.eventsSent - before;
    await takeEvents(iterator, 4990, items);
    await subscription.close();

    expect(sentWhileStalled).toBeLessThan(2000);
    expect(delivered(items)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('given a live subscription, when connections drop while nothing is written, then later events still arrive once', async () => {
    const drops: unknown[] = [];
    const store = openStore({ onSubscriptionDropped: (reason) => drops.push(reason) });
    const streamId = freshStream();
    await store.appendToStream(streamId, [newEvent('PromiseMade', { i: 0 })]);
    const subscription = store.subscribeToAll({
      fromPosition: 'end',
      filter: { streamPrefixes: [streamId] },
    });
    const iterator = subscription[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ kind: 'caught-up' });

    standin.dropConnections();
    await store.appendToStream(streamId, [newEvent('PromiseMade', { i: 1 })]);
    const items: SubscriptionItem[] = [];
    await takeEvents(iterator, 1, items);
    await subscription.close();

    expect(drops.length).toBeGreaterThanOrEqual(1);
    expect(delivered(items)).toEqual([1]);
  });

  it.each([
    ['the store that wrote it (ids already indexed)', false],
    ['another store (it learns the stream by scanning it)', true],
  ])(
    'recognises a re-sent `any` append that later appends have buried, through %s',
    async (_name, fromAnotherStore) => {
      const store = openStore();
      const streamId = freshStream();
      const original = [newEvent('PromiseMade', { i: 0 }), newEvent('PromiseMade', { i: 1 })];
      const first = await store.appendToStream(streamId, original);
      for (let i = 0; i < 3; i++) await store.appendToStream(streamId, [newEvent()]);

      const again = await (fromAnotherStore ? openStore() : store).appendToStream(
        streamId,
        original,
      );

      expect(again).toEqual(first);
      expect(await store.readStream(streamId)).toHaveLength(5);
    },
  );

  it('reads all backwards from a position including the event at it, though both halves of the position differ', async () => {
    const store = openStore();
    const streamId = freshStream();
    const { events } = await store.appendToStream(streamId, [newEvent(), newEvent(), newEvent()]);
    const middle = events[1]!;

    const backwards = await store.readAll({
      direction: 'backwards',
      fromPosition: middle.position,
      maxCount: 2,
    });
    const forwards = await store.readAll({ fromPosition: middle.position, maxCount: 2 });

    // This server models commit records: one append shares the commit half, each event has its own prepare half.
    expect(middle.position.commit).not.toBe(middle.position.prepare);
    expect(new Set(events.map((e) => e.position.commit)).size).toBe(1);
    expect(backwards.map((e) => e.id)).toEqual([events[1]!.id, events[0]!.id]);
    expect(forwards.map((e) => e.id)).toEqual([events[1]!.id, events[2]!.id]);
  });

  it('skips events it did not write in $all, and refuses them inside a stream as corrupt', async () => {
    const store = openStore();
    const streamId = freshStream();
    const raw = EventStoreDBClient.connectionString(standin.connectionString);
    await raw.appendToStream(
      streamId,
      jsonEvent({ id: randomUUID(), type: 'SomethingElse', data: { by: 'another app' } }),
    );
    await raw.dispose();

    const all = await store.readAll({ filter: { streamPrefixes: [streamId] } });
    const reading = store.readStream(streamId);

    expect(all).toEqual([]);
    await expect(reading).rejects.toBeInstanceOf(CorruptEventError);
    await expect(reading).rejects.toMatchObject({ streamId, revision: 0 });
  });

  it('refuses an append larger than the server accepts as invalid, and writes nothing', async () => {
    const store = openStore();
    const streamId = freshStream();
    const big = Array.from({ length: 5 }, () =>
      newEvent('DocumentAttached', { blob: 'x'.repeat(250_000) }),
    );

    const error = await store.appendToStream(streamId, big).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidEventError);
    expect(await store.readStream(streamId)).toEqual([]);
  });

  it('opens through ONRECORD_STORE with gossip discovery (esdb+discover://)', async () => {
    const store = openEventStore(
      parseStoreConfig(standin.discoverConnectionString, '/unused'),
      clock,
    );
    try {
      const streamId = freshStream();
      await store.appendToStream(streamId, [newEvent()], { expectedRevision: 'no_stream' });
      expect(await store.readStream(streamId)).toHaveLength(1);
      expect(await store.health()).toMatchObject({ ready: true, kind: 'esdb' });
    } finally {
      await store.close();
    }
  });

  it('opens through a list of gossip seeds, as docker-compose.yml names the cluster, while a seed is down', async () => {
    // esdb+discover:// uses only its first host (a DNS name for the cluster);
    // a list of nodes is written esdb://node1:2113,node2:2113,…
    const down = await EsdbStandin.start();
    await down.stop();
    const seeds = `${down.host}:${down.port},${standin.host}:${standin.port}`;
    const store = openEventStore(
      parseStoreConfig(`esdb://${seeds}?tls=false&nodePreference=leader`, '/unused'),
      clock,
    );
    try {
      const streamId = freshStream();
      await store.appendToStream(streamId, [newEvent()], { expectedRevision: 'no_stream' });
      expect(await store.readStream(streamId)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('given the server gone for a moment, as while a cluster elects a new leader, an append waits and then lands once', async () => {
    const first = await EsdbStandin.start();
    const store = openStore({ connectionString: first.connectionString });
    const streamId = freshStream();
    expect((await store.health()).ready).toBe(true);
    await first.stop();

    const appending = store.appendToStream(streamId, [newEvent()], { expectedRevision: 'any' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The "new leader" answers where the old one did (a stand-in starts empty).
    const second = await EsdbStandin.start({ port: first.port });
    try {
      await expect(appending).resolves.toMatchObject({ streamId, nextExpectedRevision: 0 });
      expect(await store.readStream(streamId)).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('given an append in flight, when the store closes, then the append still completes before close returns', async () => {
    const store = openStore();
    const streamId = freshStream();

    const appending = store.appendToStream(streamId, [newEvent()], {
      expectedRevision: 'no_stream',
    });
    await store.close();

    await expect(appending).resolves.toMatchObject({ streamId, nextExpectedRevision: 0 });
    expect(await openStore().readStream(streamId)).toHaveLength(1);
  });

  it('reports not ready, without throwing, when the server is unreachable', async () => {
    const doomed = await EsdbStandin.start();
    const store = openStore({ connectionString: doomed.connectionString });
    expect((await store.health()).ready).toBe(true);

    await doomed.stop();
    const health = await store.health();

    expect(health).toMatchObject({ ready: false, kind: 'esdb' });
    expect(health.detail).toContain(String(doomed.port));
  });
});
