import { randomUUID } from 'node:crypto';
import { FixedClock } from '@onrecord/kernel';
import {
  type EventStore,
  MAX_EVENTS_PER_APPEND,
  type NewEvent,
  SqliteEventStore,
} from '@onrecord/event-store';
import { BOOTSTRAP_MANAGER_ID } from '@onrecord/access';
import {
  POLICY_STREAM,
  type Policy,
  type PolicyEvent,
  type PolicyState,
  type PublishedPolicy,
  accountStreamId,
  currentPolicy,
  decidePolicy,
  evolvePolicy,
  initialPolicyState,
} from '@onrecord/commitments';
import { standardPolicy } from '../test/fixtures/policies.js';
import { AccountHistory, DAY_MS, HOUR_MS } from './account-history.js';
import { MinHeap } from './min-heap.js';

/**
 * Seeds a data directory's event store with years of account history
 * directly through the store port (SqliteEventStore, the API's own adapter),
 * before the API starts: the same events the commands would have written,
 * at a fraction of the cost of one HTTP command per event.
 */

export interface SeedRequest {
  /** The store file the API will open (`<data dir>/events.sqlite`). */
  readonly file: string;
  /** Each account and its exact number of events. */
  readonly accounts: ReadonlyArray<{ readonly accountId: string; readonly events: number }>;
  /** How many years of business the histories span, ending an hour ago. */
  readonly years: number;
  /**
   * Statements are recorded at the end of the window of this many hours
   * they were made in. Under the policy's 24-hour late-entry threshold no
   * seeded entry counts as late; each window is one group commit (one
   * fsync) for every account it touches, so wider windows seed faster.
   */
  readonly recordedWithinHours: number;
}

export interface SeedResult {
  /** Account events written (the policy event not counted). */
  readonly events: number;
  readonly appends: number;
  readonly seconds: number;
  /** The span of the histories: every account opens at `from`, nothing is said after `to`. */
  readonly from: string;
  readonly to: string;
}

/** The manager who publishes the policy, as PolicyService records it. */
const MANAGER = { id: BOOTSTRAP_MANAGER_ID, role: 'manager' } as const;

/** The standard policy, published by the bootstrap manager through the policy decider. */
async function publishBenchPolicy(store: EventStore, occurredAt: Date): Promise<PublishedPolicy> {
  const command = {
    type: 'PublishPolicy',
    data: { policy: standardPolicy as Policy, note: 'bench' },
  } as const;
  const events = decidePolicy(command, initialPolicyState, { actor: MANAGER });
  await store.appendToStream(
    POLICY_STREAM,
    events.map((event) => ({
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: { occurredAt: occurredAt.toISOString(), actor: MANAGER, channel: 'portal' },
    })),
    { expectedRevision: 'no_stream' },
  );
  return requirePolicy(events.reduce(evolvePolicy, initialPolicyState));
}

/** The policy in force at the end of the policy stream, as the API folds it. */
export async function policyInForce(store: EventStore): Promise<PublishedPolicy> {
  const stored = await store.readStream(POLICY_STREAM);
  const events = stored.map((event) => ({ type: event.type, data: event.data }) as PolicyEvent);
  return requirePolicy(events.reduce(evolvePolicy, initialPolicyState));
}

function requirePolicy(state: PolicyState): PublishedPolicy {
  const policy = currentPolicy(state);
  if (policy === null) throw new Error('no policy was published');
  return policy;
}

/**
 * Writes the policy (a day before the first account opens), then every
 * account's history in time order, window by window, each account's
 * statements of a window in one append with its exact expected revision,
 * and the store's clock set to the window's end: recordedAt follows
 * occurredAt as it would have had the reps recorded as they went.
 */
export async function seedHistories(request: SeedRequest): Promise<SeedResult> {
  const started = process.hrtime.bigint();
  const to = Date.now() - HOUR_MS;
  const from = to - request.years * 365 * DAY_MS;
  const clock = new FixedClock(new Date(from - DAY_MS));
  const store = new SqliteEventStore({ file: request.file, clock });
  try {
    const policy = await publishBenchPolicy(store, clock.now());
    const histories = request.accounts.map(
      (account) =>
        new AccountHistory(account.accountId, {
          events: account.events,
          from,
          to,
          stretch: 1,
          policy,
        }),
    );
    const written = await appendInWindows(
      store,
      clock,
      histories,
      request.recordedWithinHours * HOUR_MS,
    );
    await verifyLengths(store, request.accounts);
    return {
      ...written,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    };
  } finally {
    await store.close();
  }
}

interface Written {
  readonly events: number;
  readonly appends: number;
}

type Upcoming = MinHeap<{ at: number; history: AccountHistory }>;

function enqueue(upcoming: Upcoming, history: AccountHistory): void {
  const at = history.nextAt();
  if (at !== null) upcoming.push({ at, history });
}

/** Every account's statements made before `windowEnd`, in the order each account made them. */
function statementsBefore(upcoming: Upcoming, windowEnd: number): Map<AccountHistory, NewEvent[]> {
  const said = new Map<AccountHistory, NewEvent[]>();
  while ((upcoming.peek()?.at ?? Number.POSITIVE_INFINITY) < windowEnd) {
    const { history } = upcoming.pop()!;
    const events = said.get(history) ?? [];
    events.push(...history.next());
    said.set(history, events);
    enqueue(upcoming, history);
  }
  return said;
}

async function appendInWindows(
  store: EventStore,
  clock: FixedClock,
  histories: readonly AccountHistory[],
  windowMs: number,
): Promise<Written> {
  const upcoming: Upcoming = new MinHeap((a, b) => a.at < b.at);
  for (const history of histories) enqueue(upcoming, history);
  const lengths = new Map<string, number>();
  let events = 0;
  let appends = 0;
  for (let top = upcoming.peek(); top !== undefined; top = upcoming.peek()) {
    const windowEnd = (Math.floor(top.at / windowMs) + 1) * windowMs;
    const said = statementsBefore(upcoming, windowEnd);
    clock.set(new Date(windowEnd));
    // All accounts of the window at once: one group commit.
    const results = await Promise.all(
      [...said].map(([history, batch]) => appendInPages(store, history.accountId, batch, lengths)),
    );
    for (const result of results) {
      events += result.events;
      appends += result.appends;
    }
  }
  return { events, appends };
}

/** One account's statements of a window: one append, or pages of the store's limit. */
async function appendInPages(
  store: EventStore,
  accountId: string,
  events: readonly NewEvent[],
  lengths: Map<string, number>,
): Promise<Written> {
  const streamId = accountStreamId(accountId);
  let appends = 0;
  for (let i = 0; i < events.length; i += MAX_EVENTS_PER_APPEND) {
    const length = lengths.get(streamId) ?? 0;
    const page = events.slice(i, i + MAX_EVENTS_PER_APPEND);
    await store.appendToStream(streamId, page, {
      expectedRevision: length === 0 ? 'no_stream' : length - 1,
    });
    lengths.set(streamId, length + page.length);
    appends += 1;
  }
  return { events: events.length, appends };
}

/** Reads each stream's last event back: the bench stops here if a count is off. */
async function verifyLengths(store: EventStore, accounts: SeedRequest['accounts']): Promise<void> {
  for (const { accountId, events } of accounts) {
    const [last] = await store.readStream(accountStreamId(accountId), {
      direction: 'backwards',
      maxCount: 1,
    });
    const length = last === undefined ? 0 : last.revision + 1;
    if (length !== events) {
      throw new Error(`seeding wrote ${length} events to ${accountId}, ${events} were asked for`);
    }
  }
}
