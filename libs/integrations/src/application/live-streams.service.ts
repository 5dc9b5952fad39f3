import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '@onrecord/kernel';
import { type StoredEvent, formatPosition } from '@onrecord/event-store';
import type { EventFilter } from '../domain/event-filter.js';
import { StreamsClosingError, TooManyStreamsError } from '../domain/integrations.errors.js';
import { sseComment, sseEvent, sseRetry } from '../domain/server-sent-events.js';
import type { StreamStart } from '../domain/stream-start.js';
import { EventFeed, type FeedEvent } from './event-feed.service.js';

/**
 * Where a live stream's frames go (the HTTP response). `write` resolves once
 * the sink can take more, which is how a slow client slows its own stream:
 * the loop pulls the next event from the store only after that.
 */
export interface StreamSink {
  /**
   * Resolves true when the frame is handed over and the sink has room again;
   * false once the client is gone. Event frames come as UTF-8 bytes, encoded
   * once for every stream that sends them.
   */
  write(frame: string | Buffer): Promise<boolean>;
  /** Writes a keep-alive only if it fits without waiting; a full sink needs no heartbeat. */
  heartbeat(frame: string): void;
  /** Ends the stream (shutdown, or the feed ended). */
  end(): void;
  readonly closed: boolean;
  onClose(listener: () => void): void;
  /** Bytes written but not yet taken by the client's socket. */
  readonly bufferedBytes: number;
  /** Since when (ms since epoch) a write has been waiting for the client, or null. */
  readonly waitingSince: number | null;
}

export interface LiveStreamOptions {
  readonly heartbeatMs: number;
  /** The reconnection delay advised to clients (`retry:`). */
  readonly retryMs: number;
  readonly maxStreams: number;
}

/** Injection token of LiveStreamOptions. */
export const LIVE_STREAM_OPTIONS = Symbol('LiveStreamOptions');

export interface StreamRequest {
  readonly filter: EventFilter;
  readonly start: StreamStart;
  readonly actorId: string;
  readonly role: string;
}

/** An open stream as operators see it. */
export interface LiveStreamView {
  readonly id: string;
  readonly actorId: string;
  readonly role: string;
  readonly openedAt: string;
  readonly filter: EventFilter;
  readonly phase: 'catching-up' | 'live';
  readonly delivered: number;
  readonly lastEventId: string | null;
  readonly bufferedBytes: number;
  /** How long the client has not been taking data, when it is not. */
  readonly blockedForMs: number | null;
}

interface OpenStream {
  readonly id: string;
  readonly request: StreamRequest;
  readonly openedAt: string;
  readonly sink: StreamSink;
  phase: 'catching-up' | 'live';
  delivered: number;
  lastEventId: string | null;
  done: Promise<void>;
}

/** A place among the open streams, taken before the response is committed. */
export interface StreamSlot {
  release(): void;
}

/**
 * Serves live streams: for each, it pulls one event at a time from a
 * catch-up subscription and writes it as a CloudEvent in an SSE frame,
 * waiting for the client before pulling the next. Memory per stream is
 * bounded by one store page, the socket buffer and one frame; a client that
 * stops reading stalls only its own stream until the sink gives up on it.
 */
@Injectable()
export class LiveStreamsService implements OnModuleDestroy {
  private readonly logger = new Logger('LiveStreams');
  private readonly open = new Map<string, OpenStream>();
  /**
   * Each event's frame, made once for every stream that sends it: nothing in
   * it depends on the stream (the id is the event's position, the source is
   * the server's). The embedded store hands the same StoredEvent to every
   * live subscription, so a hundred streams cost one CloudEvent and one
   * JSON.stringify per event instead of a hundred.
   */
  private readonly frames = new WeakMap<StoredEvent, Buffer>();
  private reserved = 0;
  private shuttingDown = false;

  constructor(
    @Inject(EventFeed) private readonly feed: EventFeed,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(LIVE_STREAM_OPTIONS) private readonly options: LiveStreamOptions,
  ) {}

  /** Takes a place or throws TooManyStreamsError (503) before anything is written. */
  reserve(): StreamSlot {
    if (this.shuttingDown) throw new StreamsClosingError();
    if (this.reserved >= this.options.maxStreams) {
      throw new TooManyStreamsError(this.options.maxStreams);
    }
    this.reserved += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.reserved -= 1;
      },
    };
  }

  /** Streams until the client leaves, the sink gives up or the server shuts down. */
  serve(sink: StreamSink, request: StreamRequest, slot: StreamSlot): Promise<void> {
    const stream: OpenStream = {
      id: randomUUID(),
      request,
      openedAt: this.clock.now().toISOString(),
      sink,
      phase: 'catching-up',
      delivered: 0,
      lastEventId: request.start.kind === 'after' ? formatPosition(request.start.position) : null,
      done: Promise.resolve(),
    };
    this.open.set(stream.id, stream);
    stream.done = this.pump(stream).finally(() => {
      this.open.delete(stream.id);
      slot.release();
    });
    return stream.done;
  }

  list(): LiveStreamView[] {
    const now = Date.now();
    return [...this.open.values()].map((stream) => ({
      id: stream.id,
      actorId: stream.request.actorId,
      role: stream.request.role,
      openedAt: stream.openedAt,
      filter: stream.request.filter,
      phase: stream.phase,
      delivered: stream.delivered,
      lastEventId: stream.lastEventId,
      bufferedBytes: stream.sink.bufferedBytes,
      blockedForMs: stream.sink.waitingSince === null ? null : now - stream.sink.waitingSince,
    }));
  }

  /** Ends every open stream so the HTTP server can close; clients reconnect with Last-Event-ID. */
  async onModuleDestroy(): Promise<void> {
    this.shuttingDown = true;
    const streams = [...this.open.values()];
    for (const stream of streams) stream.sink.end();
    await Promise.all(streams.map((stream) => stream.done));
  }

  private frameOf(feed: FeedEvent): Buffer {
    let frame = this.frames.get(feed.event);
    if (frame === undefined) {
      frame = Buffer.from(
        sseEvent({ id: feed.position, data: JSON.stringify(this.feed.cloudEvent(feed)) }),
      );
      this.frames.set(feed.event, frame);
    }
    return frame;
  }

  private async pump(stream: OpenStream): Promise<void> {
    const { sink, request } = stream;
    const subscription = this.feed.subscribe(request.filter, request.start);
    sink.onClose(() => void subscription.close());
    const heartbeat = setInterval(
      () => sink.heartbeat(sseComment('heartbeat')),
      this.options.heartbeatMs,
    );
    heartbeat.unref();
    try {
      if (!(await sink.write(sseRetry(this.options.retryMs) + sseComment('connected')))) return;
      for await (const item of subscription) {
        if (sink.closed) break;
        let frame: string | Buffer;
        if (item.kind === 'caught-up') {
          stream.phase = 'live';
          frame = sseEvent({
            event: 'caught-up',
            data: JSON.stringify({ lastEventId: stream.lastEventId }),
          });
        } else {
          frame = this.frameOf(item.feed);
          stream.lastEventId = item.feed.position;
          stream.delivered += 1;
        }
        if (!(await sink.write(frame))) break;
      }
    } catch (error) {
      if (!sink.closed && !this.shuttingDown) {
        this.logger.error({ err: error, stream: stream.id }, 'live stream failed; ending it');
      }
    } finally {
      clearInterval(heartbeat);
      await subscription.close();
      sink.end();
    }
  }
}
