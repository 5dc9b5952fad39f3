import { resolve } from 'node:path';
import { type StoreConfig, parseStoreConfig } from '@onrecord/event-store';
import {
  DEFAULT_REQUEST_LOG_LEVEL,
  REQUEST_LOG_LEVELS,
  type RequestLogLevel,
  isRequestLogLevel,
} from '../http/request-log.js';

/** Everything the API reads from its environment, parsed once at start. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly store: StoreConfig;
  readonly logLevel: string;
  /** Level of the two lines Fastify writes per request (ONRECORD_REQUEST_LOG_LEVEL). */
  readonly requestLogLevel: RequestLogLevel;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimit: number;
  /** Manager key to create on first start instead of a random one. */
  readonly bootstrapKey: string | undefined;
  /**
   * The environment this was read from. Each capability module reads its own
   * settings from here (never from process.env directly), so an app built
   * from a given environment — a test's, a second replica's — sees only it.
   */
  readonly env: Readonly<NodeJS.ProcessEnv>;
}

export const DEFAULT_BODY_LIMIT = 256 * 1024;

export class ConfigError extends Error {}

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

function requestLogLevel(env: NodeJS.ProcessEnv): RequestLogLevel {
  const raw = env['ONRECORD_REQUEST_LOG_LEVEL'];
  if (raw === undefined || raw === '') return DEFAULT_REQUEST_LOG_LEVEL;
  if (!isRequestLogLevel(raw)) {
    throw new ConfigError(
      `ONRECORD_REQUEST_LOG_LEVEL=${raw} must be one of ${REQUEST_LOG_LEVELS.join(', ')}`,
    );
  }
  return raw;
}

export function readAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = resolve(env['ONRECORD_DATA_DIR'] || './data');
  let store: StoreConfig;
  try {
    store = parseStoreConfig(env['ONRECORD_STORE'], dataDir);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env['HOST'] || '127.0.0.1',
    dataDir,
    store,
    logLevel: env['LOG_LEVEL'] || 'info',
    requestLogLevel: requestLogLevel(env),
    bodyLimit: integer(env, 'ONRECORD_BODY_LIMIT', DEFAULT_BODY_LIMIT, 1024, 16 * 1024 * 1024),
    bootstrapKey: env['ONRECORD_BOOTSTRAP_KEY'] || undefined,
    env: { ...env },
  };
}
