import { type EventStoreDBClient, convertToCommandError } from '@eventstore/db-client';
// Generated protobuf modules shipped with the client; CommonJS, so default-imported.
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type * as grpc from '@grpc/grpc-js';
import type { Position } from '../../domain/envelope.js';
import type { EsdbRecord } from './esdb-envelope.js';

/** The one server-side filter a read may carry: the protocol allows a stream-name or an event-type filter, not both. */
export type ServerFilter =
  | { readonly on: 'stream'; readonly prefixes: readonly string[] }
  | { readonly on: 'type'; readonly regex: string };

export interface AllReadRequest {
  readonly direction: 'forwards' | 'backwards';
  /** Forwards: inclusive. Backwards: the server returns what lies strictly before it. */
  readonly from: Position | 'start' | 'end';
  readonly count: number;
  readonly filter: ServerFilter | null;
  /** Default: no deadline, as the client's own reads. */
  readonly deadlineMs?: number;
}

type ReadStream = grpc.ClientReadableStream<streamsPb.ReadResp>;

/**
 * The protected members of the client this reader calls. They are declared
 * `protected` (not private) in the client's typings; the client's own reads
 * are built on them, so a filtered read made here shares its channel,
 * reconnection handling and disposal.
 */
interface ClientInternals {
  GRPCStreamCreator(
    client: typeof streamsGrpc.StreamsClient,
    debugName: string,
    creator: (client: streamsGrpc.StreamsClient) => ReadStream,
  ): () => Promise<ReadStream>;
  callArguments(options: object, callOptions?: grpc.CallOptions): [grpc.Metadata, grpc.CallOptions];
}

/**
 * Reads $all with a server-side filter. Client v6's `readAll` always sends
 * `no_filter`, although the server filters reads as well as subscriptions;
 * this builds the same `Streams.Read` request with a filter. Without it, a
 * filtered read would pull every event of the database over the wire.
 */
export class EsdbAllReader {
  private readonly internals: ClientInternals;

  constructor(client: EventStoreDBClient) {
    const internals = client as unknown as Partial<ClientInternals>;
    if (
      typeof internals.GRPCStreamCreator !== 'function' ||
      typeof internals.callArguments !== 'function'
    ) {
      throw new Error(
        'This @eventstore/db-client version no longer exposes GRPCStreamCreator/callArguments; the EventStoreDB adapter needs them for filtered $all reads',
      );
    }
    this.internals = internals as ClientInternals;
  }

  async read(request: AllReadRequest): Promise<EsdbRecord[]> {
    const message = readRequest(request);
    const deadline = request.deadlineMs === undefined ? Infinity : Date.now() + request.deadlineMs;
    const open = this.internals.GRPCStreamCreator(streamsGrpc.StreamsClient, 'readAll', (client) =>
      client.read(message, ...this.internals.callArguments({}, { deadline })),
    );
    const records: EsdbRecord[] = [];
    try {
      const stream = await open();
      for await (const response of stream as AsyncIterable<streamsPb.ReadResp>) {
        const event = response.getEvent()?.getEvent();
        if (event) records.push(toRecord(event));
      }
    } catch (error) {
      throw error instanceof Error ? convertToCommandError(error) : error;
    }
    return records;
  }
}

function readRequest(request: AllReadRequest): streamsPb.ReadReq {
  const all = new streamsPb.ReadReq.Options.AllOptions();
  if (request.from === 'start') all.setStart(new sharedPb.Empty());
  else if (request.from === 'end') all.setEnd(new sharedPb.Empty());
  else {
    all.setPosition(
      new streamsPb.ReadReq.Options.Position()
        .setCommitPosition(request.from.commit.toString())
        .setPreparePosition(request.from.prepare.toString()),
    );
  }
  const options = new streamsPb.ReadReq.Options()
    .setAll(all)
    .setReadDirection(
      request.direction === 'forwards'
        ? streamsPb.ReadReq.Options.ReadDirection.FORWARDS
        : streamsPb.ReadReq.Options.ReadDirection.BACKWARDS,
    )
    .setResolveLinks(false)
    .setCount(String(request.count))
    .setUuidOption(new streamsPb.ReadReq.Options.UUIDOption().setString(new sharedPb.Empty()));
  if (request.filter) {
    const expression = new streamsPb.ReadReq.Options.FilterOptions.Expression();
    if (request.filter.on === 'stream') expression.setPrefixList([...request.filter.prefixes]);
    else expression.setRegex(request.filter.regex);
    const filter = new streamsPb.ReadReq.Options.FilterOptions()
      // The search window is the count: the server keeps scanning until it has `count` matches or reaches the end.
      .setCount(new sharedPb.Empty())
      .setCheckpointintervalmultiplier(1);
    if (request.filter.on === 'stream') filter.setStreamIdentifier(expression);
    else filter.setEventType(expression);
    options.setFilter(filter);
  } else {
    options.setNoFilter(new sharedPb.Empty());
  }
  return new streamsPb.ReadReq().setOptions(options);
}

function toRecord(event: streamsPb.ReadResp.ReadEvent.RecordedEvent): EsdbRecord {
  const metadata = event.getMetadataMap();
  const isJson = metadata.get('content-type') === 'application/json';
  const data = event.getData_asU8();
  const custom = event.getCustomMetadata_asU8();
  return {
    id: event.getId()?.getString() ?? '',
    streamId: Buffer.from(
      event.getStreamIdentifier()?.getStreamName_asU8() ?? new Uint8Array(),
    ).toString('utf8'),
    revision: BigInt(event.getStreamRevision()),
    type: metadata.get('type') ?? '',
    position: {
      commit: BigInt(event.getCommitPosition()),
      prepare: BigInt(event.getPreparePosition()),
    },
    data: isJson ? parseJson(data) : data,
    metadata: custom.length === 0 ? undefined : parseJson(custom),
  };
}

/** As the client does: JSON when it parses, the bytes when it does not. */
function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    return bytes;
  }
}
