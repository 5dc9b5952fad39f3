import { join } from 'node:path';
import { type AppConfig, ConfigError } from '@onrecord/platform';
import type { RetryPolicy } from '../domain/retry-schedule.js';

export const WEBHOOKS_DATABASE_FILE = 'webhooks.sqlite';
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
    /** `<dataDir>/webhooks.sqlite`, or `:memory:` when the event store keeps nothing either. */
    readonly databaseFile: string;
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
  return {
    cloudEventsSource: source,
    sse: {
      heartbeatMs: integer(env, 'ONRECORD_SSE_HEARTBEAT_MS', 15_000, 10, 3_600_000),
      retryMs: integer(env, 'ONRECORD_SSE_RETRY_MS', 2_000, 0, 3_600_000),
      stallTimeoutMs: integer(env, 'ONRECORD_SSE_STALL_TIMEOUT_MS', 60_000, 10, 3_600_000),
      maxStreams: integer(env, 'ONRECORD_SSE_MAX_STREAMS', 100, 1, 100_000),
    },
    webhooks: {
      databaseFile:
        app.store.kind === 'memory' ? ':memory:' : join(app.dataDir, WEBHOOKS_DATABASE_FILE),
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
