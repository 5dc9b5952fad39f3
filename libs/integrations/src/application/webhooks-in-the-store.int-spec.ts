import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { FixedClock } from '@onrecord/kernel';
import {
  type EventStore,
  InMemoryEventStore,
  SqliteEventStore,
  type StoredEvent,
} from '@onrecord/event-store';
import { Lease } from '@onrecord/platform';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { MATCH_EVERYTHING } from '../domain/event-filter.js';
import { WEBHOOK_REGISTRY_STREAM, type WebhookCommand } from '../domain/webhook-registry.js';
import { type WebhookProgress, webhookProgressStream } from '../domain/webhook-progress.js';
import { AesGcmSecretBox } from '../infrastructure/aes-gcm-secret-box.js';
import { record, waitFor } from '../testing/integrations-test-kit.js';
import { EventFeed, type FeedEvent } from './event-feed.service.js';
import { WebhookCheckpoints } from './webhook-checkpoints.js';
import { WebhookRegistry } from './webhook-registry.js';

const START = new Date('2026-03-02T09:00:00.000Z');
const MANAGER = { id: 'mia-manager', role: 'manager' };
const WORKER = { id: 'api-1', role: 'system' };
const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

/** Two replicas' stores over one backing store, as two API processes have them. */
interface Backing {
  readonly name: string;
  open(): EventStore;
  dispose(): Promise<void>;
}

const BACKINGS: ReadonlyArray<() => Backing> = [
  () => {
    // One store object: replicas in one process share it.
    const store = new InMemoryEventStore();
    return { name: 'in memory', open: () => store, dispose: () => store.close() };
  },
  () => {
    // Two connections to one file: two writers racing through SQLite's locking.
    const dir = tempDir('onrecord-webhooks-store-');
    const opened: SqliteEventStore[] = [];
    return {
      name: 'on SQLite (one connection per replica)',
      open: () => {
        const store = new SqliteEventStore({ file: join(dir.path, 'events.sqlite') });
        opened.push(store);
        return store;
      },
      dispose: async () => {
        for (const store of opened) await store.close();
        dir.remove();
      },
    };
  },
];

/** A replica: its store, its registry (with its own fold cache) and its checkpoints. */
function replica(store: EventStore, clock: FixedClock, intervalMs = 200) {
  return {
    store,
    registry: new WebhookRegistry(store, clock),
    checkpoints: new WebhookCheckpoints(store, clock, { intervalMs }),
  };
}

const box = new AesGcmSecretBox(Buffer.alloc(32, 1));

function registration(id: string): WebhookCommand {
  return {
    kind: 'register',
    webhookId: id,
    url: 'https://erp.example.com/hooks',
    description: null,
    filter: MATCH_EVERYTHING,
    secret: box.seal(id, SECRET),
    from: null,
    by: MANAGER.id,
    at: START.toISOString(),
  };
}

const progress = (cursor: string, deliveredCount: number): WebhookProgress => ({
  cursor,
  deliveredCount,
  consecutiveFailures: 0,
  nextAttemptAt: null,
});

beforeAll(() => {
  Logger.overrideLogger(false);
});

