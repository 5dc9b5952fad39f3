import type { ServerResponse } from 'node:http';
import type { Logger } from '@nestjs/common';
import type { StreamSink } from '../application/live-streams.service.js';

/**
 * Frames written within this long of the previous socket write wait and go
 * out together. Every write to a response is a system call plus Node's
 * chunked framing: with a hundred live streams each sending every one of a
 * thousand commits a second, writing took a quarter of the API's CPU, and
 * sending a stream's frames at most every 5 ms cut the sink's own CPU by
 * about a fifth (100 streams × 1,000 frames/s of 1.2 KB: 46–66 % of a core
 * → 39–46 %). The first frame after a quiet spell goes out at once, so this
 * adds at most this much latency, and only while events come faster.
 */
export const FRAME_BATCH_MS = 5;

/** A batch this large goes out without waiting for its time (a stream catching up on history). */
const MAX_BATCH_BYTES = 16 * 1024;

/**
 * A live stream's HTTP response, written raw (the reply is hijacked from
 * Fastify). Backpressure is Node's own: once the response's buffer is past
 * its high-water mark, the next frame waits for `drain`. A client that takes
 * nothing for `stallTimeoutMs` while a frame waits is disconnected, which
 * frees its subscription; it can reconnect with Last-Event-ID and lose
 * nothing.
 */
export class ServerSentEventsSink implements StreamSink {
  private isClosed = false;
  private since: number | null = null;
  private readonly listeners: Array<() => void> = [];
  /** Frames taken but not yet written to the response, and their size. */
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private batchTimer: NodeJS.Timeout | null = null;
  private lastSentAt = -Infinity;

  constructor(
    private readonly response: ServerResponse,
    private readonly stallTimeoutMs: number,
    private readonly logger: Logger,
    private readonly batchMs = FRAME_BATCH_MS,
  ) {
    response.on('close', () => this.markClosed());
    response.on('error', () => this.markClosed());
    // The client may have left before the stream was set up.
    if (response.destroyed || response.socket?.destroyed === true) this.isClosed = true;
  }

  /** Sends the status line and headers at once, so the client's EventSource opens before any event. */
  open(headers: Readonly<Record<string, string>>): void {
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store, no-transform',
      connection: 'keep-alive',
      // nginx and some other proxies buffer responses unless told not to.
      'x-accel-buffering': 'no',
      ...headers,
    });
    this.response.flushHeaders();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get bufferedBytes(): number {
    return this.response.writableLength + this.batchBytes;
  }

  get waitingSince(): number | null {
    return this.since;
  }

  onClose(listener: () => void): void {
    if (this.isClosed) listener();
    else this.listeners.push(listener);
  }

  write(frame: string | Buffer): Promise<boolean> {
    if (this.isClosed) return Promise.resolve(false);
    if (this.response.writableNeedDrain) {
      return this.drained().then((writable) => writable && this.write(frame));
    }
    const bytes = typeof frame === 'string' ? Buffer.from(frame) : frame;
    this.batch.push(bytes);
    this.batchBytes += bytes.length;
    const now = performance.now();
    if (this.batchBytes >= MAX_BATCH_BYTES || now - this.lastSentAt >= this.batchMs) {
      this.send(now);
    } else {
      this.batchTimer ??= setTimeout(
        () => this.send(performance.now()),
        this.lastSentAt + this.batchMs - now,
      );
    }
    return Promise.resolve(true);
  }

  private send(now: number): void {
    if (this.batchTimer !== null) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    if (this.isClosed || this.batch.length === 0) return;
    this.response.write(
      this.batch.length === 1 ? this.batch[0] : Buffer.concat(this.batch, this.batchBytes),
    );
    this.batch = [];
    this.batchBytes = 0;
    this.lastSentAt = now;
  }

  /** Resolves true once the response takes data again, false when the client is gone or stalled too long. */
  private drained(): Promise<boolean> {
    this.since = Date.now();
    return new Promise<boolean>((resolve) => {
      const settle = (writable: boolean) => {
        clearTimeout(timer);
        this.response.off('drain', onDrain);
        this.response.off('close', onClose);
        this.since = null;
        resolve(writable);
      };
      const onDrain = () => settle(true);
      const onClose = () => settle(false);
      const timer = setTimeout(() => {
        this.logger.warn(
          `live stream disconnected: the client took no data for ${this.stallTimeoutMs} ms (${this.response.writableLength} bytes waiting)`,
        );
        settle(false);
        this.response.destroy();
      }, this.stallTimeoutMs);
      this.response.on('drain', onDrain);
      this.response.on('close', onClose);
    });
  }

  heartbeat(frame: string): void {
    // Frames about to be sent keep the connection busy enough.
    if (this.isClosed || this.batch.length > 0 || this.response.writableNeedDrain) return;
    this.response.write(frame);
  }

  end(): void {
    if (this.isClosed) return;
    this.send(performance.now());
    // A client that is not reading would hold the response (and shutdown) open: cut it.
    if (this.response.writableNeedDrain) this.response.destroy();
    else this.response.end();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.batchTimer !== null) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    this.batch = [];
    this.batchBytes = 0;
    for (const listener of this.listeners.splice(0)) listener();
  }
}
