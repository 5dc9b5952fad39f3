import { randomUUID } from 'node:crypto';
import {
  InMemoryEventStore,
  type ReadStreamOptions,
  type StoredEvent,
  WrongExpectedRevisionError,
} from '@onrecord/event-store';
import { CommandHandler, type CommandRequest, type Fold } from './command-handler.js';

/** A shelf of named items: the smallest stream with rules that depend on what it holds. */
type Shelf = readonly string[];
type ItemShelved = { type: 'ItemShelved'; data: { item: string } };

const shelfFold: Fold<Shelf, ItemShelved> = {
  name: 'shelf',
  initialState: [],
  evolve: (shelf, event) => [...shelf, event.data.item],
  accept: (stored: StoredEvent) =>
    stored.type === 'ItemShelved' ? (stored as unknown as ItemShelved) : null,
};

class NotOnShelfError extends Error {}

/** Shelve `item`; when `after` is given it must already be on the shelf; an item already there is a no-op. */
function shelve(
  streamId: string,
  item: string,
  options: {
    after?: string;
    expectedRevision?: number;
    decisions?: Shelf[];
    eventId?: string;
    /** Shelve it even if it is there already (a decider that is not idempotent). */
    again?: boolean;
  } = {},
): CommandRequest<Shelf, ItemShelved> {
  return {
    streamId,
    fold: shelfFold,
    decide: (shelf) => {
      options.decisions?.push(shelf);
      if (options.after !== undefined && !shelf.includes(options.after))
        throw new NotOnShelfError(options.after);
      return shelf.includes(item) && !options.again
        ? []
        : [{ type: 'ItemShelved', data: { item } }];
    },
    metadata: () => ({
      occurredAt: '2026-11-20T14:05:00.000Z',
      actor: { id: 'sam', role: 'sales' },
    }),
    eventId: () => options.eventId ?? randomUUID(),
    ...(options.expectedRevision !== undefined
      ? { expectedRevision: options.expectedRevision }
      : {}),
  };
}

/** One store, two replicas (each its own handler and cache), and a count of stream reads. */
function givenTwoReplicas() {
  const store = new InMemoryEventStore();
  const reads: string[] = [];
  const readStream = store.readStream.bind(store);
  store.readStream = (streamId: string, options?: ReadStreamOptions) => {
    reads.push(streamId);
    return readStream(streamId, options);
  };
  return { store, reads, here: new CommandHandler(store), there: new CommandHandler(store) };
}

describe('the command handler', () => {
  it('decides a command on a stream it has cached without reading the store', async () => {
    const { here, reads } = givenTwoReplicas();
    const stream = `shelf-${randomUUID()}`;
    await here.handle(shelve(stream, 'bolts'));
    reads.length = 0;

    const result = await here.handle(shelve(stream, 'nuts'));

    expect(result.state).toEqual(['bolts', 'nuts']);
    expect(result.revision).toBe(1);
    expect(reads).toEqual([]);
  });

  it('never records on a stale cache: another replica’s write makes it decide again on a fresh read', async () => {
    const { here, there } = givenTwoReplicas();
    const stream = `shelf-${randomUUID()}`;
    await here.handle(shelve(stream, 'bolts'));
    await there.handle(shelve(stream, 'washers'));
    const decisions: Shelf[] = [];

    const result = await here.handle(shelve(stream, 'nuts', { decisions }));

    expect(decisions).toEqual([['bolts'], ['bolts', 'washers']]);
    expect(result.state).toEqual(['bolts', 'washers', 'nuts']);
    expect(result.revision).toBe(2);
  });

  it('does not refuse on a stale cache what the store already allows', async () => {
    const { here, there } = givenTwoReplicas();
    const stream = `shelf-${randomUUID()}`;
    await here.handle(shelve(stream, 'bolts'));
    await there.handle(shelve(stream, 'washers'));

    const result = await here.handle(shelve(stream, 'nuts', { after: 'washers' }));

    expect(result.state).toEqual(['bolts', 'washers', 'nuts']);
  });

  it('still refuses, after confirming with a read, what the store does not allow', async () => {
    const { here, reads } = givenTwoReplicas();
    const stream = `shelf-${randomUUID()}`;
    await here.handle(shelve(stream, 'bolts'));
    reads.length = 0;

    await expect(here.handle(shelve(stream, 'nuts', { after: 'washers' }))).rejects.toThrow(
      NotOnShelfError,
    );
    expect(reads).toEqual([stream]);
  });

  it('records nothing only when a read confirms there is nothing to record', async () => {
    const { here, there } = givenTwoReplicas();
    const stream = `shelf-${randomUUID()}`;
    await here.handle(shelve(stream, 'bolts'));
    await there.handle(shelve(stream, 'washers'));
    await there.handle(shelve(stream, 'nuts'));

    const result = await here.handle(shelve(stream, 'nuts'));

    expect(result.appended).toBeNull();
    expect(result.revision).toBe(2);
    expect(result.state).toEqual(['bolts', 'washers', 'nuts']);
  });

  it('answers If-Match by the store, not by a stale cache', async () => {
    const { here, there } = givenTwoReplicas();
    const stream = `shelf-${randomUUID()}`;
    await here.handle(shelve(stream, 'bolts'));
    await there.handle(shelve(stream, 'washers'));

    // The caller saw revision 1 (written elsewhere): accepted although this cache is at 0.
    const result = await here.handle(shelve(stream, 'nuts', { expectedRevision: 1 }));
    expect(result.revision).toBe(2);

    // The caller saw revision 2, as this cache did, but the store has moved on: a conflict.
    await there.handle(shelve(stream, 'screws'));
    await expect(here.handle(shelve(stream, 'rivets', { expectedRevision: 2 }))).rejects.toEqual(
      expect.any(WrongExpectedRevisionError),
    );
    await expect(
      here.handle(shelve(stream, 'rivets', { expectedRevision: 2 })),
    ).rejects.toMatchObject({ actual: 3 });
    await expect(
      here.handle(shelve(stream, 'pins', { expectedRevision: 3 })),
    ).resolves.toMatchObject({ revision: 4 });
  });

  it('does not fold an earlier append in twice when a retry races its original', async () => {
    const { here } = givenTwoReplicas();
    const stream = `shelf-${randomUUID()}`;
    const eventId = randomUUID();
    await here.handle(shelve(stream, 'bolts'));
    await here.handle(shelve(stream, 'nuts', { eventId, again: true }));

    // The retry decides the same event again; the store answers with the original.
    const retried = await here.handle(shelve(stream, 'nuts', { eventId, again: true }));

    expect(retried.appended?.events.map((event) => event.id)).toEqual([eventId]);
    expect(retried.revision).toBe(1);
    expect(retried.state).toEqual(['bolts', 'nuts']);
    const next = await here.handle(shelve(stream, 'washers'));
    expect(next.state).toEqual(['bolts', 'nuts', 'washers']);
  });
});
