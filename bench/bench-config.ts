/**
 * Sizes of every workload, full and smoke. The smoke sizes only prove that
 * each code path still runs (CI, seconds); their numbers mean nothing and
 * are never judged against a budget.
 */
export interface StoreSizes {
  /** (a) and (b) spread their appends over this many streams. */
  readonly streams: number;
  /** (a) single-event appends, awaited one after another. */
  readonly sequentialAppends: number;
  /** (b) single-event appends shared by the concurrent writers. */
  readonly concurrentAppends: number;
  readonly concurrentWriters: number;
  /** (c) appends of `batchSize` events, awaited one after another. */
  readonly batches: number;
  readonly batchSize: number;
  /** (d) length of the one stream that is read back. */
  readonly longStream: number;
  /** (d) and (e) are timed this many times in each process; the median is kept. */
  readonly readRepeats: number;
  /** Page size of (e), for both sides. */
  readonly readAllPage: number;
}

export interface HttpSizes {
  readonly connections: number;
  /** Accounts the load is spread over (a write conflicts only with writes to the same account). */
  readonly accounts: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Upper bound on requests per run, so a run is bounded in count as well as time. */
  readonly maxRequests: number;
}

export interface ClaimsSizes {
  /** One account of each size (its exact number of events), measured smallest first. */
  readonly accountEvents: readonly number[];
  /** Years of business the seeded histories span. */
  readonly years: number;
  /** Untimed requests per series first (the first one builds the account's index). */
  readonly warmup: number;
  /** Timed requests per series, unless `seriesSeconds` runs out first. */
  readonly samples: number;
  /** A series stops sampling after this long: an as-of on a long history takes seconds a request. */
  readonly seriesSeconds: number;
  /** A single request slower than this ends the measurements; the row shows it as a lower bound. */
  readonly requestTimeoutSeconds: number;
  /** How long the API may take to start on the seeded store (its read models catch up first). */
  readonly startTimeoutSeconds: number;
}

export interface RebuildSizes {
  readonly accounts: number;
  readonly eventsPerAccount: number;
  /** Years of business the seeded histories span. */
  readonly years: number;
  /**
   * Rebuilds run in fresh processes, up to `repetitions` of them, but no new
   * one starts after this many seconds of rebuilding: a slow rebuild is
   * measured once rather than holding the bench for an hour.
   */
  readonly maxSeconds: number;
}

export interface SseSizes {
  readonly subscribers: number;
  /** The writer's steady rate, spread round robin over `accounts`. */
  readonly eventsPerSecond: number;
  readonly accounts: number;
  /** Writing before lags are counted (connections warm, JIT compiled). */
  readonly warmupSeconds: number;
  readonly seconds: number;
}

export interface BenchConfig {
  readonly mode: 'full' | 'smoke';
  /** Fresh processes per side; the table shows the median over them. */
  readonly repetitions: number;
  readonly store: StoreSizes;
  readonly http: HttpSizes;
  readonly claims: ClaimsSizes;
  readonly rebuild: RebuildSizes;
  readonly sse: SseSizes;
}

export const FULL: BenchConfig = {
  mode: 'full',
  repetitions: 5,
  store: {
    streams: 1_000,
    sequentialAppends: 2_000,
    concurrentAppends: 20_000,
    concurrentWriters: 50,
    batches: 100,
    batchSize: 100,
    longStream: 10_000,
    readRepeats: 5,
    readAllPage: 1_000,
  },
  http: {
    connections: 50,
    accounts: 1_000,
    warmupSeconds: 3,
    seconds: 10,
    maxRequests: 1_000_000,
  },
  claims: {
    accountEvents: [100, 10_000, 100_000],
    years: 10,
    warmup: 20,
    samples: 500,
    seriesSeconds: 30,
    requestTimeoutSeconds: 300,
    startTimeoutSeconds: 1_800,
  },
  rebuild: { accounts: 1_000, eventsPerAccount: 1_000, years: 10, maxSeconds: 300 },
  sse: { subscribers: 100, eventsPerSecond: 1_000, accounts: 100, warmupSeconds: 2, seconds: 10 },
};

export const SMOKE: BenchConfig = {
  mode: 'smoke',
  repetitions: 1,
  store: {
    streams: 20,
    sequentialAppends: 40,
    concurrentAppends: 200,
    concurrentWriters: 10,
    batches: 5,
    batchSize: 20,
    longStream: 200,
    readRepeats: 1,
    readAllPage: 100,
  },
  http: {
    connections: 10,
    accounts: 10,
    warmupSeconds: 0.5,
    seconds: 1,
    maxRequests: 5_000,
  },
  claims: {
    accountEvents: [20, 50],
    years: 2,
    warmup: 2,
    samples: 20,
    seriesSeconds: 5,
    requestTimeoutSeconds: 30,
    startTimeoutSeconds: 60,
  },
  rebuild: { accounts: 20, eventsPerAccount: 100, years: 2, maxSeconds: 60 },
  sse: { subscribers: 5, eventsPerSecond: 100, accounts: 5, warmupSeconds: 0.5, seconds: 1 },
};
