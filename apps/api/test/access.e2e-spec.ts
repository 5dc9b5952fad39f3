import { pino } from 'pino';
import { readAppConfig } from '@onrecord/platform';
import { createApp } from '../src/create-app.js';
import {
  E2E_STORES,
  type RunningApi,
  currentE2eStore,
  openBackingStore,
  startApi,
} from '../../../test/support/api-harness.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { httpClient } from '../../../test/support/http-client.js';

const MANAGER_KEY = 'onr_test-bootstrap-manager-key-0123456789';
const store = currentE2eStore();

describe(`access: actors, API keys and roles (real server, ${E2E_STORES[store].label})`, () => {
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    api = await startApi({ ONRECORD_BOOTSTRAP_KEY: MANAGER_KEY });
    http = httpClient(api.baseUrl);
  });
  afterAll(async () => {
    await api.stop();
  });

  it('given an empty store started with ONRECORD_BOOTSTRAP_KEY, that key is the first manager', async () => {
    const me = await http.get('/me', MANAGER_KEY);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ actorId: 'bootstrap-manager', role: 'manager' });
  });

  it('refuses a request without a key, or with an unknown key, as 401 problems', async () => {
    const none = await http.get('/me', null);
    const unknown = await http.get('/me', 'onr_this-key-was-never-issued-000000');
    expect([none.status, unknown.status]).toEqual([401, 401]);
    expect(none.body).toMatchObject({ type: 'urn:onrecord:problem:unauthenticated', status: 401 });
  });

  it('given a manager, when registering a rep, then the rep gets a key that works at once and is stored only as a hash', async () => {
    const created = await http.post<{ actorId: string; keyId: string; key: string }>(
      '/actors',
      MANAGER_KEY,
      {
        id: 'jane-rep',
        name: 'Jane Rep',
        role: 'sales',
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^onr_[A-Za-z0-9_-]{43}$/);

    const me = await http.get('/me', created.body.key);
    expect(me.body).toMatchObject({
      actorId: 'jane-rep',
      role: 'sales',
      keyId: created.body.keyId,
    });

    const listed = await http.get<unknown[]>('/actors', MANAGER_KEY);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
  });

  it('given a revoked key, it stops working at once', async () => {
    const created = await http.post<{ actorId: string; keyId: string; key: string }>(
      '/actors',
      MANAGER_KEY,
      { name: 'Temp', role: 'service' },
    );
    expect((await http.get('/me', created.body.key)).status).toBe(200);

    const revoked = await http.delete(
      `/actors/${created.body.actorId}/keys/${created.body.keyId}`,
      MANAGER_KEY,
    );

    expect(revoked.status).toBe(204);
    expect((await http.get('/me', created.body.key)).status).toBe(401);
    const again = await http.delete(
      `/actors/${created.body.actorId}/keys/${created.body.keyId}`,
      MANAGER_KEY,
    );
    expect(again.body).toMatchObject({ code: 'api-key-already-revoked' });
  });

  it('lets only managers register actors: a sales rep gets a 403 problem naming the allowed roles', async () => {
    const rep = await http.post<{ key: string }>('/actors', MANAGER_KEY, {
      name: 'Sam Sales',
      role: 'sales',
    });
    const attempt = await http.post('/actors', rep.body.key, { name: 'Sneaky', role: 'manager' });
    expect(attempt.status).toBe(403);
    expect(attempt.body).toMatchObject({
      code: 'role-not-allowed',
      role: 'sales',
      allowedRoles: ['manager'],
    });
  });

  it('rejects a bad body with 400 listing each bad field, and unknown fields, writing nothing', async () => {
    const before = await http.get<unknown[]>('/actors', MANAGER_KEY);
    const bad = await http.post<{ errors: Array<{ field: string }> }>('/actors', MANAGER_KEY, {
      id: 'Not Valid!',
      role: 'emperor',
      actorIdOverride: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field).sort()).toEqual([
      'actorIdOverride',
      'id',
      'name',
      'role',
    ]);
    expect((await http.get<unknown[]>('/actors', MANAGER_KEY)).body).toHaveLength(
      before.body.length,
    );
  });

  it('refuses a second actor with the same id as a conflict', async () => {
    await http.post('/actors', MANAGER_KEY, { id: 'dup-rep', name: 'One', role: 'sales' });
    const second = await http.post('/actors', MANAGER_KEY, {
      id: 'dup-rep',
      name: 'Two',
      role: 'sales',
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'actor-already-exists' });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const response = await http.post('/actors', MANAGER_KEY, '{"name": ');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
  });
});

describe('bootstrap without ONRECORD_BOOTSTRAP_KEY', () => {
  it('creates the first manager with a random key and prints it once to the log', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const dir = tempDir();
    const backing = await openBackingStore(store);
    const env = { ONRECORD_DATA_DIR: dir.path, ...backing.env };
    const app = await createApp(readAppConfig(env), {
      logger,
      docsUi: false,
    });
    await app.init();
    await app.close();

    const announcements = lines.filter((line) => line.includes('shown this once'));
    expect(announcements).toHaveLength(1);
    const key = /(onr_[A-Za-z0-9_-]{43})/.exec(announcements[0]!)?.[1];
    expect(key).toBeDefined();

    // A second start on the same store creates nobody and prints no key.
    lines.length = 0;
    const again = await createApp(readAppConfig(env), {
      logger,
      docsUi: false,
    });
    await again.init();
    await again.close();
    dir.remove();
    await backing.dispose();
    expect(lines.filter((line) => line.includes('onr_'))).toEqual([]);
  });
});
