import { type BundleVerification, verifyBundle } from '@onrecord/ledger';
import { type CliIo, EXIT_FAILED, EXIT_OK, readInput, toHex } from './cli-io.js';
import { type TrustedKey, readTrustedKey } from './trusted-key.js';

/**
 * `verify <bundle.json> [--key <trusted key>]`: every event's chain link and
 * hash, its inclusion proof, and the one checkpoint's signature.
 */
export function verifyBundleCommand(
  bundleFile: string,
  keyFile: string | undefined,
  json: boolean,
  io: CliIo,
): number {
  const trusted = keyFile === undefined ? null : readTrustedKey(keyFile);
  const text = readInput(bundleFile, 'bundle');
  let parsed: unknown;
  let result: BundleVerification;
  try {
    parsed = JSON.parse(text);
    result = verifyBundle(parsed, trusted ? { trustedPublicKeyPem: trusted.pem } : {});
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    result = { ok: false, check: 'format', reason: `not JSON: ${error.message}` };
  }
  if (result.ok && trusted?.verifierKey && trusted.verifierKey !== result.verifierKey) {
    result = {
      ok: false,
      check: 'trusted-key',
      reason: `the checkpoint is signed as ${result.verifierKey}, not the trusted ${trusted.verifierKey}`,
    };
  }

  if (json) {
    const output = result.ok
      ? {
          ...result,
          checkpoint: { ...result.checkpoint, rootHash: toHex(result.checkpoint.rootHash) },
        }
      : result;
    io.out(JSON.stringify({ command: 'verify', bundle: bundleFile, ...output }, null, 2));
  } else {
    io.out(
      result.ok
        ? describeOk(bundleFile, result, trusted, keyFile)
        : describeFailure(bundleFile, result),
    );
  }
  if (result.ok && !trusted) {
    io.err(
      'warning: no --key given. The bundle is consistent with itself, but whoever made it could have made its key too: ' +
        'pass --key with the ledger public key obtained from its operator (GET /ledger/public-key).',
    );
  }
  if (result.ok && trusted?.fromPrivateKey) {
    io.err('warning: --key is a private key; an auditor should hold only the public key.');
  }
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

function describeOk(
  file: string,
  result: Extract<BundleVerification, { ok: true }>,
  trusted: TrustedKey | null,
  keyFile: string | undefined,
): string {
  const { checkpoint } = result;
  return [
    `OK  ${file}: ${result.streamId}, revisions ${result.fromRevision}..${result.toRevision} (${result.eventCount} events${result.startsAtGenesis ? ', from the start of the stream' : '; earlier revisions are not in this bundle'})`,
    '    every event matches its hash, links to the one before it, and is included in the signed checkpoint',
    `    checkpoint: ${checkpoint.origin}, tree size ${checkpoint.treeSize}, signed ${checkpoint.timestamp}`,
    `    signed by:  ${result.verifierKey}`,
    trusted
      ? `    key:        matches the trusted key ${keyFile}`
      : '    key:        NOT checked against a trusted key (pass --key)',
  ].join('\n');
}

function describeFailure(file: string, result: Extract<BundleVerification, { ok: false }>): string {
  const at =
    result.eventId !== undefined
      ? `event ${result.eventId}${result.revision === undefined ? '' : ` (revision ${result.revision})`}`
      : 'bundle';
  return `FAILED  ${file}: ${at} fails the ${result.check} check: ${result.reason}`;
}
