import { connect } from 'node:net';
import { CloudEvent } from 'cloudevents';
import { EventStore, type StoredEvent, formatPosition } from '@onrecord/event-store';
import { type RunningApi, startApi } from '../../../test/support/api-harness.js';
import { httpClient } from '../../../test/support/http-client.js';
import {
  accountEvent,
  openEventSource,
  record,
  waitFor,
} from '../../../libs/integrations/src/testing/integrations-test-kit.js';

const MANAGER = 'onr_integrations-manager-key-000000000';

/** Test timings: fast heartbeats and reconnects, and a short stall timeout. */
const ENV = {
  ONRECORD_SSE_HEARTBEAT_MS: '100',
  ONRECORD_SSE_RETRY_MS: '50',
  ONRECORD_SSE_STALL_TIMEOUT_MS: '1500',
  ONRECORD_CLOUDEVENTS_SOURCE: 'https://onrecord.test/ledger',
};

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ field: string; messages: string[] }>;
  allowed?: { categories?: string[] } | string[];
}

describe('integrations: the live event stream (real server, EventSource, CloudEvents SDK)', () => {
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  let store: EventStore;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({ ONRECORD_BOOTSTRAP_KEY: MANAGER, ...ENV });
    http = httpClient(api.baseUrl);
    store = api.app.get(EventStore);
    for (const [id, role] of [
      ['erp-sync', 'integration'],
      ['audrey', 'auditor'],
      ['sam-sales', 'sales'],
    ] as const) {
      keys[id] = (
        await http.post<{ key: string }>('/actors', MANAGER, { id, name: id, role })
      ).body.key;
    }
  });
  afterAll(async () => {
    await api.stop();
  });

  const url = (query: string) => `${api.baseUrl}/subscriptions/events${query}`;

  it('given history, streams it as CloudEvents, marks the switch once, then streams live events with no gap or duplicate', async () => {
    const history = await record(store, 'acme', 'PromiseMade', 'QuoteIssued');
    const client = openEventSource(url('?from=start&account=acme'), keys['erp-sync']!);
    try {
      await waitFor('the history and the caught-up marker', () =>
        client.messages.some((m) => m.type === 'caught-up'),
      );
      const live = await record(store, 'acme', 'PromiseKept', 'InvoiceIssued');
      await waitFor('the live events', () => client.events().length === 4);

      expect(client.messages.map((m) => m.type)).toEqual([
        'message',
        'message',
        'caught-up',
        'message',
        'message',
      ]);
      const all = [...history, ...live];
      const received = client
        .events()
        .map((m) => new CloudEvent<Record<string, unknown>>(JSON.parse(m.data)));
      expect(received.map((e) => e.id)).toEqual(all.map((e) => e.id));
      expect(client.events().map((m) => m.lastEventId)).toEqual(
        all.map((e) => formatPosition(e.position)),
      );
      const first = received[0]!;
      const stored = history[0]!;
      expect(first).toMatchObject({
        specversion: '1.0',
        id: stored.id,
        source: 'https://onrecord.test/ledger',
        type: 'com.onrecord.account.PromiseMade.v1',
        subject: 'acme',
        time: stored.recordedAt,
        datacontenttype: 'application/json',
        data: stored.data,
        position: formatPosition(stored.position),
        sequence: '0000000000000000',
        actorid: 'sam-sales',
        actorrole: 'sales',
        channel: 'phone',
        eventhash: stored.hash,
      });
      expect(received.map((e) => e['sequence'])).toEqual([
        '0000000000000000',
        '0000000000000001',
        '0000000000000002',
        '0000000000000003',
      ]);
    } finally {
      client.close();
    }
  });

  it('filters by account, event type and category, and leaves out streams that are not published (actors)', async () => {
    const acme = await record(
      store,
      'filter-acme',
      'PromiseMade',
      'OrderPlaced',
      'PromiseBroken',
      'ClaimChecked',
    );
    const other = await record(store, 'filter-other', 'PromiseMade');
    await store.appendToStream('actor-not-published', [accountEvent('ActorRegistered')]);

    const read = async (query: string, expected: number): Promise<string[]> => {
      const client = openEventSource(url(query), keys['audrey']!);
      try {
        await waitFor(`caught-up for ${query}`, () =>
          client.messages.some((m) => m.type === 'caught-up'),
        );
        expect(client.events()).toHaveLength(expected);
        return client.events().map((m) => (JSON.parse(m.data) as { id: string }).id);
      } finally {
        client.close();
      }
    };

    expect(await read('?from=start&account=filter-acme&category=promises', 2)).toEqual([
      acme[0]!.id,
      acme[2]!.id,
    ]);
    expect(await read('?from=start&account=filter-acme,filter-other&type=PromiseMade', 2)).toEqual([
      acme[0]!.id,
      other[0]!.id,
    ]);
    expect(
      await read(
        '?from=start&account=filter-acme&account=filter-other&category=orders&category=claims',
        2,
      ),
    ).toEqual([acme[1]!.id, acme[3]!.id]);
    // `filter-acme` is a prefix of nothing else here, but `filter` would be of both: ids match exactly.
    expect(await read('?from=start&account=filter', 0)).toEqual([]);
    const everything = await read('?from=start', await publishedCount());
    expect(everything).toEqual(expect.arrayContaining([...acme, ...other].map((e) => e.id)));
  });

  async function publishedCount(): Promise<number> {
    const events: StoredEvent[] = await store.readAll({ maxCount: 10_000 });
    return events.filter((e) => e.streamId.startsWith('account-') || e.streamId === 'policy')
      .length;
  }

  it('refuses bad input with problem+json before streaming anything', async () => {
    const get = (query: string, headers: Record<string, string> = {}) =>
      http.get<Problem>(`/subscriptions/events${query}`, keys['erp-sync']!, headers);

    const category = await get('?category=promises,gossip');
    expect(category.status).toBe(400);
    expect(category.headers.get('content-type')).toMatch(/problem\+json/);
    expect(category.body.code).toBe('invalid-filter');
    expect(category.body.errors?.[0]?.field).toBe('category');
    expect((category.body.allowed as { categories: string[] }).categories).toContain(
      'special-situations',
    );

    const parameter = await get('?acount=acme');
    expect([parameter.status, parameter.body.code]).toEqual([400, 'unknown-parameter']);

    const type = await get('?type=promise-made');
    expect([type.status, type.body.code]).toEqual([400, 'invalid-filter']);

    const from = await get('?from=yesterday');
    expect([from.status, from.body.code]).toEqual([400, 'invalid-position']);

    const malformed = await get('?from=start', { 'last-event-id': 'abc' });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'invalid-last-event-id']);

    const beyond = await get('', { 'last-event-id': '999999999' });
    expect([beyond.status, beyond.body.code]).toEqual([400, 'position-beyond-head']);

    expect((await http.get('/subscriptions/events', keys['sam-sales']!)).status).toBe(403);
    expect((await http.get('/subscriptions/events', null)).status).toBe(401);
  });

  it('a malformed Last-Event-ID makes a real EventSource fail for good, rather than restart from zero', async () => {
    await record(store, 'resume-check', 'PromiseMade');
    const client = openEventSource(url('?from=start'), keys['erp-sync']!, {
      'Last-Event-ID': '12;drop',
    });
    try {
      await waitFor(
        'the EventSource to give up',
        () => client.source.readyState === client.source.CLOSED,
      );
      expect(client.errors).toEqual([expect.objectContaining({ code: 400 })]);
      expect(client.messages).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('an integration key can read but never write', async () => {
    const key = keys['erp-sync']!;
    const account = await http.post('/accounts', key, {
      channel: 'portal',
      accountId: 'sneaky',
      name: 'Sneaky',
      ownerId: 'sam-sales',
      serviceRepIds: [],
      segment: 'x',
    });
    expect(account.status).toBe(403);
    expect((await http.post('/webhooks', key, { url: 'http://127.0.0.1:1/x' })).status).toBe(403);
    expect((await http.post('/actors', key, { name: 'x', role: 'manager' })).status).toBe(403);
    expect((await store.readStream('account-sneaky')).length).toBe(0);
  });

  it('sends heartbeat comments while there is nothing to send', async () => {
    const response = await fetch(url('?from=now'), {
      headers: { authorization: `Bearer ${keys['erp-sync']!}` },
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    try {
      await waitFor(
        'two heartbeats',
        async () => {
          const { value } = await reader.read();
          text += Buffer.from(value ?? new Uint8Array()).toString('utf8');
          return (text.match(/^: heartbeat$/gm) ?? []).length >= 2;
        },
        3_000,
      );
    } finally {
      await reader.cancel();
    }
    expect(text.startsWith('retry: 50\n')).toBe(true);
  });

  it('a client that stops reading stalls only its own stream, holds bounded memory, and is cut off after the stall timeout', async () => {
    const key = keys['erp-sync']!;
    const { hostname, port } = new URL(api.baseUrl);
    // A raw client that sends the request and then never reads a byte.
    const stalled = connect({ host: hostname, port: Number(port) });
    stalled.pause();
    const closed = new Promise<void>((resolve) => stalled.on('close', () => resolve()));
    const payload = 'x'.repeat(200 * 1024);
    const count = 120;
    stalled.write(
      `GET /subscriptions/events?from=now&account=bulky HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${key}\r\n\r\n`,
    );
    const reading = openEventSource(url('?from=now&account=bulky'), key);
    try {
      await waitFor('both streams open', async () => {
        const streams = await http.get<Array<{ filter: { accounts: string[] } }>>(
          '/subscriptions/streams',
          MANAGER,
        );
        return streams.body.filter((s) => s.filter.accounts.includes('bulky')).length === 2;
      });
      type StreamView = {
        delivered: number;
        bufferedBytes: number;
        blockedForMs: number | null;
        filter: { accounts: string[] };
      };
      // Watch the streams while writing: the stalled one should wait on its socket, not buffer the rest.
      let blockedSeen: StreamView | undefined;
      let writing = true;
      const watching = (async () => {
        while (writing && !blockedSeen) {
          const streams = await http.get<StreamView[]>('/subscriptions/streams', MANAGER);
          blockedSeen = streams.body.find(
            (s) => s.filter.accounts.includes('bulky') && s.blockedForMs !== null,
          );
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      // ~24 MB: far more than the kernel's socket buffers can absorb for the stalled client.
      for (let i = 0; i < count; i += 1) {
        await store.appendToStream('account-bulky', [accountEvent('PromiseMade', { i, payload })]);
      }
      const blocked = await waitFor('the stalled stream to wait on its client', () => blockedSeen);
      writing = false;
      await watching;
      expect(blocked.delivered).toBeLessThan(count);
      // At most about one frame (~200 KiB) beyond the socket's high-water mark is held for it.
      expect(blocked.bufferedBytes).toBeLessThan(2 * 210 * 1024);
      await waitFor(
        'the reading client to get every event',
        () => reading.events().length === count,
        15_000,
      );

      await waitFor(
        'the stall timeout to release the stalled stream',
        async () => {
          const after = await http.get<StreamView[]>('/subscriptions/streams', MANAGER);
          return after.body.filter((s) => s.filter.accounts.includes('bulky')).length === 1;
        },
        5_000,
      );
      // The connection was cut: reading now yields what was in flight, then the end, not all events.
      let received = 0;
      stalled.on('data', (chunk: Buffer) => (received += chunk.length));
      stalled.resume();
      await closed;
      expect(received).toBeGreaterThan(0);
      expect(received).toBeLessThan(count * payload.length);
    } finally {
      reading.close();
      stalled.destroy();
    }
  }, 30_000);
});
