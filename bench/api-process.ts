import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../test/support/api-process.js';
import { REPO_ROOT, profilingArgs } from './child-process.js';

/**
 * The real API in a process of its own, as `npm start` runs it, and the
 * few HTTP calls the sections make to set it up. Every section that talks
 * to the API goes through here.
 */

/** The bootstrap manager's key (ONRECORD_BOOTSTRAP_KEY) on every fresh data directory. */
export const MANAGER_KEY = 'onr_bench-manager-key-000000000000000000000000';
export const API_ENTRY = join(REPO_ROOT, 'dist/apps/api/src/main.js');

export interface RunningServer {
  readonly origin: string;
  stop(): Promise<void>;
}

// One definition with the tests' own, re-exported for the sections.
export { freePort };

/** The environment the API reads (see README, Configuration) for a bench run. */
export function apiEnv(port: number, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ONRECORD_DATA_DIR: dataDir,
    ONRECORD_BOOTSTRAP_KEY: MANAGER_KEY,
    LOG_LEVEL: 'info',
  };
}

/**
 * Polls /health until it answers 200. The API listens only after every read
 * model caught up with the store, so on a seeded store this is the time the
 * catch-up takes.
 */
export async function waitForHealth(
  origin: string,
  child: ChildProcess,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${origin}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the API did not become healthy within ${timeoutMs / 1000} s`);
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The real API as `npm start` runs it: the built dist/, the embedded store in
 * `dataDir`, default logging (info, to /dev/null here).
 */
export async function startRealApi(
  dataDir: string,
  readyTimeoutMs?: number,
): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [...profilingArgs(), API_ENTRY], {
    cwd: REPO_ROOT,
    env: apiEnv(port, dataDir),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(origin, child, readyTimeoutMs);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { origin, stop: () => stopChild(child) };
}

async function call<T>(
  origin: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export function postJson<T>(origin: string, path: string, key: string, body: unknown): Promise<T> {
  return call<T>(origin, 'POST', path, key, body);
}

export function getJson<T>(origin: string, path: string, key: string): Promise<T> {
  return call<T>(origin, 'GET', path, key);
}

/** Registers an actor with the manager's key; returns the actor's new API key. */
export async function registerActor(
  origin: string,
  actor: { readonly id: string; readonly role: string },
): Promise<string> {
  const issued = await postJson<{ key: string }>(origin, '/actors', MANAGER_KEY, {
    id: actor.id,
    name: `Bench ${actor.id}`,
    role: actor.role,
  });
  return issued.key;
}
