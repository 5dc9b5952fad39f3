import { EventStore, type StoredEvent, formatPosition } from '@onrecord/event-store';
import { BackgroundWorkLeader } from '@onrecord/platform';
import {
  type BackingStore,
  type RunningApi,
  openBackingStore,
  startApi,
} from '../../../test/support/api-harness.js';
import { type ApiProcess, spawnApiProcess } from '../../../test/support/api-process.js';
import { httpClient } from '../../../test/support/http-client.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import {
  TestReceiver,
  accountEvent,
  record,
  waitFor,
} from '../../../libs/integrations/src/testing/integrations-test-kit.js';

const MANAGER = 'onr_scale-out-manager-key-000000000000';
const ACCOUNTS = ['north', 'south'];

/**
 * Both replicas compete for the background-work lease (3 s, renewed every
 * second); quick retries that never pause; a hanging attempt would time out
 * only after 5 s.
 */
const REPLICA_ENV = {
  ONRECORD_BOOTSTRAP_KEY: MANAGER,
  ONRECORD_WORKER: 'lease',
  ONRECORD_WORKER_LEASE_MS: '3000',
  ONRECORD_WEBHOOK_BACKOFF_MIN_MS: '10',
  ONRECORD_WEBHOOK_BACKOFF_MAX_MS: '50',
  ONRECORD_WEBHOOK_PAUSE_AFTER: '100',
  ONRECORD_WEBHOOK_TIMEOUT_MS: '5000',
};

interface WebhookView {
  id: string;
  deliveredUpTo: string | null;
  progressFrom: 'live' | 'checkpoint';
  checkpointedUpTo: string | null;
}
interface Deliveries {
  webhook: WebhookView;
  delivering: boolean;
  answeredBy: { replica: string; leading: boolean };
  attemptsLog: string;
  attempts: Array<{ eventId: string; outcome: string }>;
}

/** `count` events over the two accounts, one append each, as reps would record them. */
async function recordMany(store: EventStore, count: number, note: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const account = ACCOUNTS[i % ACCOUNTS.length]!;
    events.push(...(await record(store, account, accountEvent('PromiseMade', { note, i }))));
  }
  return events;
}

const at = (event: StoredEvent) => formatPosition(event.position);

/** The last progress checkpoint of a webhook in the shared store (undefined: none yet). */
async function lastCheckpoint(
  store: EventStore,
  webhookId: string,
): Promise<string | null | undefined> {
  const [last] = await store.readStream(`webhook-progress-${webhookId}`, {
    direction: 'backwards',
    fromRevision: 'end',
    maxCount: 1,
  });
  return last ? (last.data['cursor'] as string | null) : undefined;
}

