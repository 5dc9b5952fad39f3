import 'reflect-metadata';
import { readAppConfig, createRootLogger } from '@onrecord/platform';
import { createApp } from './create-app.js';

async function main(): Promise<void> {
  const config = readAppConfig();
  const logger = createRootLogger(config.logLevel);
  const app = await createApp(config, { logger });
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { port: config.port, host: config.host, store: config.store.kind, dataDir: config.dataDir },
    'OnRecord is listening',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
