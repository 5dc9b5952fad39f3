import { type ClientRequest, type IncomingMessage, request as httpRequest } from 'node:http';
import { answerParent } from './child-process.js';
import { percentile } from './stats.js';

/**
 * The SSE subscribers, all in one process of their own (never the API's):
 * each holds one `GET /subscriptions/events?from=now` stream with an
 * integration key and, for every event, the delivery lag = the time the
 * frame arrived here − the event's recordedAt (the CloudEvent's `time`).
 * Frames are read with a couple of indexOf calls rather than JSON.parse, so
 * a hundred streams of a thousand events a second stay cheap to receive.
 */
export type SubscribersRequest =
  | {
      readonly kind: 'open';
      readonly origin: string;
      readonly key: string;
      readonly subscribers: number;
    }
  | {
      readonly kind: 'collect';
      /** Every subscriber must receive this many events, ending at `lastPosition`. */
      readonly events: number;
      readonly lastPosition: string;
      /** Lags count for events recorded at or after this instant (ms since epoch): after the warm-up. */
      readonly countFromMs: number;
      readonly timeoutMs: number;
    };

export interface Delivery {
  /** Lags counted, all subscribers pooled. */
  readonly samples: number;
  readonly lagMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Events each subscriber received. */
  readonly received: readonly number[];
  /** This process's CPU time from open to collect, as a share of one core. */
  readonly cpuShare: number;
}

class Subscriber {
  received = 0;
  lastPosition = 0n;
  /** The first thing that went wrong on this stream (a gap, a repeat): reported at collect. */
  problem: string | null = null;
  private text = '';
  private readonly caughtUpWaiters: Array<() => void> = [];
  private caughtUp = false;
  private request: ClientRequest | null = null;

  constructor(private readonly onLag: (lagMs: number, recordedMs: number) => void) {}

  open(origin: string, key: string): Promise<void> {
    const url = new URL('/subscriptions/events?from=now', origin);
    return new Promise((resolve, reject) => {
      this.caughtUpWaiters.push(resolve);
      this.request = httpRequest(
        url,
        { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' }, agent: false },
        (response: IncomingMessage) => {
          if (response.statusCode !== 200) {
            reject(new Error(`GET /subscriptions/events: ${response.statusCode}`));
            response.resume();
            return;
          }
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => this.take(chunk, Date.now()));
        },
      );
      this.request.on('error', (error) => {
        if (!this.caughtUp) reject(error);
      });
      this.request.end();
    });
  }

  close(): void {
    this.request?.destroy();
  }

  /** Everything in one chunk arrived at the same moment. */
  private take(chunk: string, arrivedMs: number): void {
    this.text += chunk;
    for (let end = this.text.indexOf('\n\n'); end >= 0; end = this.text.indexOf('\n\n')) {
      this.frame(this.text.slice(0, end), arrivedMs);
      this.text = this.text.slice(end + 2);
    }
  }

  private frame(frame: string, arrivedMs: number): void {
    if (frame.startsWith('event: caught-up')) {
      this.caughtUp = true;
      for (const resolve of this.caughtUpWaiters.splice(0)) resolve();
      return;
    }
    if (!frame.startsWith('id: ')) return; // comments: retry, connected, heartbeats
    const position = BigInt(frame.slice(4, frame.indexOf('\n')));
    if (position <= this.lastPosition)
      this.problem ??= `position ${position} after ${this.lastPosition}`;
    this.lastPosition = position;
    this.received += 1;
    const at = frame.indexOf('"time":"') + 8;
    const recordedMs = Date.parse(frame.slice(at, frame.indexOf('"', at)));
    this.onLag(arrivedMs - recordedMs, recordedMs);
  }
}

let subscribers: Subscriber[] = [];
/** Every delivery's lag and its event's recordedAt, all subscribers pooled: the warm-up is cut at collect. */
const lags: number[] = [];
const recordedAt: number[] = [];
let cpuAtOpen = process.cpuUsage();
let openedAt = 0;

async function open(request: Extract<SubscribersRequest, { kind: 'open' }>): Promise<number> {
  const record = (lagMs: number, recordedMs: number) => {
    lags.push(lagMs);
    recordedAt.push(recordedMs);
  };
  subscribers = Array.from({ length: request.subscribers }, () => new Subscriber(record));
  await Promise.all(subscribers.map((subscriber) => subscriber.open(request.origin, request.key)));
  cpuAtOpen = process.cpuUsage();
  openedAt = performance.now();
  return subscribers.length;
}

async function collect(
  request: Extract<SubscribersRequest, { kind: 'collect' }>,
): Promise<Delivery> {
  const last = BigInt(request.lastPosition);
  const deadline = Date.now() + request.timeoutMs;
  while (subscribers.some((s) => s.lastPosition < last) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const cpu = process.cpuUsage(cpuAtOpen);
  const cpuShare = (cpu.user + cpu.system) / 1e3 / (performance.now() - openedAt);
  for (const subscriber of subscribers) subscriber.close();
  const problem = subscribers.find((s) => s.problem !== null)?.problem;
  if (problem) throw new Error(`a subscriber saw ${problem}`);
  const received = subscribers.map((s) => s.received);
  const short = received.filter((count) => count !== request.events);
  if (short.length > 0) {
    throw new Error(
      `${short.length} of ${subscribers.length} subscribers did not receive exactly the ${request.events} events written (got ${short.join(', ')})`,
    );
  }
  const measured = lags.filter((_, i) => recordedAt[i]! >= request.countFromMs);
  if (measured.length === 0) throw new Error('no event was recorded after the warm-up');
  return {
    samples: measured.length,
    lagMs: {
      p50: percentile(measured, 50),
      p99: percentile(measured, 99),
      max: percentile(measured, 100),
    },
    received,
    cpuShare,
  };
}

answerParent<SubscribersRequest, unknown>((request) =>
  request.kind === 'open' ? open(request) : collect(request),
);
