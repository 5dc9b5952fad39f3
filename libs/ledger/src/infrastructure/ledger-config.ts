import { join, resolve } from 'node:path';
import { type AppConfig, ConfigError } from '@onrecord/platform';
import { isValidKeyName } from '../domain/signed-note.js';

export const DEFAULT_LEDGER_ORIGIN = 'onrecord.local/ledger';
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000;
/** File names inside the data directory. */
export const LEDGER_DATABASE_FILE = 'ledger.sqlite';
export const LEDGER_KEY_FILE = 'ledger-signing-key.pem';

/** What the ledger reads from the environment, parsed once at start. */
export interface LedgerConfig {
  /** The log's identity in every checkpoint, and the key name it signs under. */
  readonly origin: string;
  /** PEM (PKCS #8) Ed25519 private key. */
  readonly keyFile: string;
  /** True when the operator supplied the key file: it is then never generated. */
  readonly keySupplied: boolean;
  /** 0 turns periodic checkpoints off. */
  readonly checkpointIntervalMs: number;
  /** `<dataDir>/ledger.sqlite`, or `:memory:` when the event store keeps nothing either. */
  readonly databaseFile: string;
}

/**
 * Reads ONRECORD_LEDGER_ORIGIN, ONRECORD_LEDGER_KEY_FILE and
 * ONRECORD_CHECKPOINT_INTERVAL_MS next to the app's own config.
 */
export function readLedgerConfig(
  env: Readonly<NodeJS.ProcessEnv>,
  app: Pick<AppConfig, 'dataDir' | 'store'>,
): LedgerConfig {
  const origin = env['ONRECORD_LEDGER_ORIGIN'] || DEFAULT_LEDGER_ORIGIN;
  if (!isValidKeyName(origin)) {
    throw new ConfigError(
      `ONRECORD_LEDGER_ORIGIN=${JSON.stringify(origin)} must be one word without spaces or "+", e.g. ${DEFAULT_LEDGER_ORIGIN}`,
    );
  }
  const suppliedKey = env['ONRECORD_LEDGER_KEY_FILE'] || undefined;
  const rawInterval = env['ONRECORD_CHECKPOINT_INTERVAL_MS'];
  let checkpointIntervalMs = DEFAULT_CHECKPOINT_INTERVAL_MS;
  if (rawInterval !== undefined && rawInterval !== '') {
    checkpointIntervalMs = Number(rawInterval);
    if (
      !Number.isInteger(checkpointIntervalMs) ||
      checkpointIntervalMs < 0 ||
      checkpointIntervalMs > 2_147_483_647 ||
      (checkpointIntervalMs > 0 && checkpointIntervalMs < 100)
    ) {
      throw new ConfigError(
        `ONRECORD_CHECKPOINT_INTERVAL_MS=${rawInterval} must be 0 (off) or an integer from 100 to 2147483647`,
      );
    }
  }
  if (app.store.kind === 'esdb' && suppliedKey === undefined) {
    // Replicas keep each other's checkpoints only when they verify with their own key.
    throw new ConfigError(
      'ONRECORD_LEDGER_KEY_FILE must be set on EventStoreDB: every replica signs checkpoints with the same Ed25519 key (PEM, PKCS #8), e.g. `openssl genpkey -algorithm ed25519 -out ledger-signing-key.pem` mounted into each replica',
    );
  }
  return {
    origin,
    keyFile: suppliedKey ? resolve(suppliedKey) : join(app.dataDir, LEDGER_KEY_FILE),
    keySupplied: suppliedKey !== undefined,
    checkpointIntervalMs,
    databaseFile:
      app.store.kind === 'memory' ? ':memory:' : join(app.dataDir, LEDGER_DATABASE_FILE),
  };
}
