import { join, resolve } from 'node:path';
import { type AppConfig, ConfigError } from '@onrecord/platform';
import type { RetryPolicy } from '../domain/retry-schedule.js';

/** The delivery-attempts log: this replica's own diagnostics, in the data directory. */
export const WEBHOOK_DELIVERIES_FILE = 'webhook-deliveries.sqlite';
/** Where webhooks lived before they moved into the event store; only looked for, to warn. */
export const LEGACY_WEBHOOKS_FILE = 'webhooks.sqlite';
/** The webhook key an embedded install generates on first start. */
export const WEBHOOK_KEY_FILE = 'webhook-key';
export const DEFAULT_WEBHOOK_CHECKPOINT_MS = 5_000;
export const DEFAULT_CLOUDEVENTS_SOURCE = 'urn:onrecord:ledger';
/**
 * Largest webhook request body. The store refuses an event whose data and
 * metadata exceed 256 KiB, so every event's CloudEvent (data plus a few
 * hundred bytes of attributes) fits; the limit guards receivers if that ever
 * changes.
 */
export const MAX_DELIVERY_BYTES = 320 * 1024;

/** What the integrations capability reads from the environment, parsed once at start. */
export interface IntegrationsConfig {
  /** ONRECORD_CLOUDEVENTS_SOURCE: the `source` of every CloudEvent. */
  readonly cloudEventsSource: string;
  readonly sse: {
    /** ONRECORD_SSE_HEARTBEAT_MS: a comment line this often keeps proxies from closing an idle stream. */
    readonly heartbeatMs: number;
    /** ONRECORD_SSE_RETRY_MS: the reconnection delay advised to clients. */
    readonly retryMs: number;
    /** ONRECORD_SSE_STALL_TIMEOUT_MS: a client that takes no data for this long while data waits is disconnected. */
    readonly stallTimeoutMs: number;
    /** ONRECORD_SSE_MAX_STREAMS: open streams per process; more get a 503. */
    readonly maxStreams: number;
  };
  readonly webhooks: {
    /**
     * The key webhook secrets are sealed under in the event log:
     * ONRECORD_WEBHOOK_KEY_FILE (required on EventStoreDB, where every
     * replica must hold the same key), else `<dataDir>/webhook-key`,
     * generated on first start; on the in-memory store, which keeps no
     * events, a key that lives as long as the process.
     */
    readonly key:
      | { readonly kind: 'file'; readonly file: string; readonly create: boolean }
      | { readonly kind: 'ephemeral' };
    /** `<dataDir>/webhook-deliveries.sqlite`, or `:memory:` when the event store keeps nothing either. */
    readonly deliveryLogFile: string;
    /** `<dataDir>/webhooks.sqlite` of an earlier version, to warn about when it is still there. */
    readonly legacyStoreFile: string | null;
    /** ONRECORD_WEBHOOK_CHECKPOINT_MS: at most one progress checkpoint per webhook this often while it moves. */
    readonly checkpointIntervalMs: number;
    /** ONRECORD_WEBHOOK_TIMEOUT_MS: per attempt. */
    readonly timeoutMs: number;
    /** ONRECORD_WEBHOOK_BACKOFF_MIN_MS, ONRECORD_WEBHOOK_BACKOFF_MAX_MS, ONRECORD_WEBHOOK_PAUSE_AFTER. */
    readonly retry: RetryPolicy;
    readonly maxBodyBytes: number;
  };
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${raw} must be an integer from ${min} to ${max}`);
  }
  return value;
}

const DAY_MS = 86_400_000;

export function readIntegrationsConfig(
  env: NodeJS.ProcessEnv,
  app: Pick<AppConfig, 'dataDir' | 'store'>,
): IntegrationsConfig {
  const source = env['ONRECORD_CLOUDEVENTS_SOURCE'] || DEFAULT_CLOUDEVENTS_SOURCE;
  if (!/^[\x21-\x7e]{1,512}$/.test(source)) {
    throw new ConfigError(
      `ONRECORD_CLOUDEVENTS_SOURCE=${JSON.stringify(source)} must be a URI-reference without spaces, e.g. ${DEFAULT_CLOUDEVENTS_SOURCE}`,
    );
  }
  const minDelayMs = integer(env, 'ONRECORD_WEBHOOK_BACKOFF_MIN_MS', 1_000, 1, DAY_MS);
  const maxDelayMs = integer(env, 'ONRECORD_WEBHOOK_BACKOFF_MAX_MS', 300_000, 1, DAY_MS);
  if (maxDelayMs < minDelayMs) {
    throw new ConfigError(
      `ONRECORD_WEBHOOK_BACKOFF_MAX_MS=${maxDelayMs} must not be below ONRECORD_WEBHOOK_BACKOFF_MIN_MS=${minDelayMs}`,
    );
  }
  const suppliedKey = env['ONRECORD_WEBHOOK_KEY_FILE'] || undefined;
  if (suppliedKey === undefined && app.store.kind === 'esdb') {
    throw new ConfigError(
      'ONRECORD_WEBHOOK_KEY_FILE must be set on EventStoreDB: webhook secrets are sealed in the shared event log, ' +
        'and every replica must hold the same key to open them. Create the key once ' +
        '(openssl rand -base64 32 > webhook-key && chmod 600 webhook-key), give every replica the same file, ' +
        'and set ONRECORD_WEBHOOK_KEY_FILE to its path.',
    );
  }
  const key: IntegrationsConfig['webhooks']['key'] = suppliedKey
    ? { kind: 'file', file: resolve(suppliedKey), create: false }
    : app.store.kind === 'memory'
      ? { kind: 'ephemeral' }
      : { kind: 'file', file: join(app.dataDir, WEBHOOK_KEY_FILE), create: true };
  return {
    cloudEventsSource: source,
    sse: {
      heartbeatMs: integer(env, 'ONRECORD_SSE_HEARTBEAT_MS', 15_000, 10, 3_600_000),
      retryMs: integer(env, 'ONRECORD_SSE_RETRY_MS', 2_000, 0, 3_600_000),
      stallTimeoutMs: integer(env, 'ONRECORD_SSE_STALL_TIMEOUT_MS', 60_000, 10, 3_600_000),
      maxStreams: integer(env, 'ONRECORD_SSE_MAX_STREAMS', 100, 1, 100_000),
    },
    webhooks: {
      key,
      deliveryLogFile:
        app.store.kind === 'memory' ? ':memory:' : join(app.dataDir, WEBHOOK_DELIVERIES_FILE),
      legacyStoreFile: app.store.kind === 'memory' ? null : join(app.dataDir, LEGACY_WEBHOOKS_FILE),
      checkpointIntervalMs: integer(
        env,
        'ONRECORD_WEBHOOK_CHECKPOINT_MS',
        DEFAULT_WEBHOOK_CHECKPOINT_MS,
        10,
        3_600_000,
      ),
      timeoutMs: integer(env, 'ONRECORD_WEBHOOK_TIMEOUT_MS', 10_000, 10, 600_000),
      retry: {
        minDelayMs,
        maxDelayMs,
        pauseAfterFailures: integer(env, 'ONRECORD_WEBHOOK_PAUSE_AFTER', 10, 1, 1_000),
      },
      maxBodyBytes: MAX_DELIVERY_BYTES,
    },
  };
}
