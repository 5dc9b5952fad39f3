import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SqliteEventStore } from '@onrecord/event-store';
import {
  LEDGER_DATABASE_FILE,
  LEDGER_KEY_FILE,
  SqliteMerkleNodeStore,
  type StoreFailure,
  type StoreVerification,
  verifyLedgerStore,
} from '@onrecord/ledger';
import { UsageError } from './cli-args.js';
import { type CliIo, EXIT_FAILED, EXIT_OK } from './cli-io.js';
import { readTrustedKey } from './trusted-key.js';

const EVENTS_FILE = 'events.sqlite';

/**
 * `verify --store <dataDir> [--key <trusted key>]`: every stream's hash
 * chain, and the Merkle log recomputed from the events against every signed
 * checkpoint in ledger.sqlite (signature and root) and the ledger's own leaves.
 */
export async function verifyStoreCommand(
  dataDir: string,
  keyFile: string | undefined,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const dir = resolve(dataDir);
  const eventsFile = join(dir, EVENTS_FILE);
  const ledgerFile = join(dir, LEDGER_DATABASE_FILE);
  // The store adapter creates a missing file; an auditor must never get an empty store verified.
  if (!existsSync(eventsFile))
    throw new UsageError(`${dir} holds no ${EVENTS_FILE}: not an OnRecord data directory`);
  if (!existsSync(ledgerFile)) {
    throw new UsageError(
      `${dir} holds no ${LEDGER_DATABASE_FILE}: the API has not run with the ledger on this data`,
    );
  }
  const ownKey = join(dir, LEDGER_KEY_FILE);
  if (keyFile === undefined && !existsSync(ownKey)) {
    throw new UsageError(`pass --key <ledger public key PEM>: ${dir} holds no ${LEDGER_KEY_FILE}`);
  }
  const key = readTrustedKey(keyFile ?? ownKey);
  if (keyFile === undefined) {
    io.err(
      `warning: no --key given; checking signatures with the key in the data directory (${LEDGER_KEY_FILE}). ` +
        'Whoever could change the data could change that key too: pass --key with the public key you obtained independently.',
    );
  }

  const store = new SqliteEventStore({ file: eventsFile });
  let ledger: SqliteMerkleNodeStore | null = null;
  let result: StoreVerification;
  try {
    ledger = new SqliteMerkleNodeStore({ file: ledgerFile, readonly: true });
    io.err(`verifying ${dir} …`);
    result = await verifyLedgerStore(store, ledger, {
      publicKey: key.verifierKey ?? key.pem,
      onProgress: ({ phase, done }) =>
        io.err(
          phase === 'log'
            ? `  ${done} events hashed into the log…`
            : `  ${done} streams chain-checked…`,
        ),
    });
  } finally {
    ledger?.close();
    await store.close();
  }

  if (json) {
    io.out(
      JSON.stringify(
        {
          command: 'verify-store',
          dataDir: dir,
          ...result,
          latestCheckpoint: result.latestCheckpoint && {
            origin: result.latestCheckpoint.origin,
            treeSize: result.latestCheckpoint.treeSize,
            timestamp: result.latestCheckpoint.timestamp,
          },
        },
        null,
        2,
      ),
    );
  } else {
    io.out(result.ok ? describeOk(dir, result) : describeFailures(dir, result));
  }
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

function describeOk(dir: string, result: StoreVerification): string {
  const latest = result.latestCheckpoint!;
  return [
    `OK  ${dir}: ${result.streams} streams, ${result.events} events`,
    "    every stream's hash chain holds",
    `    the Merkle log recomputed from the events matches ${result.checkpoints === 1 ? 'the signed checkpoint' : `all ${result.checkpoints} signed checkpoints`} and the ledger's leaves and tree`,
    `    latest checkpoint: ${latest.origin}, tree size ${latest.treeSize}, signed ${latest.timestamp}`,
    result.eventsAfterCheckpoint > 0
      ? `    ${result.eventsAfterCheckpoint === 1 ? '1 event' : `${result.eventsAfterCheckpoint} events`} recorded after it: chain-checked, not yet in a signed checkpoint`
      : '    every event is covered by the latest checkpoint',
  ].join('\n');
}

function describeFailures(dir: string, result: StoreVerification): string {
  const [first, ...rest] = result.failures;
  return [
    `FAILED  ${dir}: ${describe(first!)}`,
    ...rest.map((failure) => `        also: ${describe(failure)}`),
    `    (${result.streams} streams, ${result.events} events read)`,
  ].join('\n');
}

function describe(failure: StoreFailure): string {
  const at =
    failure.eventId !== undefined
      ? `event ${failure.eventId} (${failure.streamId ?? '?'} revision ${failure.revision ?? '?'})`
      : failure.treeSize !== undefined
        ? `checkpoint at tree size ${failure.treeSize}`
        : 'ledger';
  return `${at} fails the ${failure.check} check: ${failure.reason}`;
}
