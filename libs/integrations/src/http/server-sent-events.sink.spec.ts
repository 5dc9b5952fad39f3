import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { ServerSentEventsSink } from './server-sent-events.sink.js';

/** The part of a ServerResponse the sink uses: every write is recorded, and the test decides when the socket is full. */
class FakeResponse extends EventEmitter {
  readonly writes: string[] = [];
  writableNeedDrain = false;
  writableLength = 0;
  destroyed = false;
  ended = false;
  readonly socket = { destroyed: false };

  write(chunk: string | Buffer): boolean {
    this.writes.push(chunk.toString());
    return !this.writableNeedDrain;
  }
  end(): void {
    this.ended = true;
    this.emit('close');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
  /** The client took what was buffered. */
  drain(): void {
    this.writableNeedDrain = false;
    this.emit('drain');
  }
}

// Long enough that a loaded machine does not let the batch time pass between two awaited writes.
const BATCH_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sinkOn(response: FakeResponse): ServerSentEventsSink {
  return new ServerSentEventsSink(
    response as unknown as ServerResponse,
    60_000,
    new Logger('test'),
    BATCH_MS,
  );
}

describe('server-sent events sink', () => {
  it('given a quiet stream, writes a frame to the response at once', async () => {
    const response = new FakeResponse();
    const sink = sinkOn(response);

    await expect(sink.write('id: 1\ndata: a\n\n')).resolves.toBe(true);

    expect(response.writes).toEqual(['id: 1\ndata: a\n\n']);
  });

  it('given frames right after a write, sends them together once the batch time has passed', async () => {
    const response = new FakeResponse();
    const sink = sinkOn(response);
    await sink.write('id: 1\n\n');

    await sink.write('id: 2\n\n');
    await sink.write('id: 3\n\n');
    expect(response.writes).toEqual(['id: 1\n\n']);
    expect(sink.bufferedBytes).toBe('id: 2\n\nid: 3\n\n'.length);

    await sleep(BATCH_MS + 50);
    expect(response.writes).toEqual(['id: 1\n\n', 'id: 2\n\nid: 3\n\n']);
  });

  it('given a batch as large as a stream catching up makes, sends it without waiting', async () => {
    const response = new FakeResponse();
    const sink = sinkOn(response);
    await sink.write('first\n\n');
    const frame = `data: ${'x'.repeat(1024)}\n\n`;

    for (let i = 0; i < 16; i++) await sink.write(frame);

    expect(response.writes).toHaveLength(2);
    expect(response.writes[1]).toBe(frame.repeat(16));
  });

  it('when the stream ends, sends what waits in the batch before ending the response', async () => {
    const response = new FakeResponse();
    const sink = sinkOn(response);
    await sink.write('id: 1\n\n');
    await sink.write('id: 2\n\n');

    sink.end();

    expect(response.writes).toEqual(['id: 1\n\n', 'id: 2\n\n']);
    expect(response.ended).toBe(true);
    await sleep(BATCH_MS + 50);
    expect(response.writes).toHaveLength(2);
  });

  it('given a full response buffer, the next frame waits for the client to drain it', async () => {
    const response = new FakeResponse();
    const sink = sinkOn(response);
    response.writableNeedDrain = true;

    let taken = false;
    const write = sink.write('id: 1\n\n').then((writable) => (taken = writable));
    await sleep(5);
    expect(taken).toBe(false);
    expect(response.writes).toEqual([]);
    expect(sink.waitingSince).not.toBeNull();

    response.drain();
    await write;
    expect(taken).toBe(true);
    expect(response.writes).toEqual(['id: 1\n\n']);
  });

  it('does not add a heartbeat while frames wait to be sent', async () => {
    const response = new FakeResponse();
    const sink = sinkOn(response);
    await sink.write('id: 1\n\n');
    await sink.write('id: 2\n\n');

    sink.heartbeat(': heartbeat\n\n');

    expect(response.writes).toEqual(['id: 1\n\n']);
    sink.end();
  });
});
