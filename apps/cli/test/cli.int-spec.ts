import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemClock } from '@onrecord/kernel';
import { SqliteEventStore } from '@onrecord/event-store';
import {
  type DisputeBundle,
  DisputeBundleExportService,
  LEDGER_DATABASE_FILE,
  LEDGER_KEY_FILE,
  LedgerService,
  LedgerSigner,
  SqliteMerkleNodeStore,
  formatCheckpoint,
  loadLedgerKeyFile,
  signCheckpoint,
} from '@onrecord/ledger';
import { newEvent } from '../../../test/support/event-store.contract.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { runCli } from '../src/cli.js';

const ROOT = join(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'apps/cli/src/main.ts');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI as an auditor runs it: a child process, judged by exit code and output. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** runCli in this process, its output captured. */
async function inThisProcess(args: readonly string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (text) => (stdout += `${text}\n`),
    err: (text) => (stderr += `${text}\n`),
  });
  return { code, stdout, stderr };
}

/** Runs the named jobs at most `width` at a time; child processes beyond the cores only thrash. */
async function inPool<T>(
  jobs: ReadonlyArray<readonly [string, T]>,
  width: number,
  run: (job: readonly [string, T]) => Promise<Run>,
): Promise<Record<string, Run>> {
  const results: Record<string, Run> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      results[job[0]] = await run(job);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, worker));
  return results;
}

/**
 * Given a data directory as the API leaves it — events.sqlite, ledger.sqlite
 * with signed checkpoints, the generated key — with Acme's account exported
 * as a bundle and a consistency proof between two checkpoints.
 */
async function givenADataDirectory(dir: string): Promise<{
  bundle: DisputeBundle;
  publicKeyPem: string;
  consistency: object;
}> {
  const store = new SqliteEventStore({ file: join(dir, 'events.sqlite') });
  const storage = new SqliteMerkleNodeStore({ file: join(dir, LEDGER_DATABASE_FILE) });
  const key = loadLedgerKeyFile(join(dir, LEDGER_KEY_FILE), { create: true });
  const signer = new LedgerSigner('onrecord.local/ledger', key.pem);
  const ledger = new LedgerService(store, storage, signer, new SystemClock(), {});
  try {
    await ledger.start();
    for (let i = 0; i < 6; i++) {
      await store.appendToStream('account-globex', [newEvent('QuoteIssued', { quote: i })]);
      await store.appendToStream('account-acme', [
        newEvent('PromiseMade', { text: `acme promise ${i}: free freight on order 77${i}` }),
      ]);
    }
    const old = (await ledger.bundle(await store.readStream('account-acme'))).checkpoint;
    const last = await store.appendToStream('account-initech', [newEvent(), newEvent()]);
    await ledger.waitFor(last.position);
    const newer = await ledger.signCheckpoint();
    const bundle = await new DisputeBundleExportService(store, ledger).exportStream('account-acme');
    const oldSize = Number(old.split('\n')[1]);
    return {
      bundle: JSON.parse(JSON.stringify(bundle)) as DisputeBundle,
      publicKeyPem: signer.publicKeyPem,
      consistency: ledger.consistencyProof(oldSize, newer.treeSize),
    };
  } finally {
    await ledger.stop();
    storage.close();
    await store.close();
  }
}

