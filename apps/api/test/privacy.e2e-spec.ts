import { EventStore, verifyStream } from '@onrecord/event-store';
import { verifyBundle } from '@onrecord/ledger';
import { type RunningApi, startApi } from '../../../test/support/api-harness.js';
import { httpClient } from '../../../test/support/http-client.js';
import { standardPolicy } from '../../../test/fixtures/policies.js';

const MANAGER = 'onr_privacy-manager-key-00000000000000';

interface EventsPage {
  events: Array<{ id: string; hash: string; metadata: { counterparty?: Record<string, unknown> } }>;
}

describe('personal data that can be forgotten without breaking the proofs', () => {
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  let samKey: string;
  const pat = {
    contactId: 'pat-buyer',
    name: 'Pat Buyer',
    email: 'pat@acme.example',
    phone: '+1 555 0100',
  };

  beforeAll(async () => {
    api = await startApi({ ONRECORD_BOOTSTRAP_KEY: MANAGER });
    http = httpClient(api.baseUrl);
    samKey = (
      await http.post<{ key: string }>('/actors', MANAGER, {
        id: 'sam-sales',
        name: 'Sam',
        role: 'sales',
      })
    ).body.key;
    await http.post('/policies', MANAGER, { policy: standardPolicy });
    await http.post('/accounts', samKey, {
      channel: 'phone',
      counterparty: pat,
      accountId: 'acme',
      name: 'Acme',
      ownerId: 'sam-sales',
      serviceRepIds: [],
      segment: 'industrial',
    });
    await http.post('/accounts/acme/promises', samKey, {
      channel: 'phone',
      counterparty: pat,
      category: 'delivery',
      text: 'Ships Friday',
      dueDate: '2030-01-04',
      scope: { kind: 'order', id: 'O-1' },
    });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('stores the personal fields only as ciphertext, and shows them to readers', async () => {
    const stored = await api.app.get(EventStore).readStream('account-acme');
    expect(JSON.stringify(stored.map((e) => e.metadata))).not.toContain('pat@acme.example');
    expect(stored[1]!.metadata.counterparty).toMatchObject({
      contactId: 'pat-buyer',
      personal: { alg: 'A256GCM' },
    });

    const read = await http.get<EventsPage>('/accounts/acme/events', samKey);
    expect(read.body.events[1]!.metadata.counterparty).toEqual(pat);
  });

  it('refuses personal fields without a contact id, since they could never be erased', async () => {
    const response = await http.post('/accounts/acme/complaints', samKey, {
      channel: 'phone',
      counterparty: { name: 'Anonymous' },
      about: 'x',
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'contact-id-required' });
  });

  it('erases a contact: the fields read as erased, the erasure is an event, and every hash still verifies', async () => {
    const before = await http.get<EventsPage>('/accounts/acme/events', samKey);
    expect((await http.delete('/contacts/pat-buyer/personal-data', samKey)).status).toBe(403);

    const erased = await http.delete('/contacts/pat-buyer/personal-data', MANAGER);

    expect(erased.status).toBe(200);
    const after = await http.get<EventsPage>('/accounts/acme/events', samKey);
    expect(after.body.events[1]!.metadata.counterparty).toEqual({
      contactId: 'pat-buyer',
      erased: true,
    });
    expect(after.body.events.map((e) => e.hash)).toEqual(before.body.events.map((e) => e.hash));
    const store = api.app.get(EventStore);
    expect(await verifyStream(store, 'account-acme')).toMatchObject({ ok: true });
    expect(
      (await store.readStream('contact-pat-buyer')).map((e) => [e.type, e.metadata.actor.id]),
    ).toEqual([['PersonalDataErased', 'bootstrap-manager']]);
    expect((await http.delete('/contacts/pat-buyer/personal-data', MANAGER)).status).toBe(404);

    const bundle = await http.get('/accounts/acme/export', MANAGER);
    expect(bundle.status).toBe(200);
    expect(JSON.stringify(bundle.body)).not.toContain('pat@acme.example');
    expect(verifyBundle(bundle.body)).toMatchObject({ ok: true });
  });
});
