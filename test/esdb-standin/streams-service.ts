import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
// The generated protobuf modules are CommonJS: their default import is module.exports.
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import {
  type AppendOutcome,
  type ExpectedState,
  type LogEvent,
  type LogPosition,
  type ProposedEvent,
  type StandinLog,
  positionOf,
} from './standin-log.js';

type ReadReq = streamsPb.ReadReq;
type ReadResp = streamsPb.ReadResp;
type AppendReq = streamsPb.AppendReq;
type AppendResp = streamsPb.AppendResp;
type ReadCall = grpc.ServerWritableStream<ReadReq, ReadResp>;
type AppendCall = grpc.ServerReadableStream<AppendReq, AppendResp>;

const { ReadReq, ReadResp, AppendResp } = streamsPb;
const { Empty, StreamIdentifier, UUID } = sharedPb;

/** The server's default `MaxAppendSize`. */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

/** Events scanned between two checkpoints of a filtered subscription, per unit of the client's multiplier. */
const DEFAULT_SEARCH_WINDOW = 32;

type UuidFormat = 'string' | 'structured';
type EventFilter = (event: LogEvent) => boolean;

export interface StreamsServiceOptions {
  readonly maxAppendSize: number;
  /** Told of every event the server writes to a Read call (reads and subscriptions). */
  readonly onEventSent?: () => void;
}

/**
 * `event_store.client.streams.Streams`: Read (reads and catch-up
 * subscriptions) and Append. Delete, Tombstone and BatchAppend are left
 * unimplemented: the server answers UNIMPLEMENTED, and since the features
 * list does not advertise BatchAppend the client appends through Append.
 */
export function streamsService(
  log: StandinLog,
  options: StreamsServiceOptions,
): grpc.UntypedServiceImplementation {
  const read: grpc.handleServerStreamingCall<ReadReq, ReadResp> = (call) => {
    const abort = new AbortController();
    call.on('cancelled', () => abort.abort());
    call.on('close', () => abort.abort());
    handleRead(log, call, abort.signal, options.onEventSent ?? (() => undefined)).catch(
      (error: unknown) => {
        // A server call reports a failure as its status through 'error'.
        if (!abort.signal.aborted) call.emit('error', toServiceError(error));
      },
    );
  };
  const append: grpc.handleClientStreamingCall<AppendReq, AppendResp> = (call, callback) => {
    handleAppend(log, call, options).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error)),
    );
  };
  return { read, append };
}

// ---------------------------------------------------------------- reads

async function handleRead(
  log: StandinLog,
  call: ReadCall,
  signal: AbortSignal,
  onEventSent: () => void,
): Promise<void> {
  const options = call.request.getOptions();
  if (!options) throw statusError(grpc.status.INVALID_ARGUMENT, 'ReadReq.options is required');
  const uuidFormat: UuidFormat = options.getUuidOption()?.hasStructured() ? 'structured' : 'string';
  const filter = options.hasFilter() ? compileFilter(options.getFilter()!) : null;
  const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;

  if (options.hasSubscription()) {
    await subscribe(log, call, options, filter, uuidFormat, signal, onEventSent);
    return;
  }
  const count = options.hasCount() ? clampCount(options.getCount()) : Number.MAX_SAFE_INTEGER;
  if (options.hasStream()) {
    const streamOptions = options.getStream()!;
    const streamId = streamName(streamOptions.getStreamIdentifier());
    const stream = log.stream(streamId);
    if (!stream) {
      const notFound = new ReadResp.StreamNotFound();
      notFound.setStreamIdentifier(streamIdentifier(streamId));
      await send(call, new ReadResp().setStreamNotFound(notFound), signal);
      call.end();
      return;
    }
    const last = stream.length - 1;
    // StreamOptions.start is revision 0 in both directions; end is "after the last" forwards and "the last" backwards.
    const from = streamOptions.hasRevision()
      ? Number(BigInt(streamOptions.getRevision()))
      : streamOptions.hasEnd()
        ? backwards
          ? last
          : stream.length
        : 0;
    let sent = 0;
    if (backwards) {
      for (let i = Math.min(from, last); i >= 0 && sent < count && !signal.aborted; i--, sent++) {
        await sendEvent(call, eventResponse(stream[i]!, uuidFormat, false), signal, onEventSent);
      }
    } else {
      for (let i = from; i < stream.length && sent < count && !signal.aborted; i++, sent++) {
        await sendEvent(call, eventResponse(stream[i]!, uuidFormat, false), signal, onEventSent);
      }
    }
    call.end();
    return;
  }
  if (!options.hasAll())
    throw statusError(grpc.status.INVALID_ARGUMENT, 'ReadReq.options needs stream or all');
  const allOptions = options.getAll()!;
  const all = log.all;
  const position = allOptions.hasPosition() ? toLogPosition(allOptions.getPosition()!) : null;
  let sent = 0;
  if (backwards) {
    // Backwards from a position reads what lies strictly before it, as the
    // server's reader compares record post-positions; from end, the last event.
    const start = allOptions.hasEnd()
      ? all.length - 1
      : position
        ? log.indexFrom(position, true) - 1
        : -1;
    for (let i = start; i >= 0 && sent < count && !signal.aborted; i--) {
      if (filter && !filter(all[i]!)) continue;
      await sendEvent(call, eventResponse(all[i]!, uuidFormat, true), signal, onEventSent);
      sent += 1;
    }
  } else {
    const start = allOptions.hasEnd() ? all.length : position ? log.indexFrom(position, true) : 0;
    for (let i = start; i < all.length && sent < count && !signal.aborted; i++) {
      if (filter && !filter(all[i]!)) continue;
      await sendEvent(call, eventResponse(all[i]!, uuidFormat, true), signal, onEventSent);
      sent += 1;
    }
  }
  call.end();
}

