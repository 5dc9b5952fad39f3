import { Agent, request as httpRequest } from 'node:http';
import { answerParent } from './child-process.js';

/**
 * A desk client in a process of its own: one keep-alive connection, one
 * request at a time, each timed from send to the last byte of the answer.
 * Every answer must be a 200; anything else stops the run.
 */
export interface LatencyCall {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** JSON text for a POST. */
  readonly body?: string;
}

export interface LatencySeries {
  readonly name: string;
  /** Used round robin, one per request. */
  readonly calls: readonly LatencyCall[];
  /** Untimed requests first (the first one loads the account's index)… */
  readonly warmup: number;
  /** …but no more after this long (at least one is made). */
  readonly warmupSeconds: number;
  readonly samples: number;
  /** Stop sampling after this long (at least one sample is taken). */
  readonly maxSeconds: number;
  /** A request slower than this ends the series (it cannot be cancelled server-side). */
  readonly requestTimeoutMs: number;
}

export interface LatencyRequest {
  readonly origin: string;
  readonly key: string;
  readonly series: readonly LatencySeries[];
}

export interface SeriesResult {
  readonly name: string;
  readonly warmupMs: number[];
  readonly samplesMs: number[];
  /** Set when a request exceeded requestTimeoutMs: the series stopped there. */
  readonly timedOutAfterMs: number | null;
}

class RequestTimeout extends Error {}

function timedCall(
  agent: Agent,
  origin: URL,
  key: string,
  call: LatencyCall,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const began = process.hrtime.bigint();
    const req = httpRequest(
      {
        agent,
        host: origin.hostname,
        port: origin.port,
        method: call.method,
        path: call.path,
        headers: {
          authorization: `Bearer ${key}`,
          ...(call.body === undefined
            ? {}
            : {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(call.body),
              }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - began) / 1e6;
          if (res.statusCode === 200) resolve(ms);
          else
            reject(
              new Error(
                `${call.method} ${call.path}: ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 500)}`,
              ),
            );
        });
      },
    );
    req.setTimeout(timeoutMs, () => {
      req.destroy(new RequestTimeout(`${call.method} ${call.path} took over ${timeoutMs} ms`));
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

async function runSeries(origin: URL, key: string, series: LatencySeries): Promise<SeriesResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const warmupMs: number[] = [];
  const samplesMs: number[] = [];
  let next = 0;
  const call = () =>
    timedCall(
      agent,
      origin,
      key,
      series.calls[next++ % series.calls.length]!,
      series.requestTimeoutMs,
    );
  const began = Date.now();
  try {
    const warmupEnd = Date.now() + series.warmupSeconds * 1000;
    while (
      warmupMs.length < Math.max(1, series.warmup) &&
      (warmupMs.length === 0 || Date.now() < warmupEnd)
    )
      warmupMs.push(await call());
    const samplingEnd = Date.now() + series.maxSeconds * 1000;
    while (
      samplesMs.length < series.samples &&
      (samplesMs.length === 0 || Date.now() < samplingEnd)
    )
      samplesMs.push(await call());
    return { name: series.name, warmupMs, samplesMs, timedOutAfterMs: null };
  } catch (error) {
    if (error instanceof RequestTimeout) {
      return { name: series.name, warmupMs, samplesMs, timedOutAfterMs: series.requestTimeoutMs };
    }
    const done = warmupMs.length + samplesMs.length;
    throw new Error(
      `${series.name}: request ${done + 1} failed after ${Math.round((Date.now() - began) / 1000)} s in the series: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    agent.destroy();
  }
}

/**
 * Runs the series in order. After a timeout the server is still working on
 * that request and would delay everything after it, so the later series are
 * left out of the answer: order them cheapest first.
 */
answerParent<LatencyRequest, SeriesResult[]>(
  async (request) => {
    const results: SeriesResult[] = [];
    for (const series of request.series) {
      const result = await runSeries(new URL(request.origin), request.key, series);
      results.push(result);
      if (result.timedOutAfterMs !== null) break;
    }
    return results;
  },
  { once: true },
);
