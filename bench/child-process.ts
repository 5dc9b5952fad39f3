import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: children run there so tsx finds tsconfig.json and its @onrecord paths. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Forks a bench/*.ts module under tsx with an IPC channel. */
export function forkTs(
  module: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): ChildProcess {
  return fork(fileURLToPath(new URL(module, import.meta.url)), [...args], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

/**
 * Sends one request to a forked bench module and waits for its one reply,
 * bounded in time: a child that hangs is killed and the run fails loudly.
 */
export function askChild<Reply>(
  module: string,
  request: unknown,
  timeoutMs: number,
  args: readonly string[] = [],
): Promise<Reply> {
  const child = forkTs(module, args);
  return new Promise<Reply>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new Error(`${module} took longer than ${timeoutMs} ms`)));
    }, timeoutMs);
    child.once('message', (reply: Reply) => finish(() => resolve(reply)));
    child.once('error', (error) => finish(() => reject(error)));
    child.once('exit', (code) =>
      finish(() => reject(new Error(`${module} exited with ${code} before answering`))),
    );
    child.send(request as object);
  });
}
