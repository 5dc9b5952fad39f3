import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: children run there so tsx finds tsconfig.json and its @onrecord paths. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * With BENCH_CPU_PROF=<dir>, every bench child and API process writes a V8
 * CPU profile there when it exits: the way to see where a missed budget goes.
 */
export function profilingArgs(): string[] {
  const dir = process.env['BENCH_CPU_PROF'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** Forks a bench/*.ts module under tsx with an IPC channel. */
export function forkTs(
  module: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): ChildProcess {
  return fork(fileURLToPath(new URL(module, import.meta.url)), [...args], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx', ...profilingArgs()],
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

/** What a bench child answers each request with: its result, or the error that stopped it. */
export type ChildReply<Result> = { ok: true; result: Result } | { ok: false; error: string };

const describe = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

/**
 * The child's side of a ChildSession: answers each request from the parent,
 * in order, with `handle`'s result or its error. With `once` the process
 * exits after the first answer; otherwise when the parent disconnects
 * (after `onDisconnect`, which lets it close what it opened).
 */
export function answerParent<Request, Result>(
  handle: (request: Request) => Promise<Result>,
  options: { once?: boolean; onDisconnect?: () => Promise<void> } = {},
): void {
  let queue: Promise<void> = Promise.resolve();
  const answer = (reply: ChildReply<Result>, exitCode: number) =>
    new Promise<void>((resolve) =>
      process.send?.(reply, () => {
        if (options.once) process.exit(exitCode);
        resolve();
      }),
    );
  process.on('message', (request: Request) => {
    queue = queue.then(() =>
      handle(request).then(
        (result) => answer({ ok: true, result }, 0),
        (error: unknown) => answer({ ok: false, error: describe(error) }, 1),
      ),
    );
  });
  process.once('disconnect', () => {
    void queue.then(() => options.onDisconnect?.()).finally(() => process.exit(0));
  });
}

/**
 * A forked bench module the parent talks to in several steps (start, then
 * measure, then collect): each request gets one reply, bounded in time; a
 * child that hangs is killed and the run fails loudly.
 */
export class ChildSession {
  private readonly child: ChildProcess;

  constructor(
    private readonly module: string,
    env: NodeJS.ProcessEnv = {},
  ) {
    this.child = forkTs(module, [], env);
  }

  /** One request in a fresh child that exits after answering. */
  static async once<Result>(module: string, request: object, timeoutMs: number): Promise<Result> {
    const session = new ChildSession(module);
    try {
      return await session.request<Result>(request, timeoutMs);
    } finally {
      await session.stop();
    }
  }

  request<Result>(request: object, timeoutMs: number): Promise<Result> {
    const child = this.child;
    return new Promise<Result>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        cleanup();
        child.kill('SIGKILL');
        reject(new Error(`${this.module} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (reply: ChildReply<Result>) => {
        cleanup();
        if (reply.ok) resolve(reply.result);
        else reject(new Error(`${this.module} failed: ${reply.error}`));
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${this.module} exited with ${code} before answering`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(request);
    });
  }

  /** Disconnects, which lets the child close what it opened; killed if it takes over 30 s. */
  stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (child.connected) child.disconnect();
      else child.kill('SIGTERM');
    });
  }
}
