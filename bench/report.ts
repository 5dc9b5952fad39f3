import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Verdict = 'pass' | 'miss' | 'not judged';

/** One line of the table, with the raw numbers behind its formatted cells. */
export interface Row {
  readonly section: string;
  readonly workload: string;
  readonly onrecord: string;
  readonly peer: string;
  readonly ratio: string;
  readonly budget: string;
  readonly verdict: Verdict;
  /** Raw figures (medians, samples, units) for the JSON file. */
  readonly values?: Record<string, unknown>;
}

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function machine(): Machine {
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** 12345.6 -> "12,346"; small numbers keep a decimal or two so they are not rounded to zero. */
export function formatNumber(value: number): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A count of things: always a whole number. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatRatio(value: number): string {
  const text = Number.isInteger(value) || value >= 10 ? value.toFixed(0) : value.toFixed(2);
  return `${text}×`;
}

type Column = Exclude<keyof Row, 'values'>;

const COLUMNS: ReadonlyArray<[Column, string]> = [
  ['section', 'section'],
  ['workload', 'workload'],
  ['onrecord', 'OnRecord'],
  ['peer', 'peer / ceiling'],
  ['ratio', 'ratio'],
  ['budget', 'budget'],
  ['verdict', 'pass/miss'],
];

/** Plain aligned text: readable in a terminal, a CI log and a commit message alike. */
export function formatTable(rows: readonly Row[]): string {
  const cell = (row: Row, key: Column) => row[key];
  const widths = COLUMNS.map(([key, title]) =>
    Math.max(title.length, ...rows.map((row) => cell(row, key).length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((text, i) => text.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const header = line(COLUMNS.map(([, title]) => title));
  return [
    header,
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(COLUMNS.map(([key]) => cell(row, key)))),
  ].join('\n');
}

export interface Report {
  readonly mode: 'full' | 'smoke';
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: Machine;
  readonly config: unknown;
  readonly rows: readonly Row[];
  readonly notes: readonly string[];
}

/** Where full runs keep their results, for committing. */
export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/**
 * Writes `<timestamp>.json` and `latest.json` into `dir`. Written to a .tmp
 * file and renamed, so a crash never leaves half a file to commit.
 */
export function writeReport(report: Report, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const written: string[] = [];
  for (const name of [`${stamp}.json`, 'latest.json']) {
    const file = join(dir, name);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    written.push(file);
  }
  return written;
}
