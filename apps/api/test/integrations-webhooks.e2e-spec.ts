import { CloudEvent, HTTP } from 'cloudevents';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { EventStore, type StoredEvent, formatPosition } from '@onrecord/event-store';
import { type RunningApi, startApi } from '../../../test/support/api-harness.js';
import { httpClient } from '../../../test/support/http-client.js';
import {
  type ReceivedDelivery,
  TestReceiver,
  record,
  waitFor,
} from '../../../libs/integrations/src/testing/integrations-test-kit.js';

const MANAGER = 'onr_webhooks-manager-key-0000000000000';

/** Fast retries for tests: 20 ms doubling to 80 ms, pause after 3 failures, 300 ms per attempt. */
const ENV = {
  ONRECORD_WEBHOOK_BACKOFF_MIN_MS: '20',
  ONRECORD_WEBHOOK_BACKOFF_MAX_MS: '80',
  ONRECORD_WEBHOOK_PAUSE_AFTER: '3',
  ONRECORD_WEBHOOK_TIMEOUT_MS: '300',
};

interface Registered {
  id: string;
  url: string;
  secret: string;
  status: string;
  deliveredUpTo: string | null;
  filter: { accounts: string[]; types: string[]; categories: string[] };
}
interface WebhookView {
  id: string;
  status: 'active' | 'paused';
  pausedReason: string | null;
  deliveredUpTo: string | null;
  deliveredCount: number;
  consecutiveFailures: number;
}
interface Attempt {
  eventId: string;
  position: string;
  attempt: number;
  statusCode: number | null;
  outcome: string;
  error: string | null;
  nextAttemptAt: string | null;
}
interface Deliveries {
  webhook: WebhookView;
  delivering: boolean;
  answeredBy: { replica: string; leading: boolean };
  attemptsLog: string;
  pending: { eventId: string; failedAttempts: number; nextAttemptAt: string | null } | null;
  attempts: Attempt[];
}
interface Problem {
  code: string;
  errors?: Array<{ field: string }>;
}

