import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type PublishedPolicy, accountStreamId } from '@onrecord/commitments';
import type { EventStore, ExpectedRevision, NewEvent } from '@onrecord/event-store';
import { AccountHistory } from './account-history.js';
import { REPO_ROOT, answerParent } from './child-process.js';
import { policyInForce } from './history-seeder.js';

/**
 * The real API (the built dist/, wired by its own createApp exactly as
 * main.ts does) with the section 5 writer in the same process. The writer
 * appends through the API's own EventStore instance: the embedded store
 * wakes its subscriptions in process, so appends from another process would
 * reach the SSE streams only when the API itself next wrote something.
 */
export type SseApiRequest =
  | { readonly kind: 'start' }
  | {
      readonly kind: 'write';
      readonly eventsPerSecond: number;
      readonly seconds: number;
      readonly accounts: number;
    };

export interface WriteResult {
  /** When the writer started (ms since epoch, this machine's clock). */
  readonly startedAtMs: number;
  readonly seconds: number;
  readonly events: number;
  readonly appends: number;
  /** The last event's global position: every subscriber must receive up to it. */
  readonly lastPosition: string;
  /** The API process's CPU time while writing, as a share of one core. */
  readonly apiCpuShare: number;
}

/** The writer looks at the clock this often and appends what is due: arrivals about a millisecond apart. */
const TICK_MS = 1;

type Dist = {
  createApp: typeof import('../apps/api/src/create-app.js').createApp;
  platform: typeof import('@onrecord/platform');
  eventStore: typeof import('@onrecord/event-store');
};

/** The compiled modules, loaded by path so the app and this writer share one EventStore class. */
async function loadDist(): Promise<Dist> {
  const load = (path: string) => import(pathToFileURL(join(REPO_ROOT, 'dist', path)).href);
  const [app, platform, eventStore] = await Promise.all([
    load('apps/api/src/create-app.js') as Promise<typeof import('../apps/api/src/create-app.js')>,
    load('libs/platform/src/index.js') as Promise<typeof import('@onrecord/platform')>,
    load('libs/event-store/src/index.js') as Promise<typeof import('@onrecord/event-store')>,
  ]);
  return { createApp: app.createApp, platform, eventStore };
}

let app: NestFastifyApplication | null = null;
let store: EventStore | null = null;

async function start(): Promise<{ origin: string }> {
  const dist = await loadDist();
  const config = dist.platform.readAppConfig();
  const logger = dist.platform.createRootLogger(config.logLevel);
  app = await dist.createApp(config, { logger });
  await app.listen({ port: config.port, host: config.host });
  store = app.get(dist.eventStore.EventStore);
  return { origin: `http://${config.host}:${config.port}` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Accounts opened by the writer itself, round robin: each statement is
 * decided by the account decider when it is taken and appended with the
 * stream's exact expected revision, as the command path would.
 */
class LiveAccounts {
  private readonly accounts: AccountHistory[];
  private readonly lengths: number[];
  private turn = 0;

  constructor(count: number, policy: PublishedPolicy) {
    const now = Date.now();
    this.accounts = Array.from(
      { length: count },
      (_, i) =>
        new AccountHistory(`live-${i}`, {
          events: Infinity,
          from: now,
          to: now,
          stretch: 0,
          policy,
        }),
    );
    this.lengths = new Array<number>(count).fill(0);
  }

  nextStatement(): { streamId: string; events: NewEvent[]; expectedRevision: ExpectedRevision } {
    const i = this.turn++ % this.accounts.length;
    const account = this.accounts[i]!;
    const events = account.next(Date.now());
    const length = this.lengths[i]!;
    this.lengths[i] = length + events.length;
    return {
      streamId: accountStreamId(account.accountId),
      events,
      expectedRevision: length === 0 ? 'no_stream' : length - 1,
    };
  }
}

/** Appends without waiting for earlier appends, as concurrent commands would arrive. */
class PacedWriter {
  events = 0;
  appends = 0;
  lastPosition = 0n;
  private failure: Error | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: EventStore,
    private readonly accounts: LiveAccounts,
  ) {}

  get failed(): boolean {
    return this.failure !== null;
  }

  /** Appends statements until `due` events have been written in all. */
  appendUpTo(due: number): void {
    while (this.events < due) {
      const { streamId, events, expectedRevision } = this.accounts.nextStatement();
      this.events += events.length;
      this.appends += 1;
      const append: Promise<void> = this.store
        .appendToStream(streamId, events, { expectedRevision })
        .then(
          (result) => {
            if (result.position.commit > this.lastPosition)
              this.lastPosition = result.position.commit;
          },
          (error: unknown) => {
            this.failure ??= error instanceof Error ? error : new Error(String(error));
          },
        )
        .finally(() => this.inFlight.delete(append));
      this.inFlight.add(append);
    }
  }

  /** Resolves when every append is stored; throws the first that failed. */
  async drained(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure !== null) throw this.failure;
  }
}

/**
 * Offers `eventsPerSecond` for `seconds`: every tick, the statements due by
 * then. When the API cannot keep up, appends queue in the store and the
 * result's rate (events over the time until all were stored) shows it.
 */
async function write(
  request: Extract<SseApiRequest, { kind: 'write' }>,
  target: EventStore,
): Promise<WriteResult> {
  const writer = new PacedWriter(
    target,
    new LiveAccounts(request.accounts, await policyInForce(target)),
  );
  const cpu = process.cpuUsage();
  const startedAtMs = Date.now();
  const started = performance.now();
  const end = started + request.seconds * 1000;
  const dueAt = (now: number) => Math.floor(((now - started) / 1000) * request.eventsPerSecond);
  for (let now = started; now < end && !writer.failed; now = performance.now()) {
    writer.appendUpTo(dueAt(now));
    await sleep(TICK_MS);
  }
  // A busy event loop wakes the last tick late: what was due by the end is still offered.
  if (!writer.failed) writer.appendUpTo(dueAt(end));
  await writer.drained();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    startedAtMs,
    seconds,
    events: writer.events,
    appends: writer.appends,
    lastPosition: writer.lastPosition.toString(),
    apiCpuShare: (used.user + used.system) / 1e6 / seconds,
  };
}

answerParent<SseApiRequest, unknown>(
  async (request) => {
    if (request.kind === 'start') return start();
    if (store === null) throw new Error('write before start');
    return write(request, store);
  },
  { onDisconnect: async () => void (await app?.close()) },
);
