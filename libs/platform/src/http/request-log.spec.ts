import { fastify } from 'fastify';
import { pino } from 'pino';
import { ConfigError, readAppConfig } from '../infrastructure/app-config.js';
import { RequestLogController, type RequestLogLevel } from './request-log.js';

interface Line {
  level: number;
  msg: string;
}

/** Tells when Fastify has finished with a request, so a test sees every line it would write. */
class ObservedRequestLog extends RequestLogController {
  private finished: Array<() => void> = [];

  override requestCompleted(...args: Parameters<RequestLogController['requestCompleted']>): void {
    super.requestCompleted(...args);
    for (const done of this.finished.splice(0)) done();
  }

  nextCompletion(): Promise<void> {
    return new Promise((resolve) => this.finished.push(resolve));
  }
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A server whose logger is at `loggerLevel` and writes its lines into the returned array. */
async function serverLogging(loggerLevel: string, requestLevel: RequestLogLevel) {
  const lines: Line[] = [];
  const logger = pino(
    { level: loggerLevel },
    { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  );
  const controller = new ObservedRequestLog(requestLevel);
  const app = fastify({
    loggerInstance: logger,
    logController: controller,
    // fetch keeps its connections alive; without this close() waits for them.
    forceCloseConnections: true,
  });
  app.get('/ok', () => ({ ok: true }));
  app.get('/broken', () => {
    throw new Error('the handler failed');
  });
  // light-my-request (app.inject) cannot be loaded by jest on Node 20, so a real port it is.
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  lines.length = 0; // "Server listening at…"
  const get = async (path: string) => {
    const completed = controller.nextCompletion();
    const response = await fetch(`${origin}${path}`);
    await response.text();
    await completed;
    return response;
  };
  return { app, lines, get };
}

describe('per-request log lines', () => {
  it('given the default request level (debug) under LOG_LEVEL=info, when a request succeeds, then nothing is logged', async () => {
    const { lines, get } = await serverLogging('info', 'debug');

    const response = await get('/ok');

    expect(response.status).toBe(200);
    expect(lines).toEqual([]);
  });

  it('given the request level at info, when a request succeeds, then Fastify writes its two lines at info', async () => {
    const { lines, get } = await serverLogging('info', 'info');

    await get('/ok');

    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [30, 'incoming request'],
      [30, 'request completed'],
    ]);
  });

  it('given the request level at debug and LOG_LEVEL=debug, then both lines are written at debug', async () => {
    const { lines, get } = await serverLogging('debug', 'debug');

    await get('/ok');

    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [20, 'incoming request'],
      [20, 'request completed'],
    ]);
  });

  it('given the request lines turned off, when a handler fails, then the failure is still logged at error', async () => {
    const { lines, get } = await serverLogging('info', 'silent');

    const response = await get('/broken');

    expect(response.status).toBe(500);
    expect(lines.map((line) => [line.level, line.msg])).toEqual([[50, 'the handler failed']]);
  });
});

describe('ONRECORD_REQUEST_LOG_LEVEL', () => {
  it('defaults to debug', () => {
    expect(readAppConfig({}).requestLogLevel).toBe('debug');
  });

  it('takes a level that turns the lines back on', () => {
    expect(readAppConfig({ ONRECORD_REQUEST_LOG_LEVEL: 'info' }).requestLogLevel).toBe('info');
  });

  it('refuses a level pino does not have', () => {
    expect(() => readAppConfig({ ONRECORD_REQUEST_LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
  });
});