describe('integrations: webhooks (real server, local receiver, Standard Webhooks verifier, CloudEvents SDK)', () => {
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  let store: EventStore;
  let receiver: TestReceiver;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({ ONRECORD_BOOTSTRAP_KEY: MANAGER, ...ENV });
    http = httpClient(api.baseUrl);
    store = api.app.get(EventStore);
    receiver = await TestReceiver.start();
    for (const [id, role] of [
      ['erp-sync', 'integration'],
      ['audrey', 'auditor'],
    ] as const) {
      keys[id] = (
        await http.post<{ key: string }>('/actors', MANAGER, { id, name: id, role })
      ).body.key;
    }
  });
  afterAll(async () => {
    await api.stop();
    await receiver.close();
  });
  afterEach(() => {
    receiver.behaviour = () => 204;
  });

  const register = async (body: Record<string, unknown>): Promise<Registered> => {
    const response = await http.post<Registered>('/webhooks', MANAGER, {
      url: receiver.url,
      ...body,
    });
    expect(response.status).toBe(201);
    return response.body;
  };
  const forAccount = (account: string) => (d: ReceivedDelivery) =>
    (JSON.parse(d.body) as { subject?: string }).subject === account;

  it('registers a webhook for a manager, shows the secret once, and refuses bad targets and filters', async () => {
    const created = await http.post<Registered>('/webhooks', MANAGER, {
      url: receiver.url,
      description: 'ERP order sync',
      filter: { accounts: ['reg-acme'], categories: ['orders', 'billing'] },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/webhooks/${created.body.id}`);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body).toMatchObject({
      status: 'active',
      filter: { accounts: ['reg-acme'], types: [], categories: ['orders', 'billing'] },
    });

    // On the record, sealed: one event in the `webhooks` stream, and the secret nowhere in the log.
    const registration = (await store.readStream('webhooks')).filter(
      (e) => e.data['webhookId'] === created.body.id,
    );
    expect(registration.map((e) => e.type)).toEqual(['WebhookRegistered']);
    expect(registration[0]!.data['secret']).toMatchObject({ alg: 'A256GCM' });
    expect(registration[0]!.metadata.actor).toEqual({ id: 'bootstrap-manager', role: 'manager' });
    const secretBytes = created.body.secret.slice('whsec_'.length);
    const everything = (await store.readAll({ maxCount: 1000 })).map((e) => [e.data, e.metadata]);
    expect(JSON.stringify(everything)).not.toContain(secretBytes);

    const listed = await http.get<WebhookView[]>('/webhooks', keys['audrey']!);
    expect(listed.status).toBe(200);
    expect(listed.body.map((w) => w.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(
      JSON.stringify((await http.get(`/webhooks/${created.body.id}`, MANAGER)).body),
    ).not.toContain('whsec_');

    const refused = async (body: Record<string, unknown>, key = MANAGER) =>
      http.post<Problem>('/webhooks', key, { url: receiver.url, ...body });
    expect((await refused({ url: 'ftp://127.0.0.1/drop' })).body.code).toBe('invalid-webhook');
    expect((await refused({ url: 'javascript:alert(1)' })).body.code).toBe('invalid-webhook');
    expect((await refused({ url: 'http://user:pw@127.0.0.1/x' })).body.code).toBe(
      'invalid-webhook',
    );
    expect((await refused({ url: '/relative' })).status).toBe(400);
    expect((await refused({ filter: { categories: ['gossip'] } })).body).toMatchObject({
      code: 'invalid-filter',
      errors: [{ field: 'filter.categories' }],
    });
    expect((await refused({ filter: { accounts: ['not an id'] } })).body.code).toBe(
      'invalid-filter',
    );
    expect((await refused({ filter: { account: ['x'] } })).body.code).toBe('validation-failed');
    expect((await refused({ secret: 'hunter2' })).body.code).toBe('invalid-webhook');
    expect((await refused({ from: 'yesterday' })).body.code).toBe('invalid-position');
    expect((await refused({ from: '999999999' })).body.code).toBe('position-beyond-head');
    expect((await refused({}, keys['erp-sync'])).status).toBe(403);
    expect((await refused({}, keys['audrey'])).status).toBe(403);

    expect((await http.delete(`/webhooks/${created.body.id}`, keys['erp-sync']!)).status).toBe(403);
    expect((await http.delete(`/webhooks/${created.body.id}`, MANAGER)).status).toBe(204);
    expect((await http.get<Problem>(`/webhooks/${created.body.id}`, MANAGER)).body.code).toBe(
      'webhook-not-found',
    );
    expect((await http.delete(`/webhooks/${created.body.id}`, MANAGER)).status).toBe(404);
    expect((await http.get('/webhooks/not-a-uuid', MANAGER)).status).toBe(400);
  });

  it('delivers matching events signed per Standard Webhooks, as CloudEvents, in order per account', async () => {
    const secret = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    const webhook = await register({
      secret,
      filter: { accounts: ['wh-acme', 'wh-globex'], categories: ['promises', 'orders'] },
    });
    const expected: StoredEvent[] = [];
    for (let round = 0; round < 3; round += 1) {
      const [acmePromise, , acmeOrder] = await record(
        store,
        'wh-acme',
        'PromiseMade',
        'InvoiceIssued',
        'OrderPlaced',
      );
      const [globexPromise] = await record(store, 'wh-globex', 'PromiseKept');
      await record(store, 'wh-elsewhere', 'PromiseMade');
      expected.push(acmePromise!, acmeOrder!, globexPromise!);
    }
    expected.sort((a, b) => Number(a.position.commit - b.position.commit));

    await waitFor('every matching event', () => receiver.acknowledged().length >= expected.length);
    const mine = receiver.deliveries.filter(
      (d) => forAccount('wh-acme')(d) || forAccount('wh-globex')(d),
    );
    expect(mine.map((d) => d.eventId)).toEqual(expected.map((e) => e.id));

    const verifier = new StandardWebhook(secret);
    for (const delivery of mine) {
      expect(() => verifier.verify(delivery.body, delivery.headers)).not.toThrow();
      expect(delivery.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
      const event = HTTP.toEvent<Record<string, unknown>>({
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(event).toBeInstanceOf(CloudEvent);
      expect((event as CloudEvent).id).toBe(delivery.headers['webhook-id']);
    }
    const first = mine[0]!;
    expect(HTTP.toEvent({ headers: first.headers, body: first.body })).toMatchObject({
      type: 'com.onrecord.account.PromiseMade.v1',
      subject: 'wh-acme',
      data: expected[0]!.data,
      position: formatPosition(expected[0]!.position),
    });
    // The verifier is real: a changed byte fails it.
    expect(() =>
      verifier.verify(first.body.replace('wh-acme', 'wh-acmf'), first.headers),
    ).toThrow();

    const deliveries = await http.get<Deliveries>(
      `/webhooks/${webhook.id}/deliveries`,
      keys['audrey']!,
    );
    expect(deliveries.body.webhook).toMatchObject({
      status: 'active',
      deliveredCount: expected.length,
      deliveredUpTo: formatPosition(expected.at(-1)!.position),
    });
    expect(
      deliveries.body.attempts.every((a) => a.outcome === 'delivered' && a.statusCode === 204),
    ).toBe(true);
    expect(deliveries.body.pending).toBeNull();
    expect(deliveries.body).toMatchObject({
      delivering: true,
      answeredBy: { leading: true },
      attemptsLog: 'this-replica',
    });
    await http.delete(`/webhooks/${webhook.id}`, MANAGER);
  });

  it('retries a receiver that answers 500 or times out, with growing delays, and still delivers in order', async () => {
    // The receiver fails the promise twice, and leaves the first try of the kept promise hanging.
    receiver.behaviour = (d) => {
      const { type } = JSON.parse(d.body) as { type: string };
      if (type.includes('.PromiseMade.')) return d.attempt <= 2 ? 500 : 200;
      if (type.includes('.PromiseKept.')) return d.attempt === 1 ? 'hang' : 200;
      return 204;
    };
    const webhook = await register({ filter: { accounts: ['wh-retry'] } });
    const [flaky, slow] = await record(store, 'wh-retry', 'PromiseMade', 'PromiseKept');

    await waitFor('both events acknowledged', () =>
      [flaky!.id, slow!.id].every((id) => receiver.acknowledged().includes(id)),
    );
    const seen = receiver.deliveries.filter(forAccount('wh-retry'));
    expect(seen.map((d) => [d.eventId, d.status])).toEqual([
      [flaky!.id, 500],
      [flaky!.id, 500],
      [flaky!.id, 200],
      [slow!.id, null],
      [slow!.id, 200],
    ]);
    const gaps = [
      seen[1]!.receivedAt - seen[0]!.receivedAt,
      seen[2]!.receivedAt - seen[1]!.receivedAt,
    ];
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);

    const log = await http.get<Deliveries>(`/webhooks/${webhook.id}/deliveries`, MANAGER);
    const attempts = [...log.body.attempts].reverse();
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [1, 500, 'failed'],
      [2, 500, 'failed'],
      [3, 200, 'delivered'],
      [1, null, 'failed'],
      [2, 200, 'delivered'],
    ]);
    expect(attempts[0]!.error).toBe('HTTP 500');
    expect(attempts[0]!.nextAttemptAt).not.toBeNull();
    expect(attempts[3]!.error).toMatch(/^timeout/);
    expect(log.body.webhook).toMatchObject({ status: 'active', consecutiveFailures: 0 });
    expect((await http.get('/health', null)).status).toBe(200);
    await http.delete(`/webhooks/${webhook.id}`, MANAGER);
  });

  it('pauses after 3 consecutive failures, lets later events wait, and delivers them all in order when resumed', async () => {
    receiver.behaviour = () => 503;
    const webhook = await register({ filter: { accounts: ['wh-pause', 'wh-pause-2'] } });
    const first = await record(store, 'wh-pause', 'PromiseMade', 'PromiseKept', 'QuoteIssued');
    first.push(...(await record(store, 'wh-pause-2', 'PromiseMade')));

    const paused = await waitFor('the webhook to pause', async () => {
      const view = await http.get<WebhookView>(`/webhooks/${webhook.id}`, MANAGER);
      return view.body.status === 'paused' ? view.body : null;
    });
    expect(paused.pausedReason).toMatch(/^3 consecutive failed attempts on the event at /);
    expect(paused.deliveredUpTo).toBe(webhook.deliveredUpTo);
    const tried = receiver.deliveries.filter(
      (d) => forAccount('wh-pause')(d) || forAccount('wh-pause-2')(d),
    );
    expect(tried.map((d) => d.eventId)).toEqual([first[0]!.id, first[0]!.id, first[0]!.id]);

    const later = await record(store, 'wh-pause', 'PromiseBroken');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(receiver.deliveries.filter(forAccount('wh-pause'))).toHaveLength(3);
    const log = await http.get<Deliveries>(`/webhooks/${webhook.id}/deliveries`, MANAGER);
    expect(log.body.pending).toMatchObject({
      eventId: first[0]!.id,
      failedAttempts: 3,
      nextAttemptAt: null,
    });

    receiver.behaviour = () => 200;
    const resumed = await http.post<WebhookView>(`/webhooks/${webhook.id}/resume`, MANAGER, {});
    expect(resumed.status).toBe(200);
    const all = [...first, ...later].sort((a, b) => Number(a.position.commit - b.position.commit));
    await waitFor('every waiting event', () =>
      all.every((e) => receiver.acknowledged().includes(e.id)),
    );
    expect(receiver.acknowledged().filter((id) => all.some((e) => e.id === id))).toEqual(
      all.map((e) => e.id),
    );
    await http.delete(`/webhooks/${webhook.id}`, MANAGER);
  });

  it('replays from a position (the events after it) or from the start, and refuses other starting points', async () => {
    const events = await record(
      store,
      'wh-replay',
      'PromiseMade',
      'PromiseKept',
      'OrderPlaced',
      'OrderDelivered',
    );
    const webhook = await register({ from: 'start', filter: { accounts: ['wh-replay'] } });
    await waitFor('the first delivery of all four', () =>
      events.every((e) => receiver.acknowledged().includes(e.id)),
    );
    const count = () => receiver.deliveries.filter(forAccount('wh-replay')).length;
    expect(count()).toBe(4);

    const replayed = await http.post<WebhookView>(`/webhooks/${webhook.id}/replay`, MANAGER, {
      from: formatPosition(events[1]!.position),
    });
    expect(replayed.body).toMatchObject({
      status: 'active',
      deliveredUpTo: formatPosition(events[1]!.position),
    });
    await waitFor('the events after the position again', () => count() === 6);
    await http.post(`/webhooks/${webhook.id}/replay`, MANAGER, { from: 'start' });
    await waitFor('everything again', () => count() === 10);
    expect(receiver.deliveries.filter(forAccount('wh-replay')).map((d) => d.eventId)).toEqual(
      [...events, events[2]!, events[3]!, ...events].map((e) => e.id),
    );

    for (const from of ['now', 'soon', '99999999']) {
      const bad = await http.post<Problem>(`/webhooks/${webhook.id}/replay`, MANAGER, { from });
      expect(bad.status).toBe(400);
    }
    expect(
      (await http.post(`/webhooks/${webhook.id}/replay`, keys['erp-sync']!, { from: 'start' }))
        .status,
    ).toBe(403);
    await http.delete(`/webhooks/${webhook.id}`, MANAGER);
  });

  it('deleting a webhook mid-delivery aborts the attempt and delivers nothing more', async () => {
    receiver.behaviour = () => 'hang';
    const webhook = await register({ filter: { accounts: ['wh-delete'] } });
    await record(store, 'wh-delete', 'PromiseMade', 'PromiseKept');
    await waitFor('a hanging delivery', () => receiver.deliveries.some(forAccount('wh-delete')));
    expect((await http.delete(`/webhooks/${webhook.id}`, MANAGER)).status).toBe(204);
    receiver.behaviour = () => 204;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.deliveries.filter(forAccount('wh-delete'))).toHaveLength(1);
  });
});

describe('integrations: a replica that is not the background worker (ONRECORD_WORKER=false)', () => {
  it('accepts registrations but delivers nothing, so that only the worker replica sends', async () => {
    const receiver = await TestReceiver.start();
    const api = await startApi({ ONRECORD_BOOTSTRAP_KEY: MANAGER, ONRECORD_WORKER: 'false' });
    try {
      const http = httpClient(api.baseUrl);
      const registered = await http.post<Registered>('/webhooks', MANAGER, { url: receiver.url });
      expect(registered.status).toBe(201);
      await record(api.app.get(EventStore), 'no-worker', 'PromiseMade');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(receiver.deliveries).toEqual([]);
      const log = await http.get<Deliveries>(`/webhooks/${registered.body.id}/deliveries`, MANAGER);
      expect(log.body).toMatchObject({ delivering: false, answeredBy: { leading: false } });
    } finally {
      await api.stop();
      await receiver.close();
    }
  });
});
