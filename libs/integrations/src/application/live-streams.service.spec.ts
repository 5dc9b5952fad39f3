import { SystemClock } from '@onrecord/kernel';
import { InMemoryEventStore } from '@onrecord/event-store';
import { MATCH_EVERYTHING } from '../domain/event-filter.js';
import { StreamsClosingError, TooManyStreamsError } from '../domain/integrations.errors.js';
import { accountEvent, record, waitFor } from '../testing/integrations-test-kit.js';
import { EventFeed } from './event-feed.service.js';
import { LiveStreamsService, type StreamSink } from './live-streams.service.js';

/** A sink the test drives: every write waits until the test lets the client "read" it. */
class ManualSink implements StreamSink {
  readonly frames: string[] = [];
  closed = false;
  bufferedBytes = 0;
  waitingSince: number | null = null;
  private release: ((open: boolean) => void) | null = null;
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly blocking: boolean) {}

  write(frame: string | Buffer): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    this.frames.push(frame.toString());
    if (!this.blocking) return Promise.resolve(true);
    return new Promise((resolve) => (this.release = resolve));
  }
  /** The client takes what was written. */
  drain(): void {
    const release = this.release;
    this.release = null;
    release?.(true);
  }
  heartbeat(frame: string): void {
    if (!this.closed && this.release === null) this.frames.push(frame);
  }
  end(): void {
    this.disconnect();
  }
  onClose(listener: () => void): void {
    this.listeners.push(listener);
  }
  /** The client goes away. */
  disconnect(): void {
    if (this.closed) return;
    this.closed = true;
    this.release?.(false);
    for (const listener of this.listeners) listener();
  }
  events(): string[] {
    return this.frames.filter((f) => f.startsWith('id: '));
  }
}

describe('live streams', () => {
  const options = { heartbeatMs: 60_000, retryMs: 1_000, maxStreams: 2 };
  const request = {
    filter: MATCH_EVERYTHING,
    start: { kind: 'start' } as const,
    actorId: 'erp',
    role: 'integration',
  };
  let store: InMemoryEventStore;
  let streams: LiveStreamsService;

  beforeEach(() => {
    store = new InMemoryEventStore();
    streams = new LiveStreamsService(
      new EventFeed(store, { source: 'urn:test' }),
      new SystemClock(),
      options,
    );
  });
  afterEach(async () => {
    await streams.onModuleDestroy();
    await store.close();
  });

  it('given a client that has not taken the last frame, pulls nothing more from the store until it does', async () => {
    await record(store, 'acme', 'PromiseMade', 'PromiseKept', 'OrderPlaced');
    const sink = new ManualSink(true);
    const done = streams.serve(sink, request, streams.reserve());

    await waitFor('the first frame', () => sink.frames.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.frames).toHaveLength(1);
    expect(streams.list()[0]).toMatchObject({ delivered: 0, phase: 'catching-up' });

    sink.drain();
    await waitFor('the next frame', () => sink.frames.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.events()).toHaveLength(1);

    sink.disconnect();
    await done;
    expect(streams.list()).toEqual([]);
  });

  it('when the client leaves while the stream waits for live events, closes its subscription and frees its place', async () => {
    await record(store, 'acme', 'PromiseMade');
    const sink = new ManualSink(false);
    const done = streams.serve(sink, request, streams.reserve());
    await waitFor('the switch to live', () =>
      sink.frames.some((f) => f.startsWith('event: caught-up')),
    );

    sink.disconnect();
    await done;
    await record(store, 'acme', accountEvent('PromiseKept'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.events()).toHaveLength(1);
    expect(streams.list()).toEqual([]);
  });

  it('refuses more streams than configured, and takes new ones once others end', async () => {
    const first = new ManualSink(false);
    const firstDone = streams.serve(first, request, streams.reserve());
    streams.serve(new ManualSink(false), request, streams.reserve()).catch(() => undefined);
    expect(() => streams.reserve()).toThrow(TooManyStreamsError);

    first.disconnect();
    await firstDone;
    expect(() => streams.reserve().release()).not.toThrow();
  });

  it('given several streams sending the same events, makes each event frame once and sends every stream the same bytes', async () => {
    const feed = new EventFeed(store, { source: 'urn:test' });
    const made: string[] = [];
    const cloudEventOf = feed.cloudEvent.bind(feed);
    feed.cloudEvent = (event) => {
      made.push(event.position);
      return cloudEventOf(event);
    };
    streams = new LiveStreamsService(feed, new SystemClock(), { ...options, maxStreams: 3 });
    const sinks = [new ManualSink(false), new ManualSink(false), new ManualSink(false)];
    const narrow = { ...request, filter: { ...MATCH_EVERYTHING, types: ['PromiseKept'] } };
    const done = [
      streams.serve(sinks[0]!, request, streams.reserve()),
      streams.serve(sinks[1]!, request, streams.reserve()),
      streams.serve(sinks[2]!, narrow, streams.reserve()),
    ];
    await waitFor('all streams live', () =>
      sinks.every((sink) => sink.frames.some((f) => f.startsWith('event: caught-up'))),
    );

    await record(store, 'acme', 'PromiseMade', 'PromiseKept', 'OrderPlaced');
    await waitFor('every event on both wide streams', () =>
      sinks.slice(0, 2).every((sink) => sink.events().length === 3),
    );
    await waitFor('the kept promise on the narrow stream', () => sinks[2]!.events().length === 1);

    expect(made).toHaveLength(3);
    expect(sinks[1]!.events()).toEqual(sinks[0]!.events());
    expect(sinks[2]!.events()).toEqual([sinks[0]!.events()[1]]);
    expect(sinks[0]!.events()[1]).toContain('"type":"com.onrecord.account.PromiseKept.v1"');
    for (const sink of sinks) sink.disconnect();
    await Promise.all(done);
  });

  it('on shutdown, ends every open stream and waits for them', async () => {
    const sinks = [new ManualSink(false), new ManualSink(true)];
    const done = sinks.map((sink) => streams.serve(sink, request, streams.reserve()));
    await waitFor('both streams open', () => streams.list().length === 2);

    await streams.onModuleDestroy();

    await Promise.all(done);
    expect(sinks.every((sink) => sink.closed)).toBe(true);
    expect(() => streams.reserve()).toThrow(StreamsClosingError);
  });
});
