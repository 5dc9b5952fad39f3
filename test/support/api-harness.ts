import 'reflect-metadata';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pino } from 'pino';
import type { Clock } from '@onrecord/kernel';
import type { EventStore } from '@onrecord/event-store';
import { readAppConfig, type AppConfig } from '@onrecord/platform';
import { createApp } from '../../apps/api/src/create-app.js';
import type { EsdbStandin } from '../esdb-standin/esdb-standin.js';
import { tempDir } from './temp-dir.js';

/**
 * Which store backs the API in an e2e test: the embedded SQLite store (what
 * `npm start` runs), or EventStoreDB, reached through the in-process gRPC
 * stand-in (test/esdb-standin) with the real client and adapter.
 */
export type E2eStore = 'embedded' | 'esdb';

let storeOfThisFile: E2eStore | null = null;

/**
 * Runs every API this test file starts on `store` (jest gives each test file
 * its own copy of this module). esdb-standin.e2e-spec.ts calls it, then
 * imports the embedded e2e specs, so they run a second time on EventStoreDB.
 */
export function runThisFileOn(store: E2eStore): void {
  storeOfThisFile = store;
}

/**
 * The store e2e tests use when a test does not choose: the one set by
 * runThisFileOn, else ONRECORD_E2E_STORE (`embedded`, the default, or
 * `esdb`, e.g. `ONRECORD_E2E_STORE=esdb npm test -- e2e-spec` runs every e2e
 * suite that starts the API through this harness on EventStoreDB).
 */
export function currentE2eStore(env: NodeJS.ProcessEnv = process.env): E2eStore {
  if (storeOfThisFile) return storeOfThisFile;
  const chosen = env['ONRECORD_E2E_STORE'];
  if (chosen === undefined || chosen === '' || chosen === 'embedded') return 'embedded';
  if (chosen === 'esdb') return 'esdb';
  throw new Error(`ONRECORD_E2E_STORE=${chosen} is not understood: use embedded or esdb`);
}

/** What tests say and check about the store they run on. */
export const E2E_STORES: Readonly<
  Record<E2eStore, { readonly label: string; readonly healthKind: 'sqlite' | 'esdb' }>
> = {
  embedded: { label: 'embedded store', healthKind: 'sqlite' },
  esdb: { label: 'EventStoreDB stand-in', healthKind: 'esdb' },
};

/** An empty backing store and the environment that points the API at it. */
export interface BackingStore {
  /** ONRECORD_STORE for EventStoreDB; nothing for the embedded store (it lives in the data dir). */
  readonly env: Readonly<Record<string, string>>;
  /** Stops the stand-in, if there is one. */
  dispose(): Promise<void>;
}

/** A fresh, empty store of this kind: for EventStoreDB, a stand-in of its own. */
export async function openBackingStore(store: E2eStore): Promise<BackingStore> {
  if (store === 'embedded') return { env: {}, dispose: () => Promise.resolve() };
  const standin = await startStandin();
  return {
    env: esdbEnv(standin),
    dispose: () => standin.stop(),
  };
}

let sharedLedgerKey: string | null = null;

/**
 * The environment of an API on a stand-in. Replicas on EventStoreDB must be
 * given the ledger's signing key (they all sign with it); tests share one
 * per jest worker, removed when the worker exits.
 */
function esdbEnv(standin: EsdbStandin): Record<string, string> {
  if (sharedLedgerKey === null) {
    const dir = tempDir('onrecord-ledger-key-');
    process.once('exit', () => dir.remove());
    sharedLedgerKey = join(dir.path, 'ledger-signing-key.pem');
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(sharedLedgerKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
  }
  return {
    ONRECORD_STORE: standin.connectionString,
    ONRECORD_LEDGER_KEY_FILE: sharedLedgerKey,
    ONRECORD_WEBHOOK_KEY_FILE: sharedWebhookKeyFile(),
  };
}

let sharedWebhookKey: string | null = null;

/** Replicas on EventStoreDB must share the webhook key as well (it seals webhook secrets in the log). */
function sharedWebhookKeyFile(): string {
  if (sharedWebhookKey === null) {
    const dir = tempDir('onrecord-webhook-key-');
    process.once('exit', () => dir.remove());
    sharedWebhookKey = join(dir.path, 'webhook-key');
    writeFileSync(sharedWebhookKey, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return sharedWebhookKey;
}

async function startStandin(): Promise<EsdbStandin> {
  // Loaded only when asked for: the gRPC server is not needed on the embedded store.
  const module = await import('../esdb-standin/esdb-standin.js');
  return module.EsdbStandin.start();
}

/**
 * On EventStoreDB, the events of an API started on a caller-given data
 * directory live in a stand-in kept for that directory, so a restart on
 * "the same data" finds them. Such a stand-in is unreferenced (it never keeps
 * the test process up) and lasts as long as the jest worker.
 */
const standinsByDataDir = new Map<string, Promise<EsdbStandin>>();

function standinFor(dataDir: string): Promise<EsdbStandin> {
  let standin = standinsByDataDir.get(dataDir);
  if (!standin) {
    standin = startStandin().then((started) => started.unref());
    standinsByDataDir.set(dataDir, standin);
  }
  return standin;
}

async function backingFor(on: E2eStore, dataDir: string | undefined): Promise<BackingStore> {
  if (on === 'embedded' || dataDir === undefined) return openBackingStore(on);
  const standin = await standinFor(dataDir);
  return { env: esdbEnv(standin), dispose: () => Promise.resolve() };
}

export interface RunningApi {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly config: AppConfig;
  /** Stops the server (draining in-flight work), removes the data directory and stops the stand-in. */
  stop(): Promise<void>;
}

export interface StartApiOverrides {
  readonly store?: EventStore;
  readonly clock?: Clock;
  readonly dataDir?: string;
  /**
   * Which store to run on; default currentE2eStore(). On `esdb` each API
   * gets a fresh stand-in (one kept per `dataDir` when that is given, so a
   * restart on the same data finds its events), unless `env` already names
   * ONRECORD_STORE or `store` is given.
   */
  readonly on?: E2eStore;
}

/**
 * The real API on a real port over a real store in a fresh data directory:
 * what `npm start` runs, minus the log noise.
 */
export async function startApi(
  env: Record<string, string> = {},
  overrides: StartApiOverrides = {},
): Promise<RunningApi> {
  const on = overrides.on ?? currentE2eStore();
  const needsBacking = !env['ONRECORD_STORE'] && !overrides.store;
  const backing = needsBacking ? await backingFor(on, overrides.dataDir) : null;
  const dir = overrides.dataDir ? null : tempDir('onrecord-api-');
  const cleanUp = async (): Promise<void> => {
    dir?.remove();
    await backing?.dispose();
  };
  let app: NestFastifyApplication | null = null;
  try {
    const config = readAppConfig({
      LOG_LEVEL: 'silent',
      ONRECORD_DATA_DIR: overrides.dataDir ?? dir!.path,
      PORT: '0',
      ...backing?.env,
      ...env,
    });
    app = await createApp(config, {
      logger: pino({ level: config.logLevel }),
      docsUi: false,
      ...(overrides.store ? { store: overrides.store } : {}),
      ...(overrides.clock ? { clock: overrides.clock } : {}),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const running = app;
    let stopped = false;
    return {
      app: running,
      config,
      baseUrl: `http://127.0.0.1:${port}`,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        try {
          await running.close();
        } finally {
          await cleanUp();
        }
      },
    };
  } catch (error) {
    // An API that failed to start still holds its store client and subscriptions.
    await app?.close().catch(() => undefined);
    await cleanUp();
    throw error;
  }
}
