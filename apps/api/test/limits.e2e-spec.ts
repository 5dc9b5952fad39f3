import { type RunningApi, startApi } from '../../../test/support/api-harness.js';
import { httpClient } from '../../../test/support/http-client.js';

const MANAGER = 'onr_limits-manager-key-000000000000000';

describe('request limits', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi({ ONRECORD_BOOTSTRAP_KEY: MANAGER, ONRECORD_BODY_LIMIT: '4096' });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('refuses a body over ONRECORD_BODY_LIMIT with a 413 problem and writes nothing', async () => {
    const http = httpClient(api.baseUrl);
    const before = await http.get<unknown[]>('/actors', MANAGER);
    const response = await http.post('/actors', MANAGER, { name: 'x'.repeat(5000), role: 'sales' });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
    expect(response.body).toMatchObject({ status: 413, code: 'payload-too-large' });
    expect((await http.get<unknown[]>('/actors', MANAGER)).body).toHaveLength(before.body.length);
  });
});
