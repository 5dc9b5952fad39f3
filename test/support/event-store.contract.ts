import { randomUUID } from 'node:crypto';
import { FixedClock, type JsonObject } from '@onrecord/kernel';
import {
  EventIdConflictError,
  type EventStore,
  GENESIS_HASH,
  InvalidEventError,
  MAX_EVENT_BYTES,
  type NewEvent,
  type StoredEvent,
  type Subscription,
  type SubscriptionItem,
  WrongExpectedRevisionError,
  chainHash,
  comparePositions,
  verifyStream,
} from '@onrecord/event-store';

/**
 * How a contract run gets a store. `open` may be called more than once per
 * test (e.g. two writers on the same backing store); `dispose` releases all.
 */
export interface StoreHarness {
  open(clock: FixedClock): Promise<EventStore>;
  dispose(): Promise<void>;
  /** True when two `open` calls share one backing store (racing-writers test). */
  readonly sharesBacking?: boolean;
}

/**
 * What an adapter declares it cannot guarantee, so the suite skips exactly
 * those cases: they show as skipped in every run, never as passed. These are
 * passed to `describeEventStoreContract` rather than set on the harness
 * because jest decides what to skip when it collects the tests, before any
 * harness exists. Every flag defaults to the full contract.
 */
export interface StoreCapabilities {
  /**
   * False when the backing store can only recognise an event id inside the
   * stream being appended to. EventStoreDB deduplicates event ids per stream
   * and has no index by id, so an id re-used in another stream is stored
   * there again instead of being refused.
   */
  readonly detectsEventIdReuseAcrossStreams?: boolean;
}

const T0 = new Date('2026-03-02T09:00:00.000Z');

export function newEvent(
  type = 'PromiseMade',
  data: JsonObject = { text: 'ships Friday' },
  id = randomUUID(),
): NewEvent {
  return {
    id,
    type,
    data,
    metadata: {
      occurredAt: '2026-03-02T08:55:00.000Z',
      actor: { id: 'rep-1', role: 'sales' },
      channel: 'phone',
      counterparty: { contactId: 'contact-1' },
      correlationId: randomUUID(),
    },
  };
}

/** A stream id of its own for every test, so tests never see each other's events. */
export function freshStream(prefix = 'account'): string {
  return `${prefix}-${randomUUID()}`;
}

