import {
  E2E_STORES,
  type RunningApi,
  currentE2eStore,
  startApi,
} from '../../../test/support/api-harness.js';
import { httpClient } from '../../../test/support/http-client.js';
import { standardPolicy } from '../../../test/fixtures/policies.js';

const MANAGER = 'onr_policy-manager-key-000000000000000';

describe(`policies (real server, ${E2E_STORES[currentE2eStore()].label})`, () => {
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  let salesKey: string;

  beforeAll(async () => {
    api = await startApi({ ONRECORD_BOOTSTRAP_KEY: MANAGER });
    http = httpClient(api.baseUrl);
    salesKey = (
      await http.post<{ key: string }>('/actors', MANAGER, { name: 'Sam', role: 'sales' })
    ).body.key;
  });
  afterAll(async () => {
    await api.stop();
  });

  it('given no policy yet, answers current with 409 and refuses to record anything that needs one', async () => {
    const current = await http.get('/policies/current', salesKey);
    expect(current.status).toBe(409);
    expect(current.body).toMatchObject({ code: 'no-policy-in-force' });
    const opening = await http.post('/accounts', salesKey, {
      channel: 'phone',
      name: 'Acme',
      ownerId: 'x',
      serviceRepIds: [],
      segment: 's',
    });
    expect(opening.body).toMatchObject({ code: 'no-policy-in-force' });
  });

  it('lets only a manager publish; versions count up and every version stays readable as it was', async () => {
    expect((await http.post('/policies', salesKey, { policy: standardPolicy })).status).toBe(403);

    const first = await http.post<{ version: number; grossProfitFloorBps: number }>(
      '/policies',
      MANAGER,
      { policy: standardPolicy },
    );
    const second = await http.post<{ version: number }>('/policies', MANAGER, {
      policy: { ...standardPolicy, grossProfitFloorBps: 2500 },
      note: 'Floor raised',
    });

    expect([first.status, first.body.version, second.body.version]).toEqual([201, 1, 2]);
    expect((await http.get('/policies/current', salesKey)).body).toMatchObject({
      version: 2,
      grossProfitFloorBps: 2500,
      note: 'Floor raised',
    });
    expect((await http.get('/policies/1', salesKey)).body).toMatchObject({
      version: 1,
      grossProfitFloorBps: 2200,
      publishedBy: 'bootstrap-manager',
    });
    expect((await http.get('/policies/9', salesKey)).status).toBe(404);
  });

  it('rejects a malformed policy naming each bad field, and a policy the domain finds inconsistent', async () => {
    const { authority: _authority, ...withoutAuthority } = standardPolicy;
    const malformed = await http.post<{ errors: Array<{ field: string }> }>('/policies', MANAGER, {
      policy: { ...withoutAuthority, grossProfitFloorBps: 12_000, currency: 'dollars' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['policy.authority', 'policy.grossProfitFloorBps', 'policy.currency']),
    );

    const inconsistent = await http.post<{ code: string }>('/policies', MANAGER, {
      policy: { ...standardPolicy, escalationChain: ['sales', 'service'] },
    });
    expect(inconsistent.status).toBe(400);
    expect(inconsistent.body.code).toBe('invalid-policy');
    expect((await http.get('/policies/current', MANAGER)).body).toMatchObject({ version: 2 });
  });
});