describe('integrations: webhooks across two API replicas on EventStoreDB (the protocol stand-in)', () => {
  let backing: BackingStore | null = null;
  let receiver: TestReceiver | null = null;
  const running: RunningApi[] = [];

  afterEach(async () => {
    for (const api of running.splice(0)) await api.stop();
    await receiver?.close();
    receiver = null;
    await backing?.dispose();
    backing = null;
  });

  it('given replica A holds the lease, a webhook registered through replica B is delivered by A; when A stops, B takes the lease over and delivers the rest from where A checkpointed, each event once, in order', async () => {
    backing = await openBackingStore('esdb');
    const env = { ...REPLICA_ENV, ...backing.env, ONRECORD_WEBHOOK_CHECKPOINT_MS: '100' };
    const a = await startApi({ ...env, ONRECORD_WORKER_ID: 'api-a' });
    running.push(a);
    const b = await startApi({ ...env, ONRECORD_WORKER_ID: 'api-b' });
    running.push(b);
    expect(a.app.get(BackgroundWorkLeader).isLeader()).toBe(true);
    expect(b.app.get(BackgroundWorkLeader).isLeader()).toBe(false);
    const [onA, onB] = [httpClient(a.baseUrl), httpClient(b.baseUrl)];

    const store = b.app.get(EventStore);
    const events = await recordMany(store, 10, 'before');
    const hungOn = events[6]!.id;
    receiver = await TestReceiver.start((d) =>
      d.eventId === hungOn && d.attempt === 1 ? 'hang' : 204,
    );

    const registered = await onB.post<{ id: string }>('/webhooks', MANAGER, {
      url: receiver.url,
      from: 'start',
      filter: { accounts: ACCOUNTS },
    });
    expect(registered.status).toBe(201);
    const id = registered.body.id;
    // Read-your-writes on B, and A sees it as well: one registry for both.
    expect((await onB.get(`/webhooks/${id}`, MANAGER)).status).toBe(200);
    expect((await onA.get<WebhookView[]>('/webhooks', MANAGER)).body.map((w) => w.id)).toEqual([
      id,
    ]);

    // A, the lease holder, delivers: six acknowledged, the seventh hangs.
    await waitFor('A to deliver up to the hanging event', () => receiver!.hangingCount === 1);
    expect(receiver.acknowledged()).toEqual(events.slice(0, 6).map((e) => e.id));
    expect((await onA.get<Deliveries>(`/webhooks/${id}/deliveries`, MANAGER)).body).toMatchObject({
      delivering: true,
      answeredBy: { leading: true },
      webhook: { progressFrom: 'live', deliveredUpTo: at(events[5]!) },
    });
    // B shows A's progress as A checkpointed it, and says its own attempts log is empty.
    const seenOnB = await waitFor('B to show A’s checkpoint', async () => {
      const view = await onB.get<Deliveries>(`/webhooks/${id}/deliveries`, MANAGER);
      return view.body.webhook.deliveredUpTo === at(events[5]!) ? view.body : null;
    });
    expect(seenOnB).toMatchObject({
      delivering: false,
      answeredBy: { leading: false },
      attemptsLog: 'this-replica',
      attempts: [],
      webhook: { progressFrom: 'checkpoint', checkpointedUpTo: at(events[5]!) },
    });
    expect(seenOnB.answeredBy.replica).toMatch(/^api-b-/);

    // A rolling restart: A stops (aborting the hanging attempt, checkpointing, releasing the lease).
    await a.stop();
    running.splice(running.indexOf(a), 1);
    expect(await lastCheckpoint(store, id)).toBe(at(events[5]!));
    events.push(...(await recordMany(store, 3, 'after')));

    await waitFor('B to take the lease over', () => b.app.get(BackgroundWorkLeader).isLeader());
    await waitFor('every event acknowledged', () =>
      events.every((e) => receiver!.acknowledged().includes(e.id)),
    );
    expect(receiver.acknowledged()).toEqual(events.map((e) => e.id));
    expect(receiver.deliveries.filter((d) => d.eventId === hungOn).map((d) => d.status)).toEqual([
      null,
      204,
    ]);
    const afterOnB = await onB.get<Deliveries>(`/webhooks/${id}/deliveries?limit=500`, MANAGER);
    expect(afterOnB.body).toMatchObject({ delivering: true, answeredBy: { leading: true } });
    expect(afterOnB.body.attempts.at(-1)!.eventId).toBe(hungOn);
  });

  it('given the lease holder is killed (SIGKILL) mid-delivery, the other replica takes over once the lease runs out and continues after the last checkpoint: every event at least once, in order, none skipped', async () => {
    backing = await openBackingStore('esdb');
    const env = { ...REPLICA_ENV, ...backing.env };
    const dataDir = tempDir('onrecord-scale-out-a-');
    let child: ApiProcess | null = null;
    try {
      // Replica A in its own process, checkpointing at most once a second.
      child = await spawnApiProcess({
        ...env,
        ONRECORD_WORKER_ID: 'api-a',
        ONRECORD_WEBHOOK_CHECKPOINT_MS: '1000',
        ONRECORD_DATA_DIR: dataDir.path,
      });
      const b = await startApi({ ...env, ONRECORD_WORKER_ID: 'api-b' });
      running.push(b);
      expect(b.app.get(BackgroundWorkLeader).isLeader()).toBe(false);
      const onB = httpClient(b.baseUrl);

      const store = b.app.get(EventStore);
      const events = await recordMany(store, 12, 'before');
      const hungOn = events[8]!.id;
      receiver = await TestReceiver.start((d) =>
        d.eventId === hungOn && d.attempt === 1 ? 'hang' : 200,
      );
      const registered = await onB.post<{ id: string }>('/webhooks', MANAGER, {
        url: receiver.url,
        from: 'start',
        filter: { accounts: ACCOUNTS },
      });
      expect(registered.status).toBe(201);
      const id = registered.body.id;

      await waitFor(
        'A to deliver up to the hanging event',
        () => receiver!.hangingCount === 1,
        10_000,
      );
      expect(receiver.acknowledged()).toEqual(events.slice(0, 8).map((e) => e.id));
      // A checkpointed its first delivery at once; the ones after wait for the interval.
      await waitFor(
        'a checkpoint from A',
        async () => (await lastCheckpoint(store, id)) !== undefined,
      );
      const view = await onB.get<Deliveries>(`/webhooks/${id}/deliveries`, MANAGER);
      expect(view.body).toMatchObject({ delivering: false, answeredBy: { leading: false } });

      await child.kill();
      const checkpoint = await lastCheckpoint(store, id);
      const resumedAt = events.findIndex((e) => at(e) === checkpoint) + 1;
      expect(resumedAt).toBeGreaterThanOrEqual(1);
      expect(resumedAt).toBeLessThanOrEqual(8);
      // Until B takes over, every replica shows that checkpoint: where delivery will continue.
      const before = await onB.get<WebhookView>(`/webhooks/${id}`, MANAGER);
      expect(before.body).toMatchObject({ progressFrom: 'checkpoint', deliveredUpTo: checkpoint });

      events.push(...(await recordMany(store, 3, 'after')));
      await waitFor(
        'B to take the lease over once it runs out',
        () => b.app.get(BackgroundWorkLeader).isLeader(),
        15_000,
      );
      await waitFor('every event acknowledged', () =>
        events.every((e) => receiver!.acknowledged().includes(e.id)),
      );
      const ids = events.map((e) => e.id);
      expect(receiver.acknowledged()).toEqual([...ids.slice(0, 8), ...ids.slice(resumedAt)]);
    } finally {
      await child?.kill();
      dataDir.remove();
    }
  }, 90_000);
});