async function take(
  subscription: Subscription,
  count: number,
  timeoutMs = 5000,
): Promise<SubscriptionItem[]> {
  const items: SubscriptionItem[] = [];
  let timeout: NodeJS.Timeout | undefined;
  const timer = new Promise<never>((_, reject) => {
    timeout = setTimeout(
      () => reject(new Error(`subscription gave ${items.length} of ${count} items`)),
      timeoutMs,
    );
  });
  const reading = (async () => {
    for await (const item of subscription) {
      items.push(item);
      if (items.length === count) break;
    }
    return items;
  })();
  try {
    return await Promise.race([reading, timer]);
  } finally {
    clearTimeout(timeout);
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

export function describeEventStoreContract(
  adapter: string,
  makeHarness: () => StoreHarness,
  capabilities: StoreCapabilities = {},
): void {
  const acrossStreams = capabilities.detectsEventIdReuseAcrossStreams === false ? it.skip : it;
  describe(`EventStore contract: ${adapter}`, () => {
    let harness: StoreHarness;
    let clock: FixedClock;
    let store: EventStore;

    beforeEach(async () => {
      harness = makeHarness();
      clock = new FixedClock(T0);
      store = await harness.open(clock);
    });

    afterEach(async () => {
      await harness.dispose();
    });

    describe('append', () => {
      it('given no stream, when appending with no_stream, then the events are stored from revision 0 with the store-stamped envelope', async () => {
        const streamId = freshStream();
        const first = newEvent('AccountOpened', { name: 'Acme' });
        const second = newEvent('PromiseMade');

        const result = await store.appendToStream(streamId, [first, second], {
          expectedRevision: 'no_stream',
        });

        expect(result.nextExpectedRevision).toBe(1);
        expect(result.events.map((e) => [e.id, e.revision, e.streamId])).toEqual([
          [first.id, 0, streamId],
          [second.id, 1, streamId],
        ]);
        expect(comparePositions(result.events[0]!.position, result.events[1]!.position)).toBe(-1);
        expect(result.position).toEqual(result.events[1]!.position);
        const stored = await store.readStream(streamId);
        expect(stored).toEqual(result.events);
        expect(stored[0]!.recordedAt).toBe(T0.toISOString());
        expect(stored[0]!.metadata).toEqual(first.metadata);
        expect(stored[0]!.schemaVersion).toBe(1);
      });

      it('chains each event to the previous one by hash, starting from the genesis hash', async () => {
        const streamId = freshStream();
        await store.appendToStream(streamId, [newEvent(), newEvent()]);
        await store.appendToStream(streamId, [newEvent()]);

        const [a, b, c] = await store.readStream(streamId);

        expect(a!.prevHash).toBe(GENESIS_HASH);
        expect(b!.prevHash).toBe(a!.hash);
        expect(c!.prevHash).toBe(b!.hash);
        for (const event of [a!, b!, c!]) expect(chainHash(event)).toBe(event.hash);
        await expect(verifyStream(store, streamId)).resolves.toEqual({
          ok: true,
          streamId,
          events: 3,
          headHash: c!.hash,
        });
      });

      it('appends at an exact revision and refuses a stale one with the actual revision', async () => {
        const streamId = freshStream();
        await store.appendToStream(streamId, [newEvent(), newEvent()]);

        await store.appendToStream(streamId, [newEvent()], { expectedRevision: 1 });
        const error = await rejectionOf(
          store.appendToStream(streamId, [newEvent()], { expectedRevision: 1 }),
        );

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId, expected: 1, actual: 2 });
        expect(await store.readStream(streamId)).toHaveLength(3);
      });

      it('refuses no_stream on an existing stream and stream_exists on a missing one', async () => {
        const existing = freshStream();
        const missing = freshStream();
        await store.appendToStream(existing, [newEvent()]);

        const noStream = await rejectionOf(
          store.appendToStream(existing, [newEvent()], { expectedRevision: 'no_stream' }),
        );
        const exists = await rejectionOf(
          store.appendToStream(missing, [newEvent()], { expectedRevision: 'stream_exists' }),
        );

        expect(noStream).toMatchObject({
          code: 'wrong-expected-revision',
          actual: 0,
          expected: 'no_stream',
        });
        expect(exists).toMatchObject({
          code: 'wrong-expected-revision',
          actual: 'no_stream',
          expected: 'stream_exists',
        });
        expect(await store.readStream(existing)).toHaveLength(1);
        expect(await store.readStream(missing)).toEqual([]);
      });

      it('refuses an exact revision on a stream that does not exist', async () => {
        const streamId = freshStream();
        const error = await rejectionOf(
          store.appendToStream(streamId, [newEvent()], { expectedRevision: 0 }),
        );
        expect(error).toMatchObject({ code: 'wrong-expected-revision', actual: 'no_stream' });
      });

      it('accepts stream_exists and any on an existing stream', async () => {
        const streamId = freshStream();
        await store.appendToStream(streamId, [newEvent()]);
        await store.appendToStream(streamId, [newEvent()], { expectedRevision: 'stream_exists' });
        await store.appendToStream(streamId, [newEvent()], { expectedRevision: 'any' });
        expect((await store.readStream(streamId)).map((e) => e.revision)).toEqual([0, 1, 2]);
      });

      it('lets exactly one of two racing no_stream writers create a stream', async () => {
        const other = harness.sharesBacking ? await harness.open(clock) : store;
        const streamId = freshStream();

        const outcomes = await Promise.allSettled([
          store.appendToStream(streamId, [newEvent('AccountOpened', { by: 'a' })], {
            expectedRevision: 'no_stream',
          }),
          other.appendToStream(streamId, [newEvent('AccountOpened', { by: 'b' })], {
            expectedRevision: 'no_stream',
          }),
        ]);

        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const failure = outcomes.find((o) => o.status === 'rejected');
        expect(failure?.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('lets exactly one of two racing writers at the same revision win, and keeps the chain whole', async () => {
        const other = harness.sharesBacking ? await harness.open(clock) : store;
        const streamId = freshStream();
        await store.appendToStream(streamId, [newEvent()]);

        const outcomes = await Promise.allSettled([
          store.appendToStream(streamId, [newEvent(), newEvent()], { expectedRevision: 0 }),
          other.appendToStream(streamId, [newEvent()], { expectedRevision: 0 }),
        ]);

        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect((await verifyStream(store, streamId)).ok).toBe(true);
      });

      it('judges concurrent appends one by one: a conflicting append fails alone', async () => {
        const streams = Array.from({ length: 20 }, () => freshStream());
        const contested = freshStream();
        await store.appendToStream(contested, [newEvent()]);

        const outcomes = await Promise.allSettled([
          ...streams.map((s) =>
            store.appendToStream(s, [newEvent()], { expectedRevision: 'no_stream' }),
          ),
          store.appendToStream(contested, [newEvent()], { expectedRevision: 'no_stream' }),
          store.appendToStream(contested, [newEvent()], { expectedRevision: 0 }),
        ]);

        expect(outcomes.slice(0, 20).every((o) => o.status === 'fulfilled')).toBe(true);
        expect(outcomes[20]!.status).toBe('rejected');
        expect(outcomes[21]!.status).toBe('fulfilled');
        for (const s of streams) expect(await store.readStream(s)).toHaveLength(1);
        expect(await store.readStream(contested)).toHaveLength(2);
      });

      it('appends several events atomically: an invalid one means none is written', async () => {
        const streamId = freshStream();
        const bad = { ...newEvent(), type: '' };

        await expect(store.appendToStream(streamId, [newEvent(), bad])).rejects.toBeInstanceOf(
          InvalidEventError,
        );

        expect(await store.readStream(streamId)).toEqual([]);
      });
    });

    describe('idempotency by event id', () => {
      it('returns the original result for a re-sent append and writes nothing', async () => {
        const streamId = freshStream();
        const events = [newEvent(), newEvent()];
        const first = await store.appendToStream(streamId, events, {
          expectedRevision: 'no_stream',
        });
        clock.advance(60_000);

        const again = await store.appendToStream(streamId, events, {
          expectedRevision: 'no_stream',
        });

        expect(again).toEqual(first);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('treats concurrent duplicates of one append as one', async () => {
        const streamId = freshStream();
        const events = [newEvent()];
        const [a, b] = await Promise.all([
          store.appendToStream(streamId, events),
          store.appendToStream(streamId, events),
        ]);
        expect(a).toEqual(b);
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('refuses an event id re-used with different content', async () => {
        const streamId = freshStream();
        const original = newEvent('PromiseMade', { text: 'ships Friday' });
        await store.appendToStream(streamId, [original]);

        const changed = { ...original, data: { text: 'ships Monday' } };
        const error = await rejectionOf(store.appendToStream(streamId, [changed]));

        expect(error).toBeInstanceOf(EventIdConflictError);
        expect(error).toMatchObject({ eventId: original.id });
        expect((await store.readStream(streamId))[0]!.data).toEqual({ text: 'ships Friday' });
      });

      acrossStreams('refuses an event id re-used in another stream', async () => {
        const original = newEvent();
        await store.appendToStream(freshStream(), [original]);
        const elsewhere = freshStream();

        await expect(store.appendToStream(elsewhere, [original])).rejects.toBeInstanceOf(
          EventIdConflictError,
        );
        expect(await store.readStream(elsewhere)).toEqual([]);
      });

      it('refuses an append that repeats only part of an earlier one', async () => {
        const streamId = freshStream();
        const earlier = newEvent();
        await store.appendToStream(streamId, [earlier]);

        await expect(store.appendToStream(streamId, [earlier, newEvent()])).rejects.toBeInstanceOf(
          EventIdConflictError,
        );
        expect(await store.readStream(streamId)).toHaveLength(1);
      });
    });

    describe('envelope validation (nothing is written)', () => {
      const cases: Array<[string, (e: NewEvent) => unknown]> = [
        ['a missing type', (e) => ({ ...e, type: undefined })],
        ['a non-UUID id', (e) => ({ ...e, id: 'not-a-uuid' })],
        ['data that is an array', (e) => ({ ...e, data: [1, 2] })],
        ['data that is not JSON (NaN)', (e) => ({ ...e, data: { amount: Number.NaN } })],
        ['data with a Date object', (e) => ({ ...e, data: { at: new Date() } })],
        [
          'an occurredAt that is not a date',
          (e) => ({ ...e, metadata: { ...e.metadata, occurredAt: 'yesterday' } }),
        ],
        ['no actor', (e) => ({ ...e, metadata: { ...e.metadata, actor: undefined } })],
        [
          'a payload over the size limit',
          (e) => ({ ...e, data: { blob: 'x'.repeat(MAX_EVENT_BYTES) } }),
        ],
      ];
      it.each(cases)('rejects %s', async (_name, mutate) => {
        const streamId = freshStream();
        const error = await rejectionOf(
          store.appendToStream(streamId, [mutate(newEvent()) as NewEvent]),
        );
        expect(error).toBeInstanceOf(InvalidEventError);
        expect((error as InvalidEventError).problems.length).toBeGreaterThan(0);
        expect(await store.readStream(streamId)).toEqual([]);
      });

      it('rejects an empty append and a malformed stream id', async () => {
        await expect(store.appendToStream(freshStream(), [])).rejects.toBeInstanceOf(
          InvalidEventError,
        );
        await expect(store.appendToStream('bad stream id', [newEvent()])).rejects.toBeInstanceOf(
          InvalidEventError,
        );
      });
    });

    describe('reading', () => {
      let streamId: string;
      let written: StoredEvent[];

      beforeEach(async () => {
        streamId = freshStream();
        written = (
          await store.appendToStream(
            streamId,
            Array.from({ length: 10 }, (_, i) => newEvent('PromiseMade', { i })),
          )
        ).events as StoredEvent[];
      });

      it('reads a stream forwards from a revision with a limit', async () => {
        const page = await store.readStream(streamId, { fromRevision: 3, maxCount: 4 });
        expect(page.map((e) => e.revision)).toEqual([3, 4, 5, 6]);
      });

      it('reads a stream backwards from the end and from a revision', async () => {
        expect(
          (await store.readStream(streamId, { direction: 'backwards', maxCount: 3 })).map(
            (e) => e.revision,
          ),
        ).toEqual([9, 8, 7]);
        expect(
          (await store.readStream(streamId, { direction: 'backwards', fromRevision: 2 })).map(
            (e) => e.revision,
          ),
        ).toEqual([2, 1, 0]);
      });

      it('reads a missing stream as empty', async () => {
        expect(await store.readStream(freshStream())).toEqual([]);
      });

      it('reads all events from a position (inclusive), forwards and backwards, in global order', async () => {
        const fromFourth = await store.readAll({ fromPosition: written[3]!.position, maxCount: 3 });
        expect(fromFourth.map((e) => e.id)).toEqual(written.slice(3, 6).map((e) => e.id));

        const tail = await store.readAll({ direction: 'backwards', maxCount: 2 });
        expect(tail.map((e) => e.id)).toEqual([written[9]!.id, written[8]!.id]);

        const all = await store.readAll({ maxCount: 10_000 });
        for (let i = 1; i < all.length; i++)
          expect(comparePositions(all[i - 1]!.position, all[i]!.position)).toBe(-1);
      });

      it('filters all events by stream prefix and by event type', async () => {
        const policy = freshStream('policy');
        await store.appendToStream(policy, [newEvent('PolicyPublished', { version: 1 })]);
        await store.appendToStream(streamId, [newEvent('ConcessionGranted', { bps: 100 })]);

        const policies = await store.readAll({
          filter: { streamPrefixes: [policy] },
          maxCount: 100,
        });
        const grants = await store.readAll({
          filter: { eventTypes: ['ConcessionGranted'], streamPrefixes: [streamId] },
          maxCount: 100,
        });

        expect(policies.map((e) => e.type)).toEqual(['PolicyPublished']);
        expect(grants.map((e) => [e.type, e.streamId])).toEqual([['ConcessionGranted', streamId]]);
      });
    });

    describe('catch-up subscriptions', () => {
      it('delivers history, then caught-up, then live events, with no gap or duplicate across the switch', async () => {
        const streamId = freshStream();
        const history = await store.appendToStream(
          streamId,
          Array.from({ length: 300 }, (_, i) => newEvent('PromiseMade', { i })),
        );
        const subscription = store.subscribeToAll({
          fromPosition: history.events[0]!.position,
          filter: { streamPrefixes: [streamId] },
        });

        const reading = take(subscription, 299 + 1 + 50);
        for (let i = 0; i < 50; i++) {
          await store.appendToStream(streamId, [newEvent('PromiseMade', { i: 300 + i })]);
        }
        const items = await reading;
        await subscription.close();

        const caughtUpAt = items.findIndex((item) => item.kind === 'caught-up');
        expect(caughtUpAt).toBeGreaterThanOrEqual(0);
        expect(items.filter((item) => item.kind === 'caught-up')).toHaveLength(1);
        const delivered = items.flatMap((item) =>
          item.kind === 'event' ? [item.event.data['i']] : [],
        );
        expect(delivered).toEqual(Array.from({ length: 349 }, (_, i) => i + 1));
      });

      it('subscribes to all from the end: only what is appended afterwards', async () => {
        const streamId = freshStream();
        await store.appendToStream(streamId, [newEvent('PromiseMade', { i: 0 })]);
        const subscription = store.subscribeToAll({
          fromPosition: 'end',
          filter: { streamPrefixes: [streamId] },
        });
        const iterator = subscription[Symbol.asyncIterator]();

        expect((await iterator.next()).value).toEqual({ kind: 'caught-up' });
        await store.appendToStream(streamId, [newEvent('PromiseMade', { i: 1 })]);
        const next = (await iterator.next()).value as SubscriptionItem;
        await subscription.close();

        expect(next.kind === 'event' && next.event.data).toEqual({ i: 1 });
      });

      it('subscribes to one stream after a revision, filtering out other streams', async () => {
        const streamId = freshStream();
        await store.appendToStream(
          streamId,
          Array.from({ length: 5 }, (_, i) => newEvent('PromiseMade', { i })),
        );
        const subscription = store.subscribeToStream(streamId, { fromRevision: 2 });

        const reading = take(subscription, 2 + 1 + 1);
        await store.appendToStream(freshStream(), [newEvent('PromiseMade', { i: 'elsewhere' })]);
        await store.appendToStream(streamId, [newEvent('PromiseMade', { i: 5 })]);
        const items = await reading;
        await subscription.close();

        expect(
          items.map((item) => (item.kind === 'event' ? item.event.revision : 'caught-up')),
        ).toEqual([3, 4, 'caught-up', 5]);
      });

      it('ends the iteration when closed while waiting for live events', async () => {
        const subscription = store.subscribeToStream(freshStream());
        const iterator = subscription[Symbol.asyncIterator]();
        expect((await iterator.next()).value).toEqual({ kind: 'caught-up' });
        const pending = iterator.next();
        await subscription.close();
        await expect(pending).resolves.toEqual({ done: true, value: undefined });
      });
    });

    describe('lifecycle', () => {
      it('reports ready while open and refuses appends after close', async () => {
        expect((await store.health()).ready).toBe(true);
        await store.close();
        expect((await store.health()).ready).toBe(false);
        await expect(store.appendToStream(freshStream(), [newEvent()])).rejects.toMatchObject({
          code: 'store-closed',
        });
      });
    });
  });
}
