import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Module } from '@nestjs/common';
import type { StoreConfig } from '@onrecord/event-store';
import { type AppConfig, ConfigError } from '../infrastructure/app-config.js';
import { APP_CONFIG } from '../infrastructure/tokens.js';
import {
  BackgroundWorkLeader,
  DEFAULT_LEASE_TTL_MS,
  WORKER_CONFIG,
  type WorkerConfig,
  type WorkerMode,
} from './lease.js';

const MODES: Readonly<Record<string, WorkerMode>> = {
  auto: 'auto',
  lease: 'lease',
  always: 'always',
  never: 'never',
  // The flag form some capabilities read first: true = always, false = never.
  true: 'always',
  false: 'never',
};

const WORKER_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Reads ONRECORD_WORKER (auto | lease | always | never; default auto),
 * ONRECORD_WORKER_ID (a readable name for this replica in the lease and the
 * logs; default host name and pid) and ONRECORD_WORKER_LEASE_MS (the lease
 * TTL, default 30000, renewed every third of it). `auto` becomes `lease` on
 * EventStoreDB and `always` on the embedded and in-memory stores.
 */
export function readWorkerConfig(
  env: Readonly<NodeJS.ProcessEnv>,
  store: Pick<StoreConfig, 'kind'>,
): WorkerConfig {
  const rawMode = (env['ONRECORD_WORKER'] ?? '').trim() || 'auto';
  const mode = Object.hasOwn(MODES, rawMode) ? MODES[rawMode]! : null;
  if (mode === null) {
    throw new ConfigError(`ONRECORD_WORKER=${rawMode} must be auto, lease, always or never`);
  }
  const id = env['ONRECORD_WORKER_ID'] || `${hostname()}-${process.pid}`;
  if (!WORKER_ID.test(id)) {
    throw new ConfigError(
      `ONRECORD_WORKER_ID=${JSON.stringify(id)} must be 1 to 100 letters, digits, '.', '_', ':' or '-'`,
    );
  }
  const rawTtl = env['ONRECORD_WORKER_LEASE_MS'];
  const leaseTtlMs = rawTtl === undefined || rawTtl === '' ? DEFAULT_LEASE_TTL_MS : Number(rawTtl);
  if (!Number.isInteger(leaseTtlMs) || leaseTtlMs < 3_000 || leaseTtlMs > 3_600_000) {
    throw new ConfigError(
      `ONRECORD_WORKER_LEASE_MS=${rawTtl} must be an integer from 3000 to 3600000`,
    );
  }
  return {
    mode: mode === 'auto' ? (store.kind === 'esdb' ? 'lease' : 'always') : mode,
    // A suffix per process: two processes given the same id never share a hold.
    holder: `${id}-${randomUUID().slice(0, 8)}`,
    leaseTtlMs,
  };
}

/**
 * Provides the BackgroundWorkLeader. Import it in every capability module
 * that has work to run once per deployment: Nest keeps one instance for the
 * whole app however many modules import it. Relies on the global StoreModule
 * for the store, the clock and the app config.
 */
@Module({
  providers: [
    {
      provide: WORKER_CONFIG,
      inject: [APP_CONFIG],
      useFactory: (app: AppConfig): WorkerConfig => readWorkerConfig(app.env, app.store),
    },
    BackgroundWorkLeader,
  ],
  exports: [BackgroundWorkLeader],
})
export class BackgroundWorkModule {}
