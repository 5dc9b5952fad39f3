import { join } from 'node:path';
import Database from 'better-sqlite3';
import { newEvent } from '../../../../test/support/event-store.contract.js';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { readAllEvents } from '../../../../test/support/read-all-events.js';
import type { StoredEvent } from '../domain/envelope.js';
import type { Subscription } from '../event-store.port.js';
import { RECENT_EVENTS } from './recent-events.js';
import { SqliteEventStore } from './sqlite-event-store.js';

/** Takes `count` events from a subscription (its `caught-up` marks are skipped), or fails after 10 s. */
async function eventsOf(subscription: Subscription, count: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let timeout: NodeJS.Timeout | undefined;
  const timer = new Promise<never>((_, reject) => {
    timeout = setTimeout(
      () => reject(new Error(`the subscription gave ${events.length} of ${count} events`)),
      10_000,
    );
  });
  const reading = (async () => {
    if (count === 0) return events;
    for await (const item of subscription) {
      if (item.kind === 'event') events.push(item.event);
      if (events.length === count) break;
    }
    return events;
  })();
  try {
    return await Promise.race([reading, timer]);
  } finally {
    clearTimeout(timeout);
    await subscription.close();
  }
}

/** Resolves once the subscription said `caught-up`, handing back what it delivered before. */
function untilCaughtUp(subscription: Subscription): {
  history: Promise<StoredEvent[]>;
  rest: (count: number) => Promise<StoredEvent[]>;
} {
  const iterator = subscription[Symbol.asyncIterator]();
  const history = (async () => {
    const events: StoredEvent[] = [];
    for (;;) {
      const next = await iterator.next();
      if (next.done === true || next.value.kind === 'caught-up') return events;
      events.push(next.value.event);
    }
  })();
  const rest = async (count: number) => {
    const events: StoredEvent[] = [];
    while (events.length < count) {
      const next = await iterator.next();
      if (next.done === true) break;
      if (next.value.kind === 'event') events.push(next.value.event);
    }
    await subscription.close();
    return events;
  };
  return { history, rest };
}

/** Appends `total` events in appends of up to 500, round robin over the streams and types given. */
async function appendHistory(
  store: SqliteEventStore,
  total: number,
  streams: readonly string[],
  types: readonly string[] = ['PromiseMade'],
): Promise<void> {
  for (let written = 0, turn = 0; written < total; turn++) {
    const size = Math.min(500, total - written);
    const events = Array.from({ length: size }, (_, i) =>
      newEvent(types[(written + i) % types.length], { n: written + i }),
    );
    await store.appendToStream(streams[turn % streams.length]!, events);
    written += size;
  }
}

/** Many appends started in the same turn, as concurrent commands would: they commit in groups. */
function appendConcurrently(
  store: SqliteEventStore,
  appends: number,
  streams: readonly string[],
  types: readonly string[] = ['PromiseMade'],
): Promise<unknown> {
  return Promise.all(
    Array.from({ length: appends }, (_, i) =>
      store.appendToStream(streams[i % streams.length]!, [
        newEvent(types[i % types.length], { live: i }),
        newEvent(types[(i + 1) % types.length], { live: i, second: true }),
      ]),
    ),
  );
}

const positions = (events: readonly StoredEvent[]) => events.map((e) => e.position.commit);

