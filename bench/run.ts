import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FULL, SMOKE, type BenchConfig } from './bench-config.js';
import { REPO_ROOT } from './child-process.js';
import { claimsSection } from './claims-section.js';
import { httpSection } from './http-section.js';
import { rebuildSection } from './rebuild-section.js';
import { sseSection } from './sse-section.js';
import { type Report, type Row, RESULTS_DIR, formatTable, machine, writeReport } from './report.js';
import { storeSection } from './store-section.js';

/**
 * `npm run bench`: the whole benchmark on fresh temporary data directories,
 * one table on stdout, the same as JSON under bench/results/.
 *
 *   node --import tsx bench/run.ts            full run (installs bench/'s own packages when needed)
 *   node --import tsx bench/run.ts --smoke    seconds-long run for CI: tiny sizes, no peer, nothing judged
 *
 * Options: --no-build (use the dist/ already there), --only=store|http|claims|rebuild|sse.
 */
const args = new Set(process.argv.slice(2));
const only = [...args].find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const config: BenchConfig = args.has('--smoke') ? SMOKE : FULL;
const BENCH_DIR = join(REPO_ROOT, 'bench');

const SECTIONS = ['store', 'http', 'claims', 'rebuild', 'sse'] as const;
type Section = (typeof SECTIONS)[number];
/** The sections that run the built API (dist/). */
const SECTIONS_ON_DIST: readonly Section[] = ['http', 'claims', 'sse'];

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

function run(command: string, commandArgs: string[], what: string): void {
  log(`${what}: ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { cwd: REPO_ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status})`);
}

/**
 * The peer and autocannon live in bench/'s own package so the project's
 * `npm ci` and CI never compile sqlite3. `npm ci` there is slow (sqlite3
 * builds from source), so it runs only when the lock file or the Node.js
 * version (the native module's ABI) changed since the last install.
 */
function ensureBenchPackages(): void {
  const stamp = join(BENCH_DIR, 'node_modules', '.onrecord-bench-installed');
  const want = createHash('sha256')
    .update(readFileSync(join(BENCH_DIR, 'package-lock.json')))
    .update(process.version)
    .digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  run('npm', ['ci', '--prefix', 'bench', '--no-audit', '--no-fund'], 'installing bench packages');
  writeFileSync(stamp, want);
}

async function main(): Promise<void> {
  const started = new Date();
  const notes: string[] = [];
  const rows: Row[] = [];
  const full = config.mode === 'full';
  const wants = (section: Section) => only === undefined || only === section;

  if (only !== undefined && !SECTIONS.includes(only as Section)) {
    throw new Error(`--only=${only}: choose one of ${SECTIONS.join(', ')}`);
  }
  // Only the store's peer and the HTTP load generator live in bench/'s own package.
  if (full && (wants('store') || wants('http'))) ensureBenchPackages();
  const needsDist = SECTIONS_ON_DIST.some(wants);
  if (needsDist && !args.has('--no-build')) run('npm', ['run', 'build'], 'building dist/');

  if (wants('store')) {
    const store = await storeSection(config, full, log);
    rows.push(...store.rows);
    for (const [side, facts] of Object.entries(store.sides))
      notes.push(`${side}: ${Object.values(facts).join('; ')}`);
  }
  if (wants('http')) {
    const engine = full ? 'autocannon' : 'builtin';
    rows.push(...(await httpSection(config, engine, log)));
    notes.push(
      `http: load from ${engine === 'autocannon' ? 'autocannon' : 'a node:http generator'} in a child process, ${config.http.connections} keep-alive connections, ${config.http.seconds} s per run after ${config.http.warmupSeconds} s of warm-up, ${config.repetitions} runs per side`,
    );
  }
  for (const [section, measure] of [
    ['claims', claimsSection],
    ['rebuild', rebuildSection],
    ['sse', sseSection],
  ] as const) {
    if (!wants(section)) continue;
    const result = await measure(config, log);
    rows.push(...result.rows);
    notes.push(...result.notes);
  }

  if (!full) notes.push('smoke run: tiny sizes, no peer, nothing judged; the numbers mean nothing');
  if (wants('store') || wants('http'))
    notes.push(`store and http: medians over ${config.repetitions} fresh process(es) per side`);

  const report: Report = {
    mode: config.mode,
    startedAt: started.toISOString(),
    durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    machine: machine(),
    config,
    rows,
    notes,
  };
  const m = report.machine;
  console.log(
    `OnRecord benchmark (${config.mode}) — ${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB, Node.js ${m.node}, ${m.platform}`,
  );
  console.log('');
  console.log(formatTable(rows));
  console.log('');
  for (const note of notes) console.log(`- ${note}`);
  // Only a complete full run is a result to commit; smoke and --only runs go to a temporary folder.
  const complete = full && only === undefined;
  const dir = complete ? RESULTS_DIR : join(tmpdir(), 'onrecord-bench-partial');
  const written = writeReport(report, dir);
  console.log('');
  console.log(`written: ${written.join(', ')} (${report.durationSeconds} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
