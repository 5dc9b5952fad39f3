import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The API in a process of its own: what a test kills with SIGKILL, as a crash would. */
export interface ApiProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** SIGKILL, then waits for the process to be gone; nothing if it already is. */
  kill(): Promise<void>;
}

/**
 * Starts apps/api/src/main.ts (through tsx) with `env` on top of this
 * process's environment, on a free port, and resolves once /health answers.
 */
export async function spawnApiProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/api/src/main.ts')], {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const kill = async (): Promise<void> => {
    if (gone()) return;
    child.kill('SIGKILL');
    await exited;
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${baseUrl}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { baseUrl, child, kill };
    if (gone() || Date.now() > deadline) {
      await kill();
      throw new Error(`the API process did not answer /health within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
