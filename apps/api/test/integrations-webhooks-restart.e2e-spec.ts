import { join } from 'node:path';
import { type StoredEvent, formatPosition, openEventStore } from '@onrecord/event-store';
import { type RunningApi, startApi } from '../../../test/support/api-harness.js';
import { type ApiProcess, spawnApiProcess } from '../../../test/support/api-process.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { httpClient } from '../../../test/support/http-client.js';
import {
  TestReceiver,
  accountEvent,
  record,
  waitFor,
} from '../../../libs/integrations/src/testing/integrations-test-kit.js';

const MANAGER = 'onr_restart-manager-key-00000000000000';
/**
 * Quick retries that never pause; a hanging attempt would time out only
 * after 5 s. Progress is checkpointed at the default cadence (5 s): the
 * first delivery at once, the next ones not before 5 s later.
 */
const DELIVERY_ENV = {
  ONRECORD_WEBHOOK_BACKOFF_MIN_MS: '10',
  ONRECORD_WEBHOOK_BACKOFF_MAX_MS: '50',
  ONRECORD_WEBHOOK_PAUSE_AFTER: '100',
  ONRECORD_WEBHOOK_TIMEOUT_MS: '5000',
};
const ACCOUNTS = ['acme', 'globex', 'initech'];

interface Attempt {
  eventId: string;
  outcome: string;
}

