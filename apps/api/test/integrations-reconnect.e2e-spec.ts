import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pino } from 'pino';
import { CloudEvent } from 'cloudevents';
import {
  EventStore,
  type StoredEvent,
  formatPosition,
  openEventStore,
} from '@onrecord/event-store';
import { type AppConfig, readAppConfig } from '@onrecord/platform';
import { createApp } from '../src/create-app.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { httpClient } from '../../../test/support/http-client.js';
import {
  openEventSource,
  record,
  waitFor,
} from '../../../libs/integrations/src/testing/integrations-test-kit.js';

const MANAGER = 'onr_reconnect-manager-key-000000000000';

/** The API on a given port and data directory, so a restart keeps both. */
async function startOn(
  dataDir: string,
  port: number,
): Promise<{ app: NestFastifyApplication; config: AppConfig; port: number }> {
  const config = readAppConfig({
    LOG_LEVEL: 'silent',
    ONRECORD_DATA_DIR: dataDir,
    ONRECORD_BOOTSTRAP_KEY: MANAGER,
    ONRECORD_SSE_RETRY_MS: '50',
  });
  const app = await createApp(config, { logger: pino({ level: 'silent' }), docsUi: false });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  return { app, config, port: typeof address === 'object' && address ? address.port : port };
}

describe('integrations: a real EventSource resumes across a server restart', () => {
  const dir = tempDir('onrecord-reconnect-');
  let running: NestFastifyApplication | null = null;

  afterAll(async () => {
    await running?.close();
    dir.remove();
  });

  it('given a client that received 5 events, when the server restarts and 4 more are recorded meanwhile, then it reconnects with Last-Event-ID and gets exactly those 4', async () => {
    const first = await startOn(dir.path, 0);
    running = first.app;
    const http = httpClient(`http://127.0.0.1:${first.port}`);
    const key = (
      await http.post<{ key: string }>('/actors', MANAGER, {
        id: 'erp-sync',
        name: 'ERP',
        role: 'integration',
      })
    ).body.key;
    const store = first.app.get(EventStore);
    const events: StoredEvent[] = await record(
      store,
      'acme',
      'PromiseMade',
      'QuoteIssued',
      'OrderPlaced',
    );

    const client = openEventSource(
      `http://127.0.0.1:${first.port}/subscriptions/events?from=start`,
      key,
    );
    try {
      await waitFor('the history', () => client.events().length === 3);
      events.push(...(await record(store, 'acme', 'ShipmentRecorded', 'OrderDelivered')));
      await waitFor('the live events', () => client.events().length === 5);

      // Shutting down ends the open stream instead of waiting for the client to leave.
      const stopped = Date.now();
      await first.app.close();
      running = null;
      expect(Date.now() - stopped).toBeLessThan(3_000);

      // While the server is down, others record on the same data.
      const offline = openEventStore(first.config.store);
      events.push(...(await record(offline, 'acme', 'InvoiceIssued', 'PaymentReceived')));
      events.push(...(await record(offline, 'globex', 'AccountOpened', 'PromiseMade')));
      await offline.close();

      const second = await startOn(dir.path, first.port);
      running = second.app;
      await waitFor('the events recorded while it was away', () => client.events().length === 9);

      const received = client
        .events()
        .map((m) => new CloudEvent<Record<string, unknown>>(JSON.parse(m.data)));
      expect(received.map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect(client.events().map((m) => m.lastEventId)).toEqual(
        events.map((e) => formatPosition(e.position)),
      );
      // Every reconnection carried the id of the fifth event, the last one it had.
      const resumes = client.sentLastEventIds.slice(1);
      expect(resumes.length).toBeGreaterThan(0);
      expect(new Set(resumes)).toEqual(new Set([formatPosition(events[4]!.position)]));
      expect(client.messages.filter((m) => m.type === 'caught-up')).toHaveLength(2);
    } finally {
      client.close();
    }
  });
});
