import type { AccountEvent } from '@onrecord/commitments';
import { AccountIndex } from './account-index.js';
import { buildAccountView } from './account-view.js';
import { RECORD_CLOCKS, type RecordClock, clockDifference } from './as-of.js';
import { type AccountThen, CHECKPOINT_EVERY, foldVisible } from './as-of-checkpoints.js';
import type { RecordEntry } from './record-entry.js';
import {
  RecordBuilder,
  delivered,
  freight,
  granted,
  opened,
  orderPlaced,
  promiseMade,
  refused,
  termsRefused,
  termsStated,
} from './testing/record-builder.js';
import { seededRandom } from '../../../../test/support/seeded-random.js';

const DAY_MS = 86_400_000;
const START_MS = Date.parse('2020-01-01T00:00:00Z');

/**
 * An account's business in random order: orders, deliveries, promises and
 * their outcomes, terms stated and refused in several contexts, concessions,
 * reassignments, corrections, about half a day apart. About one statement
 * in eight is said up to `lateByUpToDays` before it is recorded, so it lands
 * in the middle of the occurred clock's order; some are recorded within two
 * days, some minutes before they were said (a device's clock ahead);
 * recordedAt never goes backwards, as the store stamps it.
 */
function randomHistory(seed: number, size: number, lateByUpToDays = 20): RecordEntry[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const record = new RecordBuilder();
  let clockMs = START_MS;
  let recordedMs = START_MS;
  const orders: string[] = ['O-0'];
  const promises: string[] = [];
  const say = (event: AccountEvent | { type: string; data: object }): void => {
    clockMs += Math.floor(random() * DAY_MS);
    const kind = random();
    const saidMs =
      kind < 0.125
        ? clockMs - Math.floor(random() * lateByUpToDays * DAY_MS)
        : kind < 0.2
          ? clockMs + Math.floor(random() * 600_000)
          : clockMs;
    const lag = random() < 0.5 ? Math.floor(random() * 2 * DAY_MS) : 0;
    recordedMs = Math.max(recordedMs, clockMs + lag);
    record.add(event as AccountEvent, {
      at: new Date(saidMs).toISOString(),
      recordedAt: new Date(recordedMs).toISOString(),
      by: pick(['sam-sales', 'sue-service', 'max-manager']),
    });
  };
  say(opened());
  say(orderPlaced('O-0'));
  while (record.entries.length < size) {
    const n = record.entries.length;
    const order = pick(orders);
    const context = pick([
      { kind: 'verbal' as const, referenceId: null },
      { kind: 'order' as const, referenceId: order },
      { kind: 'quote' as const, referenceId: `Q-${n % 7}` },
    ]);
    const choices: (() => AccountEvent | { type: string; data: object })[] = [
      () => {
        orders.push(`O-${n}`);
        return orderPlaced(`O-${n}`);
      },
      () => delivered(order, random() < 0.7),
      () => {
        promises.push(`P-${n}`);
        return promiseMade(`P-${n}`, `call back about ${order}`, '2020-06-01', order);
      },
      () =>
        promises.length === 0
          ? termsStated(30)
          : {
              type: random() < 0.5 ? 'PromiseKept' : 'PromiseBroken',
              data: {
                promiseId: pick(promises),
                keptOn: '2020-05-30',
                brokenOn: '2020-06-02',
                dueDate: '2020-06-01',
                onTime: true,
                note: null,
                reason: 'late truck',
              },
            },
      () => termsStated(pick([30, 45, 60]), context),
      () => termsRefused(90, `Q-${n % 7}`),
      () => granted(`C-${n}`, freight(order), 1000 + n),
      () => refused(`C-${n}`, freight(order)),
      () => ({
        type: 'AccountReassigned',
        data: {
          previousOwnerId: 'sam-sales',
          ownerId: pick(['sam-sales', 'sid-sales']),
          previousServiceRepIds: ['sue-service'],
          serviceRepIds: [pick(['sue-service', 'sol-service'])],
          reason: null,
        },
      }),
      () => ({
        type: 'EventCorrected',
        data: { correctedEventId: pick(record.entries).id, reason: 'typo', correction: null },
      }),
    ];
    say(pick(choices)());
  }
  return record.entries;
}

/** Everything an as-of answer is made of, as the API would write it. */
function answer(then: AccountThen, atMs: number): string {
  const today = new Date(atMs).toISOString().slice(0, 10);
  const view =
    then.state.status === 'open' ? buildAccountView(then.state, then.facts, null, today) : null;
  return JSON.stringify({ events: then.events, state: then.state, view });
}