/**
 * A catch-up subscription: confirmation, history from after the start
 * point, one `caught_up` when it first reaches the head, then live events
 * as they are written. Every write waits for the transport to drain, so a
 * slow client holds the server back instead of making it buffer.
 */
async function subscribe(
  log: StandinLog,
  call: ReadCall,
  options: streamsPb.ReadReq.Options,
  filter: EventFilter | null,
  uuidFormat: UuidFormat,
  signal: AbortSignal,
  onEventSent: () => void,
): Promise<void> {
  if (options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS) {
    throw statusError(grpc.status.INVALID_ARGUMENT, 'subscriptions only read forwards');
  }
  const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
  await send(call, new ReadResp().setConfirmation(confirmation), signal);

  let source: () => readonly LogEvent[];
  let next: number;
  const isAll = options.hasAll();
  if (isAll) {
    const allOptions = options.getAll()!;
    source = () => log.all;
    next = allOptions.hasEnd()
      ? log.all.length
      : allOptions.hasPosition()
        ? log.indexFrom(toLogPosition(allOptions.getPosition()!), false)
        : 0;
  } else {
    const streamOptions = options.getStream()!;
    const streamId = streamName(streamOptions.getStreamIdentifier());
    source = () => log.stream(streamId) ?? [];
    next = streamOptions.hasEnd()
      ? source().length
      : streamOptions.hasRevision()
        ? Number(BigInt(streamOptions.getRevision())) + 1
        : 0;
  }
  const filterOptions = options.hasFilter() ? options.getFilter()! : null;
  const checkpointEvery = filterOptions
    ? (filterOptions.hasMax() ? filterOptions.getMax() : DEFAULT_SEARCH_WINDOW) *
      Math.max(1, filterOptions.getCheckpointintervalmultiplier())
    : 0;
  let considered = 0;
  let caughtUp = false;

  while (!signal.aborted) {
    const seen = log.writes;
    for (let events = source(); next < events.length && !signal.aborted; events = source()) {
      const event = events[next++]!;
      considered += 1;
      if (!filter || filter(event))
        await sendEvent(call, eventResponse(event, uuidFormat, isAll), signal, onEventSent);
      if (checkpointEvery > 0 && considered % checkpointEvery === 0) {
        const position = positionOf(event);
        const checkpoint = new ReadResp.Checkpoint()
          .setCommitPosition(position.commit.toString())
          .setPreparePosition(position.prepare.toString());
        await send(call, new ReadResp().setCheckpoint(checkpoint), signal);
      }
    }
    if (!caughtUp && !signal.aborted) {
      caughtUp = true;
      await send(call, new ReadResp().setCaughtUp(new ReadResp.CaughtUp()), signal);
    }
    await log.waitForWrite(seen, signal);
  }
}

function eventResponse(event: LogEvent, uuidFormat: UuidFormat, fromAll: boolean): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(toUuid(event.id, uuidFormat))
    .setStreamIdentifier(streamIdentifier(event.streamId))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.commit.toString())
    .setPreparePosition(event.prepare.toString())
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.contentType);
  metadata.set('created', event.created.toString());
  const readEvent = new ReadResp.ReadEvent().setEvent(recorded);
  if (fromAll) readEvent.setCommitPosition(event.commit.toString());
  else readEvent.setNoPosition(new Empty());
  return new ReadResp().setEvent(readEvent);
}

/** Server-side filters: prefixes or a regular expression, on the stream name or on the event type. */
function compileFilter(options: streamsPb.ReadReq.Options.FilterOptions): EventFilter {
  const expression = options.hasStreamIdentifier()
    ? options.getStreamIdentifier()!
    : options.getEventType();
  if (!expression)
    throw statusError(
      grpc.status.INVALID_ARGUMENT,
      'a filter needs stream_identifier or event_type',
    );
  const field = options.hasStreamIdentifier()
    ? (event: LogEvent) => event.streamId
    : (event: LogEvent) => event.type;
  const prefixes = expression.getPrefixList();
  if (prefixes.length > 0)
    return (event) => prefixes.some((prefix) => field(event).startsWith(prefix));
  const regex = new RegExp(expression.getRegex());
  return (event) => regex.test(field(event));
}

async function sendEvent(
  call: ReadCall,
  message: ReadResp,
  signal: AbortSignal,
  onEventSent: () => void,
): Promise<void> {
  if (signal.aborted) return;
  onEventSent();
  await send(call, message, signal);
}