/** A first server to stop mid-delivery, gracefully or with SIGKILL. */
interface FirstServer {
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** Appends with the server down (or in another process), straight into the data directory's store. */
async function recordOffline(
  dataDir: string,
  build: (account: string) => ReturnType<typeof accountEvent>,
): Promise<StoredEvent[]> {
  const store = openEventStore({ kind: 'sqlite', file: join(dataDir, 'events.sqlite') });
  try {
    const events: StoredEvent[] = [];
    for (const account of ACCOUNTS) events.push(...(await record(store, account, build(account))));
    return events;
  } finally {
    await store.close();
  }
}

/** The cursor of the webhook's last progress checkpoint in the data directory's store (undefined: none). */
async function lastCheckpoint(
  dataDir: string,
  webhookId: string,
): Promise<string | null | undefined> {
  const store = openEventStore({ kind: 'sqlite', file: join(dataDir, 'events.sqlite') });
  try {
    const [last] = await store.readStream(`webhook-progress-${webhookId}`, {
      direction: 'backwards',
      fromRevision: 'end',
      maxCount: 1,
    });
    return last ? (last.data['cursor'] as string | null) : undefined;
  } finally {
    await store.close();
  }
}

/**
 * 24 events over three accounts; a receiver that fails every fifth event's
 * first try and hangs on the twelfth; the first server is stopped while it
 * hangs, 3 more events are recorded, and a second server takes over.
 */
async function deliverAcrossRestart(
  dataDir: string,
  startFirst: () => Promise<FirstServer>,
): Promise<{
  events: StoredEvent[];
  receiver: TestReceiver;
  hungOn: string;
  webhookId: string;
  /** Where the first server's last checkpoint left the webhook. */
  checkpoint: string | null | undefined;
  second: RunningApi;
}> {
  const events: StoredEvent[] = [];
  for (let round = 0; round < 8; round += 1) {
    events.push(
      ...(await recordOffline(dataDir, (account) =>
        accountEvent('PromiseMade', { account, round }),
      )),
    );
  }
  const index = new Map(events.map((e, i) => [e.id, i]));
  const hungOn = events[11]!.id;
  const receiver = await TestReceiver.start((d) => {
    if (d.eventId === hungOn && d.attempt === 1) return 'hang';
    if ((index.get(d.eventId) ?? -1) % 5 === 2 && d.attempt === 1) return 500;
    return 200;
  });
  let second: RunningApi | null = null;
  try {
    const first = await startFirst();
    let firstStopped = false;
    try {
      const registered = await httpClient(first.baseUrl).post<{ id: string }>(
        '/webhooks',
        MANAGER,
        {
          url: receiver.url,
          from: 'start',
          filter: { accounts: ACCOUNTS },
        },
      );
      expect(registered.status).toBe(201);
      await waitFor('the delivery that hangs', () => receiver.hangingCount === 1, 10_000);
      expect(receiver.acknowledged()).toEqual(events.slice(0, 11).map((e) => e.id));

      await first.stop();
      firstStopped = true;
      await waitFor('the receiver to see the attempt dropped', () => receiver.hangingCount === 0);
      const checkpoint = await lastCheckpoint(dataDir, registered.body.id);

      events.push(
        ...(await recordOffline(dataDir, (account) => accountEvent('PromiseKept', { account }))),
      );
      second = await startApi(
        { ONRECORD_BOOTSTRAP_KEY: MANAGER, ...DELIVERY_ENV },
        { dataDir, on: 'embedded' },
      );
      await waitFor('every event acknowledged', () =>
        events.every((e) => receiver.acknowledged().includes(e.id)),
      );
      return { events, receiver, hungOn, webhookId: registered.body.id, checkpoint, second };
    } finally {
      if (!firstStopped) await first.stop();
    }
  } catch (error) {
    await second?.stop();
    await receiver.close();
    throw error;
  }
}

/** None lost, none acknowledged twice, in recorded order; duplicates only of unacknowledged attempts. */
function expectEveryEventOnceInOrder(
  events: StoredEvent[],
  receiver: TestReceiver,
  hungOn: string,
): void {
  const acknowledged = receiver.acknowledged();
  expect(acknowledged).toEqual(events.map((e) => e.id));
  for (const account of ACCOUNTS) {
    const mine = events.filter((e) => e.streamId === `account-${account}`).map((e) => e.id);
    expect(acknowledged.filter((id) => mine.includes(id))).toEqual(mine);
  }
  const repeated = [...new Set(receiver.deliveries.map((d) => d.eventId))].filter(
    (id) => receiver.deliveries.filter((d) => d.eventId === id).length > 1,
  );
  expect(repeated).toContain(hungOn);
  for (const id of repeated) {
    const tries = receiver.deliveries.filter((d) => d.eventId === id);
    expect(tries.slice(0, -1).every((d) => d.status === null || d.status >= 300)).toBe(true);
    expect(tries.at(-1)!.status).toBe(200);
  }
  expect(receiver.deliveries.filter((d) => d.eventId === hungOn).map((d) => d.status)).toEqual([
    null,
    200,
  ]);
}

/**
 * At least once across a crash: the first server had the first 11 events
 * acknowledged when it died (hanging on the twelfth); the second went on
 * right after the last checkpoint — repeating, in order, what was
 * acknowledged after it, and skipping nothing.
 */
function expectEveryEventFromTheCheckpoint(
  events: StoredEvent[],
  receiver: TestReceiver,
  checkpoint: string | null | undefined,
): void {
  const ids = events.map((e) => e.id);
  const resumedAt =
    checkpoint === null || checkpoint === undefined
      ? 0
      : events.findIndex((e) => formatPosition(e.position) === checkpoint) + 1;
  expect(resumedAt).toBeGreaterThanOrEqual(checkpoint ? 1 : 0);
  expect(resumedAt).toBeLessThanOrEqual(11);
  expect(receiver.acknowledged()).toEqual([...ids.slice(0, 11), ...ids.slice(resumedAt)]);
}

describe('integrations: webhook delivery survives a restart mid-delivery', () => {
  it('given a server stopped while the receiver hangs, when a second server starts on the same data, then every event arrives in order per account, duplicated only where it was not acknowledged', async () => {
    const dir = tempDir('onrecord-webhooks-restart-');
    let outcome: Awaited<ReturnType<typeof deliverAcrossRestart>> | null = null;
    try {
      outcome = await deliverAcrossRestart(dir.path, async () => {
        const api = await startApi(
          { ONRECORD_BOOTSTRAP_KEY: MANAGER, ...DELIVERY_ENV },
          { dataDir: dir.path, on: 'embedded' },
        );
        return { baseUrl: api.baseUrl, stop: () => api.stop() };
      });
      expectEveryEventOnceInOrder(outcome.events, outcome.receiver, outcome.hungOn);
      // A graceful stop checkpoints the last acknowledged event before it lets go.
      expect(outcome.checkpoint).toBe(formatPosition(outcome.events[10]!.position));
      // It also logs the attempt it cut off.
      const log = await httpClient(outcome.second.baseUrl).get<{ attempts: Attempt[] }>(
        `/webhooks/${outcome.webhookId}/deliveries?limit=500`,
        MANAGER,
      );
      expect(
        log.body.attempts.filter((a) => a.outcome === 'aborted').map((a) => a.eventId),
      ).toEqual([outcome.hungOn]);
    } finally {
      await outcome?.second.stop();
      await outcome?.receiver.close();
      dir.remove();
    }
  });

  it('given a server process killed with SIGKILL while the receiver hangs, the next server continues after the last checkpoint: every event at least once, in order, none skipped', async () => {
    const dir = tempDir('onrecord-webhooks-kill-');
    let child: ApiProcess | null = null;
    let outcome: Awaited<ReturnType<typeof deliverAcrossRestart>> | null = null;
    try {
      outcome = await deliverAcrossRestart(dir.path, async () => {
        const running = await spawnApiProcess(
          { ...DELIVERY_ENV, ONRECORD_DATA_DIR: dir.path, ONRECORD_BOOTSTRAP_KEY: MANAGER },
          20_000,
        );
        child = running;
        return { baseUrl: running.baseUrl, stop: running.kill };
      });
      expectEveryEventFromTheCheckpoint(outcome.events, outcome.receiver, outcome.checkpoint);
    } finally {
      await (child as ApiProcess | null)?.kill();
      await outcome?.second.stop();
      await outcome?.receiver.close();
      dir.remove();
    }
  }, 40_000);
});