function instantsAcross(entries: readonly RecordEntry[], count: number, seed: number): number[] {
  const random = seededRandom(seed);
  const last = Math.max(...entries.map((e) => Math.max(e.occurredAtMs, e.recordedAtMs)));
  const instants = [START_MS - DAY_MS, last + DAY_MS];
  // Exactly on some entries' instants too: the edges are where an off-by-one shows.
  for (let i = 0; i < count; i++) {
    const entry = entries[Math.floor(random() * entries.length)]!;
    instants.push(
      random() < 0.3
        ? entry.occurredAtMs
        : random() < 0.5
          ? entry.recordedAtMs
          : START_MS + random() * (last - START_MS),
    );
  }
  return instants;
}

function expectSameAsFoldingFromTheFirst(
  index: AccountIndex,
  entries: readonly RecordEntry[],
  instants: readonly number[],
  clock: RecordClock,
): void {
  for (const atMs of instants) {
    const expected = answer(foldVisible(entries, atMs, clock), atMs);
    const actual = answer(index.asOf(atMs, clock), atMs);
    if (actual !== expected) {
      throw new Error(`as-of ${new Date(atMs).toISOString()} on ${clock} differs from the fold`);
    }
    const ids = (difference: ReturnType<typeof clockDifference>): string[][] => [
      difference.saidNotYetRecorded.map((e) => e.id),
      difference.recordedBeforeSaid.map((e) => e.id),
    ];
    expect(ids(index.clocksDifferAt(atMs))).toEqual(ids(clockDifference(entries, atMs)));
  }
}

describe('as-of from checkpoints', () => {
  it.each([1, 2, 3])(
    'answers as folding the visible entries from the first would (history %i)',
    (seed) => {
      const entries = randomHistory(seed, 3 * CHECKPOINT_EVERY + 57);
      const index = AccountIndex.of(entries);
      for (const clock of RECORD_CLOCKS) {
        expectSameAsFoldingFromTheFirst(index, entries, instantsAcross(entries, 40, seed), clock);
      }
    },
  );

  it.each([4, 5])(
    'stays right while entries arrive, late ones included, after checkpoints were made (history %i)',
    (seed) => {
      // Late by up to 300 days: hundreds of entries back, across checkpoints already made.
      const entries = randomHistory(seed, 3 * CHECKPOINT_EVERY, 300);
      const index = new AccountIndex();
      const arrived: RecordEntry[] = [];
      const batch = Math.floor(CHECKPOINT_EVERY / 3);
      for (let from = 0; from < entries.length; from += batch) {
        for (const entry of entries.slice(from, from + batch)) {
          index.add(entry);
          arrived.push(entry);
        }
        for (const clock of RECORD_CLOCKS) {
          expectSameAsFoldingFromTheFirst(
            index,
            arrived,
            instantsAcross(arrived, 8, seed + from),
            clock,
          );
        }
      }
    },
  );

  it('folds from the first on the recorded clock once a recordedAt went backwards', () => {
    const entries = randomHistory(6, CHECKPOINT_EVERY + 10);
    const back = entries[CHECKPOINT_EVERY + 5]!;
    const stepped: RecordEntry = {
      ...back,
      recordedAt: entries[3]!.recordedAt,
      recordedAtMs: entries[3]!.recordedAtMs,
    };
    const history = entries.map((e) => (e === back ? stepped : e));
    const index = AccountIndex.of(history);
    const instants = [...instantsAcross(history, 30, 6), stepped.recordedAtMs];
    for (const clock of RECORD_CLOCKS)
      expectSameAsFoldingFromTheFirst(index, history, instants, clock);
  });

  it('shows a late statement on the occurred clock at once, and on the recorded clock from when it was entered', () => {
    const record = new RecordBuilder();
    record.add(opened(), { at: '2026-11-01T09:00:00Z' });
    for (let i = 0; i < CHECKPOINT_EVERY + 3; i++) {
      record.add(orderPlaced(`O-${i}`), {
        at: new Date(Date.parse('2026-11-02T00:00:00Z') + i * 60_000).toISOString(),
      });
    }
    const index = AccountIndex.of(record.entries);
    const then = Date.parse('2026-11-03T00:00:00Z');
    expect(index.asOf(then, 'occurred').events).toBe(CHECKPOINT_EVERY + 4);

    record.add(termsStated(45), { at: '2026-11-01T10:00:00Z', recordedAt: '2026-11-04T00:00:00Z' });
    index.add(record.entries.at(-1)!);
    const occurred = index.asOf(then, 'occurred');
    const recorded = index.asOf(then, 'recorded');
    expect(occurred.events).toBe(CHECKPOINT_EVERY + 5);
    expect(occurred.facts.terms.map((t) => t.netDays)).toEqual([45]);
    expect(recorded.events).toBe(CHECKPOINT_EVERY + 4);
    expect(recorded.facts.terms).toEqual([]);
  });
});