async function send(call: ReadCall, message: ReadResp, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  if (call.write(message)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

// --------------------------------------------------------------- append

function handleAppend(
  log: StandinLog,
  call: AppendCall,
  options: StreamsServiceOptions,
): Promise<AppendResp> {
  return new Promise((resolve, reject) => {
    let header: streamsPb.AppendReq.Options | undefined;
    const proposed: ProposedEvent[] = [];
    let problem: Error | null = null;
    let size = 0;
    call.on('data', (request: AppendReq) => {
      if (problem) return;
      if (request.hasOptions()) {
        if (header)
          problem = statusError(grpc.status.INVALID_ARGUMENT, 'AppendReq.options sent twice');
        header = request.getOptions();
        return;
      }
      const message = request.getProposedMessage();
      if (!header || !message) {
        problem = statusError(
          grpc.status.INVALID_ARGUMENT,
          'the first AppendReq must carry the options',
        );
        return;
      }
      const metadata = message.getMetadataMap();
      const type = metadata.get('type');
      const contentType = metadata.get('content-type');
      if (type === undefined || contentType === undefined) {
        problem = statusError(grpc.status.INVALID_ARGUMENT, 'missing required metadata property', {
          exception: 'missing-required-metadata-property',
          'required-metadata-properties': 'type,content-type',
        });
        return;
      }
      const data = message.getData_asU8();
      const customMetadata = message.getCustomMetadata_asU8();
      size += data.length + customMetadata.length;
      if (size > options.maxAppendSize) {
        problem = statusError(
          grpc.status.INVALID_ARGUMENT,
          `maximum append size of ${options.maxAppendSize} exceeded`,
          {
            exception: 'maximum-append-size-exceeded',
            'maximum-append-size': String(options.maxAppendSize),
          },
        );
        return;
      }
      proposed.push({ id: fromUuid(message.getId()), type, contentType, data, customMetadata });
    });
    call.on('error', reject);
    call.on('end', () => {
      if (problem) return reject(problem);
      if (!header)
        return reject(statusError(grpc.status.INVALID_ARGUMENT, 'AppendReq.options is required'));
      const streamId = streamName(header.getStreamIdentifier());
      const outcome = log.append(streamId, expectedState(header), proposed);
      resolve(appendResponse(outcome));
    });
  });
}

function expectedState(options: streamsPb.AppendReq.Options): ExpectedState {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function appendResponse(outcome: AppendOutcome): AppendResp {
  if (outcome.kind === 'success') {
    const success = new AppendResp.Success();
    if (outcome.currentRevision < 0n) success.setNoStream(new Empty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    success.setPosition(
      new AppendResp.Position()
        .setCommitPosition(outcome.position.commit.toString())
        .setPreparePosition(outcome.position.prepare.toString()),
    );
    return new AppendResp().setSuccess(success);
  }
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.current === null) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(outcome.current.toString());
  switch (outcome.expected.kind) {
    case 'revision':
      wrong.setExpectedRevision(outcome.expected.revision.toString());
      break;
    case 'no_stream':
      wrong.setExpectedNoStream(new Empty());
      break;
    case 'stream_exists':
      wrong.setExpectedStreamExists(new Empty());
      break;
    case 'any':
      wrong.setExpectedAny(new Empty());
      break;
  }
  return new AppendResp().setWrongExpectedVersion(wrong);
}

// -------------------------------------------------------------- helpers

function streamName(identifier: sharedPb.StreamIdentifier | undefined): string {
  if (!identifier)
    throw statusError(grpc.status.INVALID_ARGUMENT, 'a stream identifier is required');
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

function streamIdentifier(streamId: string): sharedPb.StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(streamId, 'utf8'));
}

function toLogPosition(position: streamsPb.ReadReq.Options.Position): LogPosition {
  return {
    commit: BigInt(position.getCommitPosition()),
    prepare: BigInt(position.getPreparePosition()),
  };
}

function clampCount(count: string): number {
  const value = BigInt(count);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

function fromUuid(uuid: sharedPb.UUID | undefined): string {
  if (!uuid) throw statusError(grpc.status.INVALID_ARGUMENT, 'every proposed message needs an id');
  if (uuid.hasString()) return uuid.getString().toLowerCase();
  const structured = uuid.getStructured()!;
  const hex =
    BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())).toString(16).padStart(16, '0') +
    BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toUuid(id: string, format: UuidFormat): sharedPb.UUID {
  const uuid = new UUID();
  if (format === 'string') return uuid.setString(id);
  const hex = id.replace(/-/g, '');
  return uuid.setStructured(
    new UUID.Structured()
      .setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString())
      .setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString()),
  );
}

/** A gRPC status error carrying the trailers by which the client recognises EventStoreDB's errors. */
function statusError(
  code: grpc.status,
  details: string,
  trailers: Record<string, string> = {},
): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

function toServiceError(error: unknown): grpc.ServiceError {
  if (error instanceof Error && 'code' in error && 'metadata' in error)
    return error as grpc.ServiceError;
  return statusError(grpc.status.INTERNAL, error instanceof Error ? error.message : String(error));
}
