import { sequencePosition, type StoredEvent } from '../domain/envelope.js';
import { RecentEvents } from './recent-events.js';

function storedAt(position: number, streamId = 'account-1'): StoredEvent {
  return {
    id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type: 'PromiseMade',
    schemaVersion: 1,
    streamId,
    revision: position - 1,
    position: sequencePosition(position),
    data: { position },
    metadata: { occurredAt: '2026-01-01T00:00:00.000Z', actor: { id: 'a', role: 'sales' } },
    recordedAt: '2026-01-01T00:00:00.000Z',
    prevHash: '',
    hash: '',
  };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => storedAt(from + i));
const everything = () => true;
const positionsOf = (events: readonly StoredEvent[]) =>
  events.map((event) => Number(event.position.commit));

describe('recent events window', () => {
  it('given committed events after the head it started at, answers reads after any position it holds', () => {
    const window = new RecentEvents(10);
    window.add(range(11, 20));

    expect(positionsOf(window.read(10, 100, everything)!.events)).toEqual(
      positionsOf(range(11, 20)),
    );
    expect(window.read(15, 3, everything)).toEqual({ events: range(16, 18), scannedTo: 18 });
    expect(window.read(20, 100, everything)).toEqual({ events: [], scannedTo: 20 });
  });

  it('given a filter, returns only matching events but reports how far it looked', () => {
    const window = new RecentEvents(0);
    window.add([storedAt(1, 'account-a'), storedAt(2, 'policy'), storedAt(3, 'account-b')]);

    const page = window.read(0, 10, (event) => event.streamId.startsWith('account-'));

    expect(positionsOf(page!.events)).toEqual([1, 3]);
    expect(page!.scannedTo).toBe(3);
  });

  it('refuses a read from before its first event or after its last, so the caller reads the file', () => {
    const window = new RecentEvents(10);
    window.add(range(11, 12));

    expect(window.read(9, 10, everything)).toBeNull();
    expect(window.read(13, 10, everything)).toBeNull();
  });

  it('given more events than it holds, keeps the latest and refuses reads from before them', () => {
    const window = new RecentEvents(0, 4);
    window.add(range(1, 3));
    window.add(range(4, 10));

    expect(window.read(5, 10, everything)).toBeNull();
    expect(positionsOf(window.read(6, 10, everything)!.events)).toEqual([7, 8, 9, 10]);
  });

  it('given a position that does not follow its last (someone else wrote in between), forgets everything before it', () => {
    const window = new RecentEvents(0);
    window.add(range(1, 5));

    window.add(range(8, 9));

    expect(window.read(5, 10, everything)).toBeNull();
    expect(positionsOf(window.read(7, 10, everything)!.events)).toEqual([8, 9]);
    expect(window.last).toBe(9);
  });

  it('restarted after a head, vouches for nothing before it', () => {
    const window = new RecentEvents(0);
    window.add(range(1, 5));

    window.restartAfter(7);

    expect(window.read(5, 10, everything)).toBeNull();
    expect(window.read(7, 10, everything)).toEqual({ events: [], scannedTo: 7 });
  });

  it('given large events, keeps no more bytes than it may, the latest first', () => {
    const window = new RecentEvents(0, 100, 1_000);
    window.add(range(1, 6), () => 300);

    expect(window.read(2, 10, everything)).toBeNull();
    expect(positionsOf(window.read(3, 10, everything)!.events)).toEqual([4, 5, 6]);

    window.add([storedAt(7)], () => 5_000);
    expect(window.read(6, 10, everything)).toBeNull();
    expect(window.read(7, 10, everything)).toEqual({ events: [], scannedTo: 7 });
  });
});
