import { Agent, request as httpRequest } from 'node:http';
import { percentile } from './stats.js';

/**
 * The load generator, always in a process of its own so it never shares an
 * event loop with the server it measures. autocannon when bench/node_modules
 * has it (full runs); otherwise (smoke, CI) a small keep-alive generator on
 * node:http with the same request mix and the same reply.
 */
export interface LoadRequest {
  readonly origin: string;
  readonly method: 'POST';
  /** Paths used round robin, one per request. */
  readonly paths: readonly string[];
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly connections: number;
  readonly seconds: number;
  readonly maxRequests: number;
  readonly engine: 'autocannon' | 'builtin';
}

export interface LoadResult {
  readonly engine: string;
  readonly seconds: number;
  readonly requests: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

export type LoadReply = { ok: true; result: LoadResult } | { ok: false; error: string };

/** The slice of autocannon's programmatic API used here (typed locally: not installed in CI). */
interface AutocannonResult {
  duration: number;
  requests: { total: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number; max: number };
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

const AUTOCANNON = 'autocannon';

async function withAutocannon(load: LoadRequest): Promise<LoadResult> {
  const module = (await import(AUTOCANNON)) as { default: Autocannon };
  let next = 0;
  const result = await module.default({
    url: load.origin,
    connections: load.connections,
    duration: load.seconds,
    maxOverallRequests: load.maxRequests,
    method: load.method,
    headers: load.headers,
    body: load.body,
    requests: [
      {
        method: load.method,
        setupRequest: (request: Record<string, unknown>) => ({
          ...request,
          path: load.paths[next++ % load.paths.length],
        }),
      },
    ],
  });
  return {
    engine: 'autocannon',
    seconds: result.duration,
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  };
}

async function withNodeHttp(load: LoadRequest): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: load.connections });
  const url = new URL(load.origin);
  const latencies: number[] = [];
  let sent = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let next = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(load.seconds * 1e9));
  const once = () =>
    new Promise<void>((resolve) => {
      const began = process.hrtime.bigint();
      const req = httpRequest(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: load.method,
          path: load.paths[next++ % load.paths.length],
          headers: { ...load.headers, 'content-length': Buffer.byteLength(load.body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(Number(process.hrtime.bigint() - began) / 1e6);
            if (res.statusCode !== undefined && res.statusCode < 300) ok++;
            else non2xx++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(load.body);
    });
  await Promise.all(
    Array.from({ length: load.connections }, async () => {
      while (process.hrtime.bigint() < deadline && sent < load.maxRequests) {
        sent++;
        await once();
      }
    }),
  );
  agent.destroy();
  return {
    engine: 'node:http',
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    requests: sent,
    ok,
    non2xx,
    errors,
    latencyMs:
      latencies.length > 0
        ? {
            p50: percentile(latencies, 50),
            p99: percentile(latencies, 99),
            max: percentile(latencies, 100),
          }
        : { p50: 0, p99: 0, max: 0 },
  };
}

process.once('message', (load: LoadRequest) => {
  (load.engine === 'autocannon' ? withAutocannon(load) : withNodeHttp(load)).then(
    (result) => process.send?.({ ok: true, result } satisfies LoadReply, () => process.exit(0)),
    (error: unknown) =>
      process.send?.(
        {
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies LoadReply,
        () => process.exit(1),
      ),
  );
});
