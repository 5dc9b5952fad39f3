import type { NewEvent } from '@onrecord/event-store';
import type { StoreSizes } from './bench-config.js';
import { median } from './stats.js';
import { type StoreUnderTest, benchEvent } from './store-sides.js';

export const STORE_WORKLOADS = {
  sequential: '(a) single-event appends, awaited one by one',
  concurrent: '(b) single-event appends, concurrent writers',
  batches: '(c) batch appends, awaited one by one',
  readStream: '(d) read one stream',
  readAll: '(e) read all from position 0',
} as const;
export type StoreWorkload = keyof typeof STORE_WORKLOADS;

/** Events per second of each workload in one process, plus what was actually done. */
export interface StoreRun {
  readonly eventsPerSecond: Record<StoreWorkload, number>;
  readonly eventsRead: number;
  readonly side: Record<string, string>;
}

/** Builds every event before the clock starts, so both sides time only the store. */
function events(count: number, accountId: string): NewEvent[] {
  return Array.from({ length: count }, () => benchEvent(accountId));
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * The same five workloads, in the same order, on a fresh store: (a)-(d) write
 * the data that (e) then reads back, so both sides read the same rows.
 */
export async function runStoreWorkloads(
  side: StoreUnderTest,
  sizes: StoreSizes,
): Promise<StoreRun> {
  const rate = (count: number, seconds: number) => count / seconds;

  // (a) every append is durable before the next one is sent.
  const lengths = new Map<string, number>();
  const sequential = events(sizes.sequentialAppends, 'seq');
  const aSeconds = await timed(async () => {
    for (let i = 0; i < sequential.length; i++) {
      const stream = `account-seq-${i % sizes.streams}`;
      const length = lengths.get(stream) ?? 0;
      await side.append(stream, [sequential[i]!], length);
      lengths.set(stream, length + 1);
    }
  });

  // (b) writer w owns streams w, w + W, w + 2W…: writers never race on one
  // stream, so every append succeeds and the count is exact.
  const writers = sizes.concurrentWriters;
  const perWriter = Math.floor(sizes.concurrentAppends / writers);
  const owned = Math.max(1, Math.floor(sizes.streams / writers));
  const concurrent = events(perWriter * writers, 'conc');
  const bSeconds = await timed(async () => {
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const mine = new Array<number>(owned).fill(0);
        for (let k = 0; k < perWriter; k++) {
          const slot = k % owned;
          await side.append(
            `account-conc-${w + writers * slot}`,
            [concurrent[w * perWriter + k]!],
            mine[slot]!,
          );
          mine[slot]! += 1;
        }
      }),
    );
  });

  // (c)
  const batches = Array.from({ length: sizes.batches }, (_, i) =>
    events(sizes.batchSize, `batch-${i}`),
  );
  const cSeconds = await timed(async () => {
    for (let i = 0; i < batches.length; i++)
      await side.append(`account-batch-${i}`, batches[i]!, 0);
  });

  // (d) written untimed, in appends of at most 1,000 (the store's limit), then read.
  const long = 'account-long';
  for (let written = 0; written < sizes.longStream;) {
    const count = Math.min(1_000, sizes.longStream - written);
    await side.append(long, events(count, 'long'), written);
    written += count;
  }
  const dSeconds: number[] = [];
  for (let r = 0; r < sizes.readRepeats; r++) {
    let read = 0;
    dSeconds.push(await timed(async () => void (read = await side.readStream(long))));
    if (read !== sizes.longStream) throw new Error(`read ${read} of ${sizes.longStream} events`);
  }

  // (e)
  const written =
    sequential.length + concurrent.length + sizes.batches * sizes.batchSize + sizes.longStream;
  const eSeconds: number[] = [];
  for (let r = 0; r < sizes.readRepeats; r++) {
    let read = 0;
    eSeconds.push(await timed(async () => void (read = await side.readAll(sizes.readAllPage))));
    if (read !== written) throw new Error(`read all gave ${read} events, ${written} were written`);
  }

  return {
    eventsPerSecond: {
      sequential: rate(sequential.length, aSeconds),
      concurrent: rate(concurrent.length, bSeconds),
      batches: rate(sizes.batches * sizes.batchSize, cSeconds),
      readStream: rate(sizes.longStream, median(dSeconds)),
      readAll: rate(written, median(eSeconds)),
    },
    eventsRead: written,
    side: await side.describe(),
  };
}
