import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pino } from 'pino';
import type { Clock } from '@onrecord/kernel';
import type { EventStore } from '@onrecord/event-store';
import { readAppConfig, type AppConfig } from '@onrecord/platform';
import { createApp } from '../../apps/api/src/create-app.js';
import { tempDir } from './temp-dir.js';

export interface RunningApi {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly config: AppConfig;
  /** Stops the server (draining in-flight work) and removes the data directory. */
  stop(): Promise<void>;
}

/**
 * The real API on a real port over the real embedded store in a fresh data
 * directory: what `npm start` runs, minus the log noise.
 */
export async function startApi(
  env: Record<string, string> = {},
  overrides: { store?: EventStore; clock?: Clock; dataDir?: string } = {},
): Promise<RunningApi> {
  const dir = overrides.dataDir ? null : tempDir('onrecord-api-');
  const config = readAppConfig({
    LOG_LEVEL: 'silent',
    ONRECORD_DATA_DIR: overrides.dataDir ?? dir!.path,
    PORT: '0',
    ...env,
  });
  const app = await createApp(config, {
    logger: pino({ level: config.logLevel }),
    docsUi: false,
    ...(overrides.store ? { store: overrides.store } : {}),
    ...(overrides.clock ? { clock: overrides.clock } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let stopped = false;
  return {
    app,
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await app.close();
      dir?.remove();
    },
  };
}
