/**
 * The auditor's command line (plain Node, no NestJS application):
 *
 *   npm run cli -- verify bundle.json --key ledger.pem
 *
 * See `npm run cli -- --help` and cli.ts for commands and exit codes.
 */
import { runCli } from './cli.js';

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
process.exitCode = code;
