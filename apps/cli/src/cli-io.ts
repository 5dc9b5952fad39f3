import { readFileSync } from 'node:fs';
import { UsageError } from './cli-args.js';

/** Where the CLI writes: results to `out` (stdout), progress and warnings to `err` (stderr). */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Exit codes, as documented in `--help` and the README. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function readInput(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}

/** Lowercase hex, as every hash in a bundle and a proof is written. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
