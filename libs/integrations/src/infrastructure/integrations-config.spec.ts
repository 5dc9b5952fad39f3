import { join, resolve } from 'node:path';
import { ConfigError } from '@onrecord/platform';
import { readIntegrationsConfig } from './integrations-config.js';

const DATA = '/var/lib/onrecord';
const esdb = { dataDir: DATA, store: { kind: 'esdb', connectionString: 'esdb://x:2113' } } as const;
const sqlite = { dataDir: DATA, store: { kind: 'sqlite', file: `${DATA}/events.sqlite` } } as const;
const memory = { dataDir: DATA, store: { kind: 'memory' } } as const;

describe('integrations settings: the webhook key and checkpoints', () => {
  it('given EventStoreDB without ONRECORD_WEBHOOK_KEY_FILE, refuses to start and says every replica must share the key, and how', () => {
    const read = () => readIntegrationsConfig({}, esdb);
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/ONRECORD_WEBHOOK_KEY_FILE.*every replica must hold the same key/s);
    expect(read).toThrow(/openssl rand -base64 32/);
  });

  it('given EventStoreDB with a key file, uses it and never generates one', () => {
    const config = readIntegrationsConfig({ ONRECORD_WEBHOOK_KEY_FILE: 'keys/webhook' }, esdb);
    expect(config.webhooks.key).toEqual({
      kind: 'file',
      file: resolve('keys/webhook'),
      create: false,
    });
  });

  it('given the embedded store, generates the key in the data directory on first start', () => {
    expect(readIntegrationsConfig({}, sqlite).webhooks).toMatchObject({
      key: { kind: 'file', file: join(DATA, 'webhook-key'), create: true },
      deliveryLogFile: join(DATA, 'webhook-deliveries.sqlite'),
      checkpointIntervalMs: 5_000,
    });
  });

  it('given the in-memory store, which keeps no events, keeps no key either', () => {
    expect(readIntegrationsConfig({}, memory).webhooks).toMatchObject({
      key: { kind: 'ephemeral' },
      deliveryLogFile: ':memory:',
    });
  });

  it('reads the checkpoint interval and refuses nonsense', () => {
    expect(
      readIntegrationsConfig({ ONRECORD_WEBHOOK_CHECKPOINT_MS: '250' }, sqlite).webhooks
        .checkpointIntervalMs,
    ).toBe(250);
    for (const bad of ['0', '-1', 'soon', '1.5']) {
      expect(() => readIntegrationsConfig({ ONRECORD_WEBHOOK_CHECKPOINT_MS: bad }, sqlite)).toThrow(
        /ONRECORD_WEBHOOK_CHECKPOINT_MS/,
      );
    }
  });
});
