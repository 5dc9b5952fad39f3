import { Injectable } from '@nestjs/common';
import {
  WebhookSender,
  type WebhookRequest,
  type WebhookResponse,
} from '../application/webhook-sender.port.js';

/** How much of a receiver's answer is read and kept in the deliveries log. */
export const RESPONSE_EXCERPT_BYTES = 1024;
/** Reading more than this of an answer is pointless: the status decides. */
const RESPONSE_READ_LIMIT = 64 * 1024;

/**
 * POSTs with the platform's fetch. One timeout covers connecting, sending and
 * reading the answer; redirects are not followed (a 3xx is a failure: a
 * receiver that moved is re-registered, so signed events never go where the
 * manager did not point them); at most 64 KiB of the answer is read.
 */
@Injectable()
export class FetchWebhookSender extends WebhookSender {
  async send(request: WebhookRequest): Promise<WebhookResponse> {
    const started = performance.now();
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), request.timeoutMs);
    const abortOnStop = () => timeout.abort();
    request.signal.addEventListener('abort', abortOnStop, { once: true });
    if (request.signal.aborted) timeout.abort();
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: timeout.signal,
      });
      const excerpt = await readExcerpt(response);
      return {
        statusCode: response.status,
        error: null,
        responseExcerpt: excerpt,
        durationMs: performance.now() - started,
      };
    } catch (error) {
      const stopped = request.signal.aborted;
      const timedOut = !stopped && timeout.signal.aborted;
      return {
        statusCode: null,
        error: stopped
          ? 'aborted'
          : timedOut
            ? `timeout: no complete answer within ${request.timeoutMs} ms`
            : describe(error),
        responseExcerpt: null,
        durationMs: performance.now() - started,
      };
    } finally {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', abortOnStop);
    }
  }
}

async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= RESPONSE_READ_LIMIT) {
      await reader.cancel();
      break;
    }
  }
  if (size === 0) return null;
  const text = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
  return text.replace(/\uFFFD+$/, '');
}

/** fetch hides the network error in `cause`: ECONNREFUSED, ECONNRESET, ENOTFOUND… */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message;
  }
  return error.message;
}
