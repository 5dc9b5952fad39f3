import { sequencePosition, type StoredEvent } from '../domain/envelope.js';
import { CatchUpSubscription, CommitSignal, type PageSource } from './catch-up-subscription.js';

function fakeEvent(n: number): StoredEvent {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'PromiseMade',
    schemaVersion: 1,
    streamId: 'account-1',
    revision: n - 1,
    position: sequencePosition(n),
    data: { n },
    metadata: { occurredAt: '2026-01-01T00:00:00.000Z', actor: { id: 'a', role: 'sales' } },
    recordedAt: '2026-01-01T00:00:00.000Z',
    prevHash: '',
    hash: '',
  };
}

/** A source over `total` stored events that counts how many it has handed out. */
function countingSource(total: { value: number }): PageSource<number> & { served: number } {
  const source = {
    served: 0,
    initialCursor: () => Promise.resolve(undefined),
    readAfter: (cursor: number | undefined, max: number) => {
      const start = (cursor ?? 0) + 1;
      const page: StoredEvent[] = [];
      for (let n = start; n <= total.value && page.length < max; n++) page.push(fakeEvent(n));
      source.served += page.length;
      return Promise.resolve(page);
    },
    cursorOf: (event: StoredEvent) => Number(event.position.commit),
  };
  return source;
}

describe('catch-up subscription backpressure', () => {
  it('given 100,000 stored events and a consumer that has taken one, the store has read at most one page ahead', async () => {
    const total = { value: 100_000 };
    const source = countingSource(total);
    const subscription = new CatchUpSubscription(source, new CommitSignal(), 256);
    const iterator = subscription[Symbol.asyncIterator]();

    const first = await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(first.value).toMatchObject({ kind: 'event', event: { data: { n: 1 } } });
    expect(source.served).toBe(256);
    await subscription.close();
  });

  it('given a consumer that stops reading while events keep arriving, reads stay bounded by what it took plus one page', async () => {
    const total = { value: 10 };
    const signal = new CommitSignal();
    const source = countingSource(total);
    const subscription = new CatchUpSubscription(source, signal, 100);
    const iterator = subscription[Symbol.asyncIterator]();
    const taken: unknown[] = [];
    for (let i = 0; i < 11; i++) taken.push((await iterator.next()).value); // 10 events + caught-up

    const waiting = iterator.next();
    total.value = 50_000;
    signal.notify();
    await waiting;
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(taken[10]).toEqual({ kind: 'caught-up' });
    expect(source.served).toBe(10 + 100);
    await subscription.close();
  });

  it('wakes a waiter registered after a commit it has not read yet', async () => {
    const signal = new CommitSignal();
    const seen = signal.current;
    signal.notify();
    await expect(signal.waitPast(seen).promise).resolves.toBeUndefined();
  });
});
