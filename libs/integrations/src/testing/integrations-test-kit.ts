import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventSource } from 'eventsource';
import type { JsonObject } from '@onrecord/kernel';
import type { EventStore, NewEvent, StoredEvent } from '@onrecord/event-store';

/** An event as a rep would have recorded it, for tests that write to the store directly. */
export function accountEvent(type: string, data: JsonObject = {}): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      occurredAt: '2026-03-02T08:55:00.000Z',
      actor: { id: 'sam-sales', role: 'sales' },
      channel: 'phone',
      correlationId: randomUUID(),
    },
  };
}

/** Appends events to an account's stream, one append per event, and returns them as stored. */
export async function record(
  store: EventStore,
  accountId: string,
  ...events: Array<string | NewEvent>
): Promise<StoredEvent[]> {
  const stored: StoredEvent[] = [];
  for (const event of events) {
    const result = await store.appendToStream(`account-${accountId}`, [
      typeof event === 'string'
        ? accountEvent(event, { note: `${event} for ${accountId}` })
        : event,
    ]);
    stored.push(...result.events);
  }
  return stored;
}

/** Polls `probe` every 10 ms until it returns something truthy, for at most `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 5_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ---------------------------------------------------------------- webhook receiver

/** One request the receiver got, and how it answered. */
export interface ReceivedDelivery {
  readonly eventId: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The n-th request carrying this event id (1 for the first). */
  readonly attempt: number;
  /** When the request arrived (ms since epoch). */
  readonly receivedAt: number;
  /** The status it answered, or null while hanging / when the sender gave up. */
  status: number | null;
}

/** What the receiver does with a request: answer with a status, or never answer. */
export type ReceiverAnswer = number | 'hang';
export type ReceiverBehaviour = (delivery: ReceivedDelivery) => ReceiverAnswer;

/**
 * A local webhook receiver on 127.0.0.1 that answers as the test tells it:
 * acknowledge, fail with a status, or hang. It keeps every request.
 */
export class TestReceiver {
  readonly deliveries: ReceivedDelivery[] = [];
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    public behaviour: ReceiverBehaviour,
  ) {}

  static async start(behaviour: ReceiverBehaviour = () => 204): Promise<TestReceiver> {
    let receiver: TestReceiver | null = null;
    const server = createServer((request, response) => receiver?.handle(request, response));
    receiver = new TestReceiver(server, behaviour);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Event ids the receiver acknowledged (2xx), in the order it did. */
  acknowledged(): string[] {
    return this.deliveries
      .filter((d) => d.status !== null && d.status >= 200 && d.status < 300)
      .map((d) => d.eventId);
  }

  get hangingCount(): number {
    return this.hanging.size;
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string') headers[name] = value;
      }
      const eventId = headers['webhook-id'] ?? '';
      const delivery: ReceivedDelivery = {
        eventId,
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        attempt: this.deliveries.filter((d) => d.eventId === eventId).length + 1,
        receivedAt: Date.now(),
        status: null,
      };
      this.deliveries.push(delivery);
      const answer = this.behaviour(delivery);
      if (answer === 'hang') {
        this.hanging.add(response);
        response.on('close', () => this.hanging.delete(response));
        return;
      }
      delivery.status = answer;
      response.writeHead(answer, { 'content-type': 'text/plain' });
      response.end(answer < 300 ? 'ok' : `failing on purpose with ${answer}`);
    });
  }
}

// ---------------------------------------------------------------- EventSource

export interface SseMessage {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
}

/** A real EventSource (the `eventsource` package) with an API key, collecting what it receives. */
export interface OpenedEventSource {
  readonly source: EventSource;
  readonly messages: SseMessage[];
  readonly errors: Array<{ code: number | undefined; message: string | undefined }>;
  /** Last-Event-ID headers the client sent, one per connection. */
  readonly sentLastEventIds: Array<string | null>;
  events(): SseMessage[];
  close(): void;
}

export function openEventSource(
  url: string,
  key: string,
  extraHeaders: Record<string, string> = {},
): OpenedEventSource {
  const messages: SseMessage[] = [];
  const errors: OpenedEventSource['errors'] = [];
  const sentLastEventIds: Array<string | null> = [];
  const source = new EventSource(url, {
    fetch: (input, init) => {
      sentLastEventIds.push(init.headers['Last-Event-ID'] ?? null);
      return fetch(input, {
        ...init,
        headers: { ...init.headers, ...extraHeaders, authorization: `Bearer ${key}` },
      });
    },
  });
  const keep = (type: string) => (event: MessageEvent) =>
    messages.push({ type, data: String(event.data), lastEventId: event.lastEventId });
  source.addEventListener('message', keep('message'));
  source.addEventListener('caught-up', keep('caught-up'));
  source.addEventListener('error', (event) =>
    errors.push({ code: event.code, message: event.message }),
  );
  return {
    source,
    messages,
    errors,
    sentLastEventIds,
    events: () => messages.filter((m) => m.type === 'message'),
    close: () => source.close(),
  };
}