describe("the auditor's CLI (the evidence checks run as child processes)", () => {
  const dir = tempDir('onrecord-cli-');
  const data = join(dir.path, 'data');
  const file = (name: string): string => join(dir.path, name);
  let bundle: DisputeBundle;
  let runs: Record<string, Run>;

  const writeBundle = (name: string, value: unknown): string => {
    writeFileSync(file(name), JSON.stringify(value, null, 2));
    return file(name);
  };

  beforeAll(async () => {
    const given = await givenADataDirectory(data);
    bundle = given.bundle;
    writeFileSync(file('ledger.pem'), given.publicKeyPem);
    writeFileSync(file('proof.json'), JSON.stringify(given.consistency));
    const good = writeBundle('good.json', bundle);

    // One byte changed in the file, inside the data of revision 2.
    const text = readFileSync(good, 'utf8');
    const at = text.indexOf('acme promise 2: free freight');
    writeFileSync(file('byte.json'), `${text.slice(0, at)}x${text.slice(at + 1)}`);
    writeBundle('dropped.json', { ...bundle, entries: bundle.entries.filter((_, i) => i !== 2) });
    const swapped = [...bundle.entries];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    writeBundle('reordered.json', { ...bundle, entries: swapped });
    const stranger = generateKeyPairSync('ed25519');
    const strangerPem = stranger.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeBundle('key-swapped.json', { ...bundle, publicKeyPem: strangerPem });
    // A checkpoint whose root was replaced: the signature no longer covers it.
    const [origin, size, , stamp, ...rest] = bundle.checkpoint.split('\n');
    const forgedRoot = Buffer.alloc(32, 7).toString('base64');
    writeBundle('forged.json', {
      ...bundle,
      checkpoint: [origin, size, forgedRoot, stamp, ...rest].join('\n'),
    });
    // A whole checkpoint forged with the forger's own key, its key shipped along.
    writeBundle('resigned.json', {
      ...bundle,
      checkpoint: signCheckpoint(
        formatCheckpoint({
          origin: origin!,
          treeSize: Number(size),
          rootHash: Buffer.alloc(32, 9),
          timestamp: new Date(),
        }),
        stranger.privateKey,
      ),
      publicKeyPem: strangerPem,
    });
    const proof = JSON.parse(readFileSync(file('proof.json'), 'utf8')) as { proof: string[] };
    proof.proof[0] = proof.proof[0]!.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    writeFileSync(file('bad-proof.json'), JSON.stringify(proof));

    // The same data directory with one byte changed in an event stored in events.sqlite.
    cpSync(data, file('tampered-data'), { recursive: true });
    const db = file('tampered-data/events.sqlite');
    const bytes = readFileSync(db);
    const marker = bytes.indexOf(Buffer.from('acme promise 4: free freight'));
    expect(marker).toBeGreaterThan(0);
    bytes[marker + 'acme promise 4: free '.length] = 'F'.charCodeAt(0);
    writeFileSync(db, bytes);

    const key = ['--key', file('ledger.pem')];
    const spawned = {
      good: ['verify', good, ...key],
      byte: ['verify', file('byte.json'), ...key],
      dropped: ['verify', file('dropped.json'), ...key],
      reordered: ['verify', file('reordered.json'), ...key],
      keySwapped: ['verify', file('key-swapped.json'), ...key],
      forged: ['verify', file('forged.json'), ...key],
      store: ['verify', '--store', data, ...key],
      tamperedStore: ['verify', '--store', file('tampered-data'), ...key, '--json'],
    };
    // The rest of the surface runs in this process: same code, without a Node start each.
    const inProcess = {
      goodJson: ['verify', good, ...key, '--json'],
      consistency: ['verify-consistency', file('proof.json'), ...key],
      badConsistency: ['verify-consistency', '--proof', file('bad-proof.json'), ...key],
      noKey: ['verify', good],
      resigned: ['verify', file('resigned.json'), ...key],
      usage: ['verify'],
      unknownOption: ['verify', good, '--kee', file('ledger.pem')],
      missingFile: ['verify', file('nowhere.json'), ...key],
      help: ['--help'],
    };
    runs = {
      ...(await inPool(Object.entries(spawned), availableParallelism(), ([, args]) =>
        cli(...args),
      )),
      ...(await inPool(Object.entries(inProcess), 1, ([, args]) => inThisProcess(args))),
    };
  }, 120_000);
  afterAll(() => dir.remove());

  const eventAt = (revision: number): string => bundle.entries[revision]!.event.id;

  it('given a good bundle and the trusted key, exits 0 and says what it proved', () => {
    expect(runs['good']).toMatchObject({ code: 0 });
    expect(runs['good']!.stdout).toContain('OK ');
    expect(runs['good']!.stdout).toContain('account-acme, revisions 0..5 (6 events');
    expect(runs['good']!.stdout).toContain('matches the trusted key');
    expect(JSON.parse(runs['goodJson']!.stdout)).toMatchObject({
      ok: true,
      keyTrusted: true,
      eventCount: 6,
      checkpoint: { treeSize: 15, rootHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
  });

  it('without --key, still exits 0 but warns that the key was not checked', () => {
    expect(runs['noKey']).toMatchObject({ code: 0 });
    expect(runs['noKey']!.stdout).toContain('NOT checked against a trusted key');
    expect(runs['noKey']!.stderr).toContain('warning: no --key given');
  });

  it.each([
    ['one byte changed', 'byte', 2, 'event-hash'],
    ['an event dropped', 'dropped', 3, 'revision'],
    ['two events reordered', 'reordered', 2, 'revision'],
  ])(
    'given a bundle with %s, exits 1 naming the failing event and check',
    (_, name, revision, check) => {
      const run = runs[name]!;
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        `event ${eventAt(revision)} (revision ${revision}) fails the ${check} check`,
      );
    },
  );

  it.each([
    ['its key swapped', 'keySwapped', 'trusted-key'],
    ['a forged checkpoint root', 'forged', 'checkpoint'],
    ['a checkpoint re-signed with a forger’s key', 'resigned', 'trusted-key'],
  ])('given a bundle with %s, exits 1 naming the check', (_, name, check) => {
    expect(runs[name]!.code).toBe(1);
    expect(runs[name]!.stdout).toContain(`bundle fails the ${check} check`);
  });

  it('verifies a whole data directory: chains, and the log against every signed checkpoint', () => {
    expect(runs['store']!.stderr).toContain('verifying');
    expect(runs['store']).toMatchObject({ code: 0 });
    expect(runs['store']!.stdout).toContain('4 streams, 16 events');
    expect(runs['store']!.stdout).toContain('matches all 2 signed checkpoints');
  });

  it('given one byte changed in events.sqlite, exits 1 naming that event first', () => {
    const run = runs['tamperedStore']!;
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as {
      ok: boolean;
      failures: Array<{ check: string; eventId?: string }>;
    };
    expect(result.ok).toBe(false);
    expect(result.failures[0]).toMatchObject({ check: 'chain', eventId: eventAt(4) });
    expect(result.failures.map((f) => f.check)).toEqual(
      expect.arrayContaining(['ledger-leaf', 'checkpoint-root']),
    );
    expect(result.failures.find((f) => f.check === 'ledger-leaf')).toMatchObject({
      eventId: eventAt(4),
    });
  });

  it('verifies a consistency proof between two checkpoints, and rejects an altered one', () => {
    expect(runs['consistency']).toMatchObject({ code: 0 });
    expect(runs['consistency']!.stdout).toMatch(
      /OK {2}the log onrecord\.local\/ledger at tree size 12 .* is a prefix of the log at tree size 15/s,
    );
    expect(runs['badConsistency']).toMatchObject({ code: 1 });
    expect(runs['badConsistency']!.stdout).toContain('FAILED  consistency');
  });

  it('exits 2 on a usage error or an unreadable input, and 0 on --help', () => {
    expect(runs['usage']).toMatchObject({ code: 2 });
    expect(runs['usage']!.stderr).toContain('verify needs a bundle file');
    expect(runs['unknownOption']).toMatchObject({ code: 2 });
    expect(runs['unknownOption']!.stderr).toContain('unknown option --kee');
    expect(runs['missingFile']).toMatchObject({ code: 2 });
    expect(runs['missingFile']!.stderr).toContain('cannot read bundle');
    expect(runs['help']).toMatchObject({ code: 0 });
    expect(runs['help']!.stdout).toContain('Exit codes:');
  });
});