for (const makeBacking of BACKINGS) {
  const label = makeBacking().name;
  describe(`webhooks in the event store, ${label}`, () => {
    let backing: Backing;
    let clock: FixedClock;
    beforeEach(() => {
      backing = makeBacking();
      clock = new FixedClock(START);
    });
    afterEach(async () => {
      await backing.dispose();
    });

    it('given a webhook registered through replica B, replica A lists it at once and opens its secret with the shared key; the log holds it sealed', async () => {
      const a = replica(backing.open(), clock);
      const b = replica(backing.open(), clock);
      expect(await a.registry.list()).toEqual([]);

      await b.registry.decide(registration('w-1'), MANAGER);

      const seen = await a.registry.get('w-1');
      expect(seen).toMatchObject({ id: 'w-1', status: 'active', run: 1, createdBy: MANAGER.id });
      expect(new AesGcmSecretBox(Buffer.alloc(32, 1)).open('w-1', seen!.secret)).toBe(SECRET);
      const stored = await a.store.readStream(WEBHOOK_REGISTRY_STREAM);
      expect(stored.map((e) => [e.type, e.metadata.actor])).toEqual([
        ['WebhookRegistered', MANAGER],
      ]);
      expect(JSON.stringify(stored.map((e) => e.data))).not.toContain(SECRET.slice(6));

      await a.registry.decide({ kind: 'pause', webhookId: 'w-1', by: 'max', at: 'x' }, MANAGER);
      expect(await b.registry.get('w-1')).toMatchObject({
        status: 'paused',
        pausedReason: 'paused by max',
      });
    });

    it('given the delivering replica pauses run 1 for its failures while a manager replays on another replica, the replay wins: the stale pause is decided again on the new revision and dropped', async () => {
      const store = backing.open();
      const manager = replica(backing.open(), clock);
      await manager.registry.decide(registration('w-2'), MANAGER);
      // The worker's store lets the manager's replay land between the worker's read and its append.
      let interleaved = false;
      const append: EventStore['appendToStream'] = async (streamId, events, options) => {
        if (!interleaved && streamId === WEBHOOK_REGISTRY_STREAM) {
          interleaved = true;
          await manager.registry.decide(
            { kind: 'replay', webhookId: 'w-2', from: null, by: MANAGER.id, at: 'y' },
            MANAGER,
          );
        }
        return store.appendToStream(streamId, events, options);
      };
      const racing = new Proxy(store, {
        get: (target, property) => {
          if (property === 'appendToStream') return append;
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
        },
      });
      const worker = replica(racing, clock);

      const change = await worker.registry.decide(
        {
          kind: 'pause-after-failures',
          webhookId: 'w-2',
          run: 1,
          failures: 10,
          reason: '10 failures',
          at: 'z',
        },
        WORKER,
      );

      expect(interleaved).toBe(true);
      expect(change).toMatchObject({ recorded: false, webhook: { status: 'active', run: 2 } });
      expect((await store.readStream(WEBHOOK_REGISTRY_STREAM)).map((e) => e.type)).toEqual([
        'WebhookRegistered',
        'WebhookReplayed',
      ]);
    });

    it('given deliveries moving fast, the checkpointer writes the first at once and then at most one per interval, the latest progress; flush writes what is left', async () => {
      const a = replica(backing.open(), clock, 300);
      await a.registry.decide(registration('w-3'), MANAGER);
      const stored = await a.checkpoints.last('w-3');
      expect(stored).toEqual({ revision: -1, checkpoint: null });
      const checkpointer = a.checkpoints.checkpointer(
        { webhookId: 'w-3', run: 1, writer: 'api-1' },
        { revision: -1, progress: progress('0', 0), at: null },
      );
      const written = async () =>
        (await a.store.readStream(webhookProgressStream('w-3'))).map((e) => e.data['cursor']);

      for (let n = 1; n <= 20; n += 1) checkpointer.note(progress(String(n), n));
      await waitFor('the first checkpoint', async () => (await written()).length === 1);
      expect(await written()).toEqual(['20']);
      for (let n = 21; n <= 40; n += 1) checkpointer.note(progress(String(n), n));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await written()).toEqual(['20']);
      await waitFor('the next interval', async () => (await written()).length === 2, 2_000);
      expect(await written()).toEqual(['20', '40']);

      checkpointer.note(progress('41', 41));
      await checkpointer.flush();
      expect(await written()).toEqual(['20', '40', '41']);
      await checkpointer.flush();
      expect(await written()).toHaveLength(3);
      const last = await a.checkpoints.last('w-3');
      expect(last).toMatchObject({
        revision: 2,
        checkpoint: { webhookId: 'w-3', run: 1, cursor: '41', deliveredCount: 41 },
      });
      const [event] = await a.store.readStream(webhookProgressStream('w-3'), { maxCount: 1 });
      expect(event?.metadata.actor).toEqual({ id: 'api-1', role: 'system' });
    });

    it('given two replicas checkpointing one webhook from the same revision, the second is refused and fenced: it never moves the cursor again', async () => {
      const a = replica(backing.open(), clock);
      const b = replica(backing.open(), clock);
      const start = { revision: -1, progress: progress('0', 0), at: null };
      const leader = a.checkpoints.checkpointer({ webhookId: 'w-4', run: 1, writer: 'a' }, start);
      const stale = b.checkpoints.checkpointer({ webhookId: 'w-4', run: 1, writer: 'b' }, start);

      leader.note(progress('9', 9));
      await leader.flush();
      stale.note(progress('3', 3));
      await stale.flush();
      stale.note(progress('5', 5));
      await stale.flush();

      expect(stale.fenced).toMatch(/another writer/);
      expect(leader.fenced).toBeNull();
      const written = await a.store.readStream(webhookProgressStream('w-4'));
      expect(written.map((e) => [e.metadata.actor.id, e.data['cursor']])).toEqual([['a', '9']]);
    });

    it('never publishes webhook registrations, checkpoints or leases to integrations, so delivery cannot feed on itself', async () => {
      const store = backing.open();
      const a = replica(store, clock);
      await a.registry.decide(registration('w-5'), MANAGER);
      const checkpointer = a.checkpoints.checkpointer(
        { webhookId: 'w-5', run: 1, writer: 'api-1' },
        { revision: -1, progress: progress('0', 0), at: null },
      );
      checkpointer.note(progress('1', 1));
      await checkpointer.flush();
      await new Lease(store, clock, {
        name: 'background-work',
        holder: 'api-1',
        ttlMs: 30_000,
      }).tick();
      const [said] = await record(store, 'feed-acme', 'PromiseMade');

      const feed = new EventFeed(store, { source: 'urn:test' });
      const subscription = feed.subscribe(MATCH_EVERYTHING, { kind: 'start' });
      const published: FeedEvent[] = [];
      for await (const item of subscription) {
        if (item.kind === 'caught-up') break;
        published.push(item.feed);
      }
      await subscription.close();

      const all: StoredEvent[] = await store.readAll({ maxCount: 100 });
      expect(all.map((e) => e.streamId)).toEqual(
        expect.arrayContaining([
          WEBHOOK_REGISTRY_STREAM,
          webhookProgressStream('w-5'),
          'lease-background-work',
        ]),
      );
      expect(published.map((f) => f.event.id)).toEqual([said!.id]);
    });
  });
}
