import {
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export interface PrivateFileOptions {
  /** How messages name the file, e.g. "The ledger signing key". */
  readonly what: string;
  /** Appended to "does not exist" when the file was not to be generated: what the setting must name. */
  readonly missingHint: string;
  /** Content for a new file; when given and the file is missing, it is generated. */
  readonly generate?: () => string;
  /** Builds the caller's own error class from a message. */
  readonly error: (message: string) => Error;
}

/**
 * Reads a secret file (a key) that only its owner may read or write, like ssh
 * with its private keys: whoever reads it can act in the deployment's name.
 * With `generate`, a missing file is first written with mode 0600 from the
 * first byte (never a moment with a looser mode) and fsynced with its folder,
 * since whatever was sealed or signed under a key a crash then lost could
 * never be opened or checked again. Of two processes creating it at once,
 * one writes and both read that file.
 */
export function readPrivateFile(
  file: string,
  options: PrivateFileOptions,
): { readonly content: Buffer; readonly created: boolean } {
  const created =
    options.generate !== undefined && !exists(file) && create(file, options.generate());
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw options.error(
      `${options.what} ${file} does not exist` +
        (options.generate ? '' : ` (${options.missingHint})`),
    );
  }
  if (!stat.isFile()) throw options.error(`${options.what} ${file} is not a file`);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw options.error(
      `${options.what} ${file} has mode ${mode}: it must be readable by its owner only. Run: chmod 600 ${file}`,
    );
  }
  return { content: readFileSync(file), created };
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Returns false when another process created the file first. */
function create(file: string, content: string): boolean {
  mkdirSync(dirname(file), { recursive: true });
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (process.platform !== 'win32') {
    const dir = openSync(dirname(file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
  return true;
}
