import { join, resolve } from 'node:path';
import { ConfigError, readAppConfig } from '@onrecord/platform';
import {
  DEFAULT_CHECKPOINT_INTERVAL_MS,
  LEDGER_KEY_FILE,
  readLedgerConfig,
} from './ledger-config.js';

function configFor(env: Record<string, string>) {
  const full = { ONRECORD_DATA_DIR: '/var/lib/onrecord', ...env };
  return readLedgerConfig(full, readAppConfig(full));
}

describe('the ledger settings', () => {
  it('on the embedded store, generates the key in the data directory and signs every minute', () => {
    expect(configFor({})).toEqual({
      origin: 'onrecord.local/ledger',
      keyFile: join('/var/lib/onrecord', LEDGER_KEY_FILE),
      keySupplied: false,
      checkpointIntervalMs: DEFAULT_CHECKPOINT_INTERVAL_MS,
      databaseFile: join('/var/lib/onrecord', 'ledger.sqlite'),
    });
  });

  it('on EventStoreDB, refuses to start without a shared key file, and says how to make one', () => {
    const esdb = { ONRECORD_STORE: 'esdb://127.0.0.1:2113?tls=false' };
    expect(() => configFor(esdb)).toThrow(ConfigError);
    expect(() => configFor(esdb)).toThrow(
      /ONRECORD_LEDGER_KEY_FILE must be set on EventStoreDB.*openssl genpkey/,
    );
    expect(configFor({ ...esdb, ONRECORD_LEDGER_KEY_FILE: 'keys/ledger.pem' })).toMatchObject({
      keyFile: resolve('keys/ledger.pem'),
      keySupplied: true,
    });
  });

  it('takes 0 to turn periodic checkpoints off, and refuses intervals it cannot honour', () => {
    expect(configFor({ ONRECORD_CHECKPOINT_INTERVAL_MS: '0' }).checkpointIntervalMs).toBe(0);
    for (const bad of ['50', '-1', '1.5', 'soon']) {
      expect(() => configFor({ ONRECORD_CHECKPOINT_INTERVAL_MS: bad })).toThrow(
        `ONRECORD_CHECKPOINT_INTERVAL_MS=${bad} must be 0 (off) or an integer from 100 to 2147483647`,
      );
    }
  });
});
