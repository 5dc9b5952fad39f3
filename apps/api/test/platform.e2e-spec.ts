import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  E2E_STORES,
  type RunningApi,
  currentE2eStore,
  startApi,
} from '../../../test/support/api-harness.js';
import { tempDir } from '../../../test/support/temp-dir.js';

const store = currentE2eStore();

describe(`API platform (real server, ${E2E_STORES[store].label})`, () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.stop();
  });

  it('answers /health with liveness and the store readiness', async () => {
    const response = await fetch(`${api.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      store: { ready: true, kind: E2E_STORES[store].healthKind },
    });
  });

  it('answers an unknown route with an RFC 9457 problem', async () => {
    const response = await fetch(`${api.baseUrl}/no-such-thing`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({
      type: 'urn:onrecord:problem:not-found',
      status: 404,
      instance: '/no-such-thing',
    });
  });

  it('echoes a caller-supplied request id and makes one up otherwise', async () => {
    const given = await fetch(`${api.baseUrl}/health`, {
      headers: { 'x-request-id': 'desk-42.call-7' },
    });
    const made = await fetch(`${api.baseUrl}/health`);
    expect(given.headers.get('x-request-id')).toBe('desk-42.call-7');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document', async () => {
    const response = await fetch(`${api.baseUrl}/docs/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toContain('/health');
  });
});

describe('API shutdown', () => {
  // The write-ahead log is SQLite's. On EventStoreDB, close() draining
  // appends before the client goes is covered by the adapter's own tests.
  const sqliteOnly = store === 'embedded' ? it : it.skip;

  sqliteOnly(
    'closes the store cleanly: the SQLite write-ahead log is checkpointed and removed',
    async () => {
      const dir = tempDir('onrecord-shutdown-');
      try {
        const api = await startApi({}, { dataDir: dir.path });
        expect((await fetch(`${api.baseUrl}/health`)).status).toBe(200);
        expect(existsSync(join(dir.path, 'events.sqlite-wal'))).toBe(true);

        await api.stop();

        expect(existsSync(join(dir.path, 'events.sqlite'))).toBe(true);
        expect(existsSync(join(dir.path, 'events.sqlite-wal'))).toBe(false);
      } finally {
        dir.remove();
      }
    },
  );
});
