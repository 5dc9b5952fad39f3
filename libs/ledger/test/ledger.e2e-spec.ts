import { statSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { EventStore, type StoredEvent } from '@onrecord/event-store';
import {
  type CheckpointView,
  type ConsistencyProofView,
  type DisputeBundle,
  type InclusionProofView,
  LedgerService,
  type PublicKeyView,
  eventLeafHash,
  verifyBundle,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '@onrecord/ledger';
import { type RunningApi, startApi } from '../../../test/support/api-harness.js';
import { newEvent } from '../../../test/support/event-store.contract.js';
import { httpClient } from '../../../test/support/http-client.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { standardPolicy } from '../../../test/fixtures/policies.js';

const MANAGER_KEY = 'onr_test-bootstrap-manager-key-ledger-0123456789';

const fromHex = (hashes: readonly string[]): Uint8Array[] =>
  hashes.map((h) => Uint8Array.from(Buffer.from(h, 'hex')));

/** GET as text, the way `curl -o` saves a note or a PEM. */
async function getText(
  baseUrl: string,
  path: string,
  key: string | null,
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('the ledger over HTTP (real server, embedded store)', () => {
  const data = tempDir('onrecord-ledger-e2e-');
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  let auditor: string;
  let integration: string;
  let rep: string;
  let acme: StoredEvent[];

  async function append(streamId: string, count: number): Promise<StoredEvent[]> {
    const store = api.app.get(EventStore);
    const result = await store.appendToStream(
      streamId,
      Array.from({ length: count }, (_, i) => newEvent('PromiseMade', { text: `promise ${i}` })),
    );
    await api.app.get(LedgerService).waitFor(result.position);
    return [...result.events];
  }

  beforeAll(async () => {
    api = await startApi({ ONRECORD_BOOTSTRAP_KEY: MANAGER_KEY }, { dataDir: data.path });
    http = httpClient(api.baseUrl);
    const register = async (name: string, role: string): Promise<string> =>
      (await http.post<{ key: string }>('/actors', MANAGER_KEY, { name, role })).body.key;
    auditor = await register('Ada Auditor', 'auditor');
    integration = await register('ERP', 'integration');
    rep = await register('Sam Sales', 'sales');
    acme = await append('account-acme', 4);
    await append('account-globex', 3);
  });
  afterAll(async () => {
    await api.stop();
    data.remove();
  });

  it('generates its signing key on first start, readable by its owner only (0600)', () => {
    const mode = statSync(join(api.config.dataDir, 'ledger-signing-key.pem')).mode & 0o777;
    expect(mode.toString(8)).toBe('600');
  });

  it('serves its public key without a credential, as PEM with the C2SP verifier key in a header, or as JSON', async () => {
    const pem = await getText(api.baseUrl, '/ledger/public-key', null);
    expect(pem.status).toBe(200);
    expect(pem.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(pem.text).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(pem.headers.get('x-ledger-verifier-key')).toMatch(
      /^onrecord\.local\/ledger\+[0-9a-f]{8}\+/,
    );
    const json = await http.get<PublicKeyView>('/ledger/public-key', null, {
      accept: 'application/json',
    });
    expect(json.body).toEqual({
      origin: 'onrecord.local/ledger',
      publicKeyPem: pem.text,
      verifierKey: pem.headers.get('x-ledger-verifier-key'),
    });
  });

  it('given new events and a manager signing a checkpoint, an auditor proves an event included with verifyInclusion', async () => {
    const signed = await getText(api.baseUrl, '/ledger/checkpoint', auditor);
    const before = verifyCheckpoint(
      signed.text,
      (await getText(api.baseUrl, '/ledger/public-key', null)).text,
    );
    const created = await http.post<CheckpointView>('/ledger/checkpoints', MANAGER_KEY, undefined, {
      accept: 'application/json',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(
      `/ledger/checkpoints?treeSize=${created.body.treeSize}`,
    );
    expect(created.body.treeSize).toBeGreaterThan(before.treeSize);

    const publicKey = (await getText(api.baseUrl, '/ledger/public-key', null)).text;
    const latest = await getText(api.baseUrl, '/ledger/checkpoint', auditor);
    expect(latest.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(latest.text).toBe(created.body.note);
    const checkpoint = verifyCheckpoint(latest.text, publicKey);

    const event = acme[2]!;
    const proof = await http.get<InclusionProofView>(
      `/ledger/proofs/inclusion?eventId=${event.id}`,
      integration,
    );
    expect(proof.status).toBe(200);
    expect(proof.body).toMatchObject({
      eventId: event.id,
      streamId: 'account-acme',
      revision: 2,
      treeSize: checkpoint.treeSize,
      checkpoint: latest.text,
    });
    expect(
      verifyInclusion(
        eventLeafHash(event),
        proof.body.leafIndex,
        checkpoint.treeSize,
        fromHex(proof.body.auditPath),
        checkpoint.rootHash,
      ),
    ).toBe(true);
    // The same proof does not hold for another event at that index.
    expect(
      verifyInclusion(
        eventLeafHash(acme[3]!),
        proof.body.leafIndex,
        checkpoint.treeSize,
        fromHex(proof.body.auditPath),
        checkpoint.rootHash,
      ),
    ).toBe(false);
  });

  it('proves an old checkpoint consistent with a newer one, both kept and served by tree size', async () => {
    const old = await http.post<CheckpointView>('/ledger/checkpoints', auditor, undefined, {
      accept: 'application/json',
    });
    await append('account-acme', 5);
    const newer = await http.post<CheckpointView>('/ledger/checkpoints', MANAGER_KEY, undefined, {
      accept: 'application/json',
    });
    const publicKey = (await getText(api.baseUrl, '/ledger/public-key', null)).text;

    const proof = await http.get<ConsistencyProofView>(
      `/ledger/proofs/consistency?from=${old.body.treeSize}&to=${newer.body.treeSize}`,
      auditor,
    );

    expect(proof.status).toBe(200);
    const kept = await getText(
      api.baseUrl,
      `/ledger/checkpoints?treeSize=${old.body.treeSize}`,
      auditor,
    );
    expect(kept.text).toBe(old.body.note);
    const a = verifyCheckpoint(kept.text, publicKey);
    const b = verifyCheckpoint(newer.body.note, publicKey);
    // The 5 appended and old's own publication, at least (the log may have lagged the store at old).
    expect(b.treeSize - a.treeSize).toBeGreaterThanOrEqual(6);
    expect(
      verifyConsistency(a.treeSize, b.treeSize, fromHex(proof.body.proof), a.rootHash, b.rootHash),
    ).toBe(true);
    expect(
      verifyConsistency(a.treeSize, b.treeSize, fromHex(proof.body.proof), b.rootHash, a.rootHash),
    ).toBe(false);
  });

  it('answers the checkpoint as JSON with its parsed fields when asked', async () => {
    const json = await http.get<CheckpointView>('/ledger/checkpoint', auditor, {
      accept: 'application/json',
    });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({
      origin: 'onrecord.local/ledger',
      keyName: 'onrecord.local/ledger',
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(json.body.note.split('\n').slice(0, 3)).toEqual([
      'onrecord.local/ledger',
      String(json.body.treeSize),
      json.body.rootHashBase64,
    ]);
  });

  it('lets auditors, managers and integrations read the ledger, not reps; only managers and auditors sign', async () => {
    expect((await getText(api.baseUrl, '/ledger/checkpoint', MANAGER_KEY)).status).toBe(200);
    const repRead = await http.get('/ledger/checkpoint', rep);
    expect(repRead.status).toBe(403);
    expect(repRead.body).toMatchObject({
      code: 'role-not-allowed',
      allowedRoles: ['auditor', 'manager', 'integration'],
    });
    expect((await http.post('/ledger/checkpoints', integration, undefined)).status).toBe(403);
    expect((await http.get('/ledger/checkpoint', null)).status).toBe(401);
  });

  it('answers bad input with 400 problems naming the field and the numbers, unknown things with 404', async () => {
    const badId = await http.get<{ errors: Array<{ field: string }> }>(
      '/ledger/proofs/inclusion?eventId=not-a-uuid&treeSize=-1',
      auditor,
    );
    expect(badId.status).toBe(400);
    expect(badId.body.errors.map((e) => e.field).sort()).toEqual(['eventId', 'treeSize']);

    const beyond = await http.get(
      `/ledger/proofs/inclusion?eventId=${acme[0]!.id}&treeSize=100000`,
      auditor,
    );
    expect(beyond.status).toBe(400);
    expect(beyond.body).toMatchObject({
      code: 'ledger-range',
      field: 'treeSize',
      treeSize: 100000,
      logSize: api.app.get(LedgerService).size,
    });

    const backwards = await http.get('/ledger/proofs/consistency?from=5&to=4', auditor);
    expect(backwards.body).toMatchObject({ status: 400, field: 'from', from: 5, to: 4 });
    const noFrom = await http.get<{ errors: Array<{ field: string }> }>(
      '/ledger/proofs/consistency',
      auditor,
    );
    expect(noFrom.body.errors.map((e) => e.field)).toEqual(['from']);

    const unknown = await http.get(
      '/ledger/proofs/inclusion?eventId=00000000-0000-4000-8000-00000000dead',
      auditor,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'ledger-event-not-found' });
    const never = await http.get('/ledger/checkpoints?treeSize=99999', auditor);
    expect(never.status).toBe(404);
    expect(never.body).toMatchObject({ code: 'checkpoint-not-found', treeSize: 99999 });
  });

  it('given a restart on the same data, resumes the log: same size, checkpoints kept, new events appended', async () => {
    const size = api.app.get(LedgerService).size;
    const latest = await getText(api.baseUrl, '/ledger/checkpoint', auditor);
    await api.stop();
    api = await startApi({ ONRECORD_BOOTSTRAP_KEY: MANAGER_KEY }, { dataDir: data.path });
    http = httpClient(api.baseUrl);

    expect(api.app.get(LedgerService).size).toBe(size);
    const kept = await getText(
      api.baseUrl,
      `/ledger/checkpoints?treeSize=${verifyCheckpoint(latest.text, (await getText(api.baseUrl, '/ledger/public-key', null)).text).treeSize}`,
      auditor,
    );
    expect(kept.text).toBe(latest.text);
    await append('account-initech', 2);
    expect(api.app.get(LedgerService).size).toBe(size + 2);
  });
});

describe('the account export over HTTP (real server, embedded store)', () => {
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({ ONRECORD_BOOTSTRAP_KEY: MANAGER_KEY });
    http = httpClient(api.baseUrl);
    for (const [id, role] of [
      ['sam-sales', 'sales'],
      ['sue-service', 'service'],
      ['olga-other', 'sales'],
      ['ada-auditor', 'auditor'],
      ['erp', 'integration'],
    ] as const) {
      keys[id] = (
        await http.post<{ key: string }>('/actors', MANAGER_KEY, { id, name: id, role })
      ).body.key;
    }
    expect(
      (await http.post('/policies', MANAGER_KEY, { policy: standardPolicy, note: 'FY27' })).status,
    ).toBe(201);
    const opened = await http.post('/accounts', keys['sam-sales']!, {
      channel: 'phone',
      counterparty: { contactId: 'pat-buyer' },
      accountId: 'acme',
      name: 'Acme Fasteners',
      ownerId: 'sam-sales',
      serviceRepIds: ['sue-service'],
      segment: 'industrial',
    });
    expect(opened.status).toBe(201);
    const agreed = await http.post('/accounts/acme/expectations', keys['sam-sales']!, {
      channel: 'meeting',
      mustDo: ['Confirm every order within one business day'],
      mustNeverDo: ['Ship partial orders without asking'],
      ifWeSlipOnce: 'A call from the sales rep and a written recovery plan within 48 hours',
      serviceLevels: [],
    });
    expect(agreed.status).toBe(201);
  });
  afterAll(async () => {
    await api.stop();
  });

  it('given an account with history, an auditor exports a bundle that verifyBundle accepts against the published key', async () => {
    const publicKey = (await getText(api.baseUrl, '/ledger/public-key', null)).text;
    const response = await http.get<DisputeBundle>('/accounts/acme/export', keys['ada-auditor']!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="account-acme-r0-1.bundle.json"',
    );
    expect(response.body.entries.map((e) => e.event.type)).toEqual([
      'AccountOpened',
      'ExpectationsAgreed',
    ]);
    expect(verifyBundle(response.body, { trustedPublicKeyPem: publicKey })).toMatchObject({
      ok: true,
      streamId: 'account-acme',
      fromRevision: 0,
      toRevision: 1,
      startsAtGenesis: true,
      keyTrusted: true,
    });
    // The checkpoint it carries is one the ledger keeps.
    const treeSize = response.body.checkpoint.split('\n')[1];
    const kept = await getText(
      api.baseUrl,
      `/ledger/checkpoints?treeSize=${treeSize}`,
      keys['ada-auditor']!,
    );
    expect(kept.text).toBe(response.body.checkpoint);
  });

  it("lets the account's reps export it, and nobody else", async () => {
    const range = await http.get<DisputeBundle>(
      '/accounts/acme/export?from=1&to=1',
      keys['sue-service']!,
    );
    expect(range.status).toBe(200);
    expect(verifyBundle(range.body)).toMatchObject({
      ok: true,
      fromRevision: 1,
      toRevision: 1,
      startsAtGenesis: false,
    });
    expect((await http.get('/accounts/acme/export', keys['sam-sales']!)).status).toBe(200);
    const other = await http.get('/accounts/acme/export', keys['olga-other']!);
    expect(other.status).toBe(403);
    expect((await http.get('/accounts/acme/export', keys['erp']!)).status).toBe(403);
    expect((await http.get('/accounts/nobody/export', keys['ada-auditor']!)).status).toBe(404);
  });

  it('refuses a range outside the stream with a 400 naming the field and the numbers', async () => {
    const tooFar = await http.get('/accounts/acme/export?to=2', MANAGER_KEY);
    expect(tooFar.body).toMatchObject({
      status: 400,
      code: 'revision-range',
      field: 'to',
      to: 2,
      lastRevision: 1,
    });
    const bad = await http.get<{ errors: Array<{ field: string }> }>(
      '/accounts/acme/export?from=x',
      MANAGER_KEY,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field)).toEqual(['from']);
  });
});

describe('the ledger signing key', () => {
  it('uses the key file named by ONRECORD_LEDGER_KEY_FILE, under the origin ONRECORD_LEDGER_ORIGIN names', async () => {
    const dir = tempDir('onrecord-ledger-key-');
    const keyFile = join(dir.path, 'operator-key.pem');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    try {
      const api = await startApi({
        ONRECORD_LEDGER_KEY_FILE: keyFile,
        ONRECORD_LEDGER_ORIGIN: 'ledger.example.com/onrecord',
      });
      try {
        const served = await getText(api.baseUrl, '/ledger/public-key', null);
        expect(served.text).toBe(publicKey.export({ type: 'spki', format: 'pem' }));
        expect(served.headers.get('x-ledger-verifier-key')).toMatch(
          /^ledger\.example\.com\/onrecord\+/,
        );
      } finally {
        await api.stop();
      }
    } finally {
      dir.remove();
    }
  });
});