describe('embedded store: live subscriptions served from the recent events', () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  const opened: SqliteEventStore[] = [];
  const open = () => {
    const store = new SqliteEventStore({ file });
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = tempDir('onrecord-live-');
    file = join(dir.path, 'events.sqlite');
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    dir.remove();
  });

  it('given history longer than the window, a subscriber reads it from the file, then live events from memory, with no gap and no repeat', async () => {
    const store = open();
    const streams = ['account-a', 'account-b', 'account-c'];
    await appendHistory(store, RECENT_EVENTS + 700, streams);
    const first = untilCaughtUp(store.subscribeToAll());
    const second = untilCaughtUp(store.subscribeToAll());
    const [firstHistory, secondHistory] = await Promise.all([first.history, second.history]);

    await appendConcurrently(store, 150, streams);
    const [firstLive, secondLive] = await Promise.all([first.rest(300), second.rest(300)]);

    const stored = await readAllEvents(store);
    expect(stored).toHaveLength(RECENT_EVENTS + 1000);
    expect([...firstHistory, ...firstLive]).toEqual(stored);
    expect(positions([...secondHistory, ...secondLive])).toEqual(positions(stored));
    // The oldest history came from the file, one copy per subscriber; the live events are shared.
    expect(firstHistory[0]).not.toBe(secondHistory[0]);
    expect(firstLive.every((event, i) => event === secondLive[i])).toBe(true);
  });

  it('filters the same way whether it reads from the file or from memory', async () => {
    const store = open();
    const streams = ['account-a', 'account-ab', 'policy', 'actor-1'];
    const types = ['PromiseMade', 'PromiseKept', 'OrderPlaced'];
    const filter = { streamPrefixes: ['account-a', 'policy'], eventTypes: ['PromiseKept'] };
    await appendHistory(store, RECENT_EVENTS + 1200, streams, types);
    const subscriber = untilCaughtUp(store.subscribeToAll({ filter }));
    const history = await subscriber.history;

    await appendConcurrently(store, 240, streams, types);
    const expected = await readAllEvents(store, filter);
    const live = await subscriber.rest(expected.length - history.length);

    expect(expected.length).toBeGreaterThan(history.length);
    expect([...history, ...live]).toEqual(expected);
    // The filter takes prefixes (account-ab) and policy, never actors or other types.
    expect(new Set(expected.map((event) => event.streamId))).toEqual(
      new Set(['account-a', 'account-ab', 'policy']),
    );
  });

  it('given an append whose transaction rolled back, no subscriber ever sees its events', async () => {
    const store = open();
    await store.appendToStream('account-a', [newEvent()]);
    const other = new Database(file);
    other.exec(`CREATE TRIGGER poison AFTER INSERT ON events WHEN NEW.type = 'Poison'
                BEGIN SELECT RAISE(ROLLBACK, 'poisoned'); END`);
    other.close();
    const live = untilCaughtUp(store.subscribeToAll());
    await live.history;

    // One group: the first append is inserted, then the second rolls the whole transaction back.
    const doomed = store.appendToStream('account-a', [newEvent('PromiseKept', { doomed: true })]);
    const poison = store.appendToStream('account-b', [newEvent('Poison')]);
    // By status: better-sqlite3's native part builds its errors with the SqliteError of the first test
    // file that loaded it in this jest worker, which is not an Error of this file's realm.
    const outcomes = await Promise.allSettled([doomed, poison]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    const afterRollback = await untilCaughtUp(store.subscribeToAll()).history;
    await store.appendToStream('account-c', [newEvent('PromiseKept', { kept: true })]);
    const followed = await live.rest(1);

    const stored = await readAllEvents(store);
    expect(afterRollback).toEqual(stored.slice(0, 1));
    expect(followed).toEqual(stored.slice(1));
    expect(followed.map((event) => event.data)).toEqual([{ kept: true }]);
  });

  it('given concurrent appends, a stream subscription continues from memory with exactly its stream, in order', async () => {
    const store = open();
    const streams = ['account-a', 'account-b'];
    await appendHistory(store, 1200, streams);
    const ofStream = untilCaughtUp(store.subscribeToStream('account-a'));
    const ofAll = untilCaughtUp(store.subscribeToAll());
    const [streamHistory, allHistory] = await Promise.all([ofStream.history, ofAll.history]);

    await appendConcurrently(store, 100, streams);
    const [streamLive, allLive] = await Promise.all([ofStream.rest(100), ofAll.rest(200)]);

    expect([...streamHistory, ...streamLive]).toEqual(await store.readStream('account-a'));
    expect(allHistory).toHaveLength(1200);
    const sharedWithAll = new Set(allLive);
    expect(streamLive.every((event) => sharedWithAll.has(event))).toBe(true);
  });

  it('given events another connection wrote to the file, neither a new nor a live subscriber misses them', async () => {
    const store = open();
    const elsewhere = open();
    await store.appendToStream('account-a', [newEvent()]);
    const live = untilCaughtUp(store.subscribeToAll());
    await live.history;

    await elsewhere.appendToStream('account-b', [newEvent('PromiseKept', { elsewhere: true })]);
    const fresh = await eventsOf(store.subscribeToAll(), 2);
    await store.appendToStream('account-a', [newEvent('PromiseKept', { here: true })]);
    const followed = await live.rest(2);

    const stored = await readAllEvents(store);
    expect(fresh).toEqual(stored.slice(0, 2));
    expect(followed).toEqual(stored.slice(1));
    expect(followed.map((event) => event.data)).toEqual([{ elsewhere: true }, { here: true }]);
  });
});
