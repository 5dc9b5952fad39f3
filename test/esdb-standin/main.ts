/**
 * Runs the EventStoreDB protocol stand-in on its own:
 *
 *   npx tsx test/esdb-standin/main.ts --port 2113 [--host 127.0.0.1] [--max-append-size 1048576]
 *
 * then point the app at it with ONRECORD_STORE=esdb://127.0.0.1:2113?tls=false.
 * SIGUSR2 cuts every client connection (to watch clients reconnect);
 * SIGINT / SIGTERM stop it. Events live in memory only.
 */
import { parseArgs } from 'node:util';
import { EsdbStandin } from './esdb-standin.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '2113' },
    host: { type: 'string', default: '127.0.0.1' },
    'max-append-size': { type: 'string' },
  },
  strict: true,
});

function positiveInteger(name: string, text: string, allowZero: boolean): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    console.error(`--${name} must be an integer${allowZero ? ' >= 0' : ' > 0'}, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const standin = await EsdbStandin.start({
  host: values.host,
  port: positiveInteger('port', values.port, true),
  ...(values['max-append-size']
    ? { maxAppendSize: positiveInteger('max-append-size', values['max-append-size'], false) }
    : {}),
});
console.log(`EventStoreDB stand-in listening: ${standin.connectionString}`);

process.on('SIGUSR2', () => {
  console.log(`dropped ${standin.dropConnections()} client connection(s)`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void standin.stop().then(() => process.exit(0));
  });
}
