import { UsageError, parseArgs } from './cli-args.js';
import { type CliIo, EXIT_USAGE } from './cli-io.js';
import { verifyBundleCommand } from './verify-bundle.command.js';
import { verifyConsistencyCommand } from './verify-consistency.command.js';
import { verifyStoreCommand } from './verify-store.command.js';

export const USAGE = `onrecord — the auditor's command line: verify OnRecord evidence offline.

Usage:
  npm run cli -- verify <bundle.json> [--key <ledger-key>] [--json]
      Verify a dispute bundle (GET /accounts/:id/export): every event's hash
      and chain link, its inclusion in the signed checkpoint, the signature.
  npm run cli -- verify-consistency <proof.json> --key <ledger-key>
                 [--old <checkpoint.note>] [--new <checkpoint.note>] [--json]
      Verify that the log at an older checkpoint is a prefix of the log at a
      newer one. <proof.json> is the answer of GET /ledger/proofs/consistency;
      --old / --new default to the checkpoints it carries (pass --old with the
      checkpoint you kept yourself).
  npm run cli -- verify --store <dataDir> [--key <ledger-key>] [--json]
      Verify a whole data directory: every stream's hash chain, and the
      Merkle log recomputed from events.sqlite against every signed
      checkpoint and the leaves in ledger.sqlite. Without --key, the key in
      the data directory is used (with a warning).

<ledger-key> is the log's Ed25519 public key: the PEM from GET
/ledger/public-key, or the C2SP verifier key line from its
x-ledger-verifier-key header.

Results go to stdout (--json for machine output), progress and warnings
to stderr.

Exit codes:
  0  everything verified
  1  verification failed: the output names the first failing event and check
  2  usage error: bad arguments, or an input file that cannot be read`;

/** Runs one command line; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) {
      io.err(USAGE);
      return EXIT_USAGE;
    }
    if (command === 'help' || command === '--help' || command === '-h') return help(io);
    switch (command) {
      case 'verify': {
        const args = parseArgs(rest, { options: ['key', 'store'], flags: ['json', 'help'] });
        if (args.flags.has('help')) return help(io);
        const store = args.options.get('store');
        if (store !== undefined) {
          if (args.positionals.length > 0)
            throw new UsageError('verify --store takes no bundle file');
          return await verifyStoreCommand(
            store,
            args.options.get('key'),
            args.flags.has('json'),
            io,
          );
        }
        const [bundle, ...extra] = args.positionals;
        if (bundle === undefined)
          throw new UsageError('verify needs a bundle file, or --store <dataDir>');
        if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
        return verifyBundleCommand(bundle, args.options.get('key'), args.flags.has('json'), io);
      }
      case 'verify-consistency': {
        const args = parseArgs(rest, {
          options: ['key', 'proof', 'old', 'new'],
          flags: ['json', 'help'],
        });
        if (args.flags.has('help')) return help(io);
        const proofFile = args.options.get('proof') ?? args.positionals[0];
        const extra = args.positionals.slice(args.options.has('proof') ? 0 : 1);
        if (proofFile === undefined) throw new UsageError('verify-consistency needs a proof file');
        if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
        const keyFile = args.options.get('key');
        if (keyFile === undefined) {
          throw new UsageError(
            'verify-consistency needs --key: a checkpoint is only worth the key that signed it',
          );
        }
        return verifyConsistencyCommand(
          {
            proofFile,
            oldFile: args.options.get('old'),
            newFile: args.options.get('new'),
            keyFile,
          },
          args.flags.has('json'),
          io,
        );
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`onrecord: ${error.message}\nRun with --help for usage.`);
      return EXIT_USAGE;
    }
    io.err(`onrecord: ${(error as Error).stack ?? String(error)}`);
    return EXIT_USAGE;
  }
}

function help(io: CliIo): number {
  io.out(USAGE);
  return 0;
}
