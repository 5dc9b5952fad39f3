import type { ServerResponse } from 'node:http';
import type { Logger } from '@nestjs/common';
import type { StreamSink } from '../application/live-streams.service.js';

/**
 * A live stream's HTTP response, written raw (the reply is hijacked from
 * Fastify). Backpressure is Node's own: `write()` returning false means the
 * socket buffer is past its high-water mark, and the next frame waits for
 * `drain`. A client that takes nothing for `stallTimeoutMs` while a frame
 * waits is disconnected, which frees its subscription; it can reconnect with
 * Last-Event-ID and lose nothing.
 */
export class ServerSentEventsSink implements StreamSink {
  private isClosed = false;
  private since: number | null = null;
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly response: ServerResponse,
    private readonly stallTimeoutMs: number,
    private readonly logger: Logger,
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
    return this.response.writableLength;
  }

  get waitingSince(): number | null {
    return this.since;
  }

  onClose(listener: () => void): void {
    if (this.isClosed) listener();
    else this.listeners.push(listener);
  }

  write(frame: string): Promise<boolean> {
    if (this.isClosed) return Promise.resolve(false);
    if (this.response.write(frame)) return Promise.resolve(true);
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
    if (this.isClosed || this.response.writableNeedDrain) return;
    this.response.write(frame);
  }

  end(): void {
    if (this.isClosed) return;
    // A client that is not reading would hold the response (and shutdown) open: cut it.
    if (this.response.writableNeedDrain) this.response.destroy();
    else this.response.end();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const listener of this.listeners.splice(0)) listener();
  }
}
