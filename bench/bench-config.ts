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

export interface BenchConfig {
  readonly mode: 'full' | 'smoke';
  /** Fresh processes per side; the table shows the median over them. */
  readonly repetitions: number;
  readonly store: StoreSizes;
  readonly http: HttpSizes;
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
};
