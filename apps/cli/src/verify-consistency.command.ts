import {
  CheckpointVerificationError,
  type VerifiedCheckpoint,
  verifyCheckpoint,
  verifyConsistency,
} from '@onrecord/ledger';
import { UsageError } from './cli-args.js';
import { type CliIo, EXIT_FAILED, EXIT_OK, readInput } from './cli-io.js';
import { readTrustedKey } from './trusted-key.js';

type ConsistencyCheck =
  'old-checkpoint' | 'new-checkpoint' | 'origin' | 'proof-format' | 'sizes' | 'consistency';

type ConsistencyResult =
  | {
      readonly ok: true;
      readonly old: VerifiedCheckpoint;
      readonly new: VerifiedCheckpoint;
      readonly proofLength: number;
    }
  | { readonly ok: false; readonly check: ConsistencyCheck; readonly reason: string };

export interface ConsistencyInputs {
  /** The answer of GET /ledger/proofs/consistency, saved as JSON. */
  readonly proofFile: string;
  /** The older checkpoint note the auditor kept; default the proof's fromCheckpoint. */
  readonly oldFile: string | undefined;
  /** The newer checkpoint note; default the proof's toCheckpoint. */
  readonly newFile: string | undefined;
  readonly keyFile: string;
}

/**
 * `verify-consistency`: both checkpoints are signed by the trusted key, and
 * the proof shows the older tree is a prefix of the newer one — nothing the
 * older checkpoint covered was changed, dropped or reordered since.
 */
export function verifyConsistencyCommand(
  inputs: ConsistencyInputs,
  json: boolean,
  io: CliIo,
): number {
  const key = readTrustedKey(inputs.keyFile);
  const proofText = readInput(inputs.proofFile, 'proof');
  const result = check(proofText, inputs, key.verifierKey ?? key.pem);
  if (json) {
    io.out(
      JSON.stringify(
        result.ok
          ? {
              command: 'verify-consistency',
              ok: true,
              from: { treeSize: result.old.treeSize, timestamp: result.old.timestamp },
              to: { treeSize: result.new.treeSize, timestamp: result.new.timestamp },
              origin: result.old.origin,
              proofLength: result.proofLength,
            }
          : { command: 'verify-consistency', ...result },
        null,
        2,
      ),
    );
  } else {
    io.out(
      result.ok
        ? [
            `OK  the log ${result.old.origin} at tree size ${result.old.treeSize} (signed ${result.old.timestamp})`,
            `    is a prefix of the log at tree size ${result.new.treeSize} (signed ${result.new.timestamp}):`,
            `    the consistency proof of ${result.proofLength} hash${result.proofLength === 1 ? '' : 'es'} holds and both checkpoints are signed by the trusted key`,
          ].join('\n')
        : `FAILED  ${result.check}: ${result.reason}`,
    );
  }
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

function check(proofText: string, inputs: ConsistencyInputs, key: string): ConsistencyResult {
  let proof: unknown;
  try {
    proof = JSON.parse(proofText);
  } catch (error) {
    return {
      ok: false,
      check: 'proof-format',
      reason: `the proof file is not JSON (${(error as Error).message})`,
    };
  }
  if (typeof proof !== 'object' || proof === null) {
    return { ok: false, check: 'proof-format', reason: 'the proof file is not a JSON object' };
  }
  const fields = proof as Record<string, unknown>;
  const oldNote = inputs.oldFile
    ? readInput(inputs.oldFile, 'old checkpoint')
    : fields['fromCheckpoint'];
  const newNote = inputs.newFile
    ? readInput(inputs.newFile, 'new checkpoint')
    : fields['toCheckpoint'];
  if (typeof oldNote !== 'string') {
    throw new UsageError(
      'no older checkpoint: pass --old <note file> (the proof file carries none)',
    );
  }
  if (typeof newNote !== 'string') {
    throw new UsageError(
      'no newer checkpoint: pass --new <note file> (the proof file carries none)',
    );
  }
  let older: VerifiedCheckpoint;
  let newer: VerifiedCheckpoint;
  try {
    older = verifyCheckpoint(oldNote, key);
  } catch (error) {
    if (!(error instanceof CheckpointVerificationError)) throw error;
    return { ok: false, check: 'old-checkpoint', reason: error.message };
  }
  try {
    newer = verifyCheckpoint(newNote, key);
  } catch (error) {
    if (!(error instanceof CheckpointVerificationError)) throw error;
    return { ok: false, check: 'new-checkpoint', reason: error.message };
  }
  if (older.origin !== newer.origin) {
    return {
      ok: false,
      check: 'origin',
      reason: `the checkpoints are of two logs: ${older.origin} and ${newer.origin}`,
    };
  }
  const hashes = fields['proof'];
  if (
    !Array.isArray(hashes) ||
    !hashes.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))
  ) {
    return {
      ok: false,
      check: 'proof-format',
      reason: 'proof is not a list of 64-digit lowercase hex hashes',
    };
  }
  if (fields['from'] !== older.treeSize || fields['to'] !== newer.treeSize) {
    return {
      ok: false,
      check: 'sizes',
      reason: `the proof is from ${String(fields['from'])} to ${String(fields['to'])}, the checkpoints are at ${older.treeSize} and ${newer.treeSize}`,
    };
  }
  if (older.treeSize > newer.treeSize) {
    return {
      ok: false,
      check: 'sizes',
      reason: `the older checkpoint (${older.treeSize}) is larger than the newer (${newer.treeSize})`,
    };
  }
  const path = (hashes as string[]).map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
  if (!verifyConsistency(older.treeSize, newer.treeSize, path, older.rootHash, newer.rootHash)) {
    return {
      ok: false,
      check: 'consistency',
      reason: `the proof does not show the tree of ${older.treeSize} leaves is a prefix of the tree of ${newer.treeSize}: the log was rewritten, or the proof is wrong`,
    };
  }
  return { ok: true, old: older, new: newer, proofLength: path.length };
}
