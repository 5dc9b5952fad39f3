import { randomUUID } from 'node:crypto';
import { type AddressInfo, type Server as NetServer, type Socket, createServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
// The generated service definitions and messages ship with the client; they are CommonJS.
import gossipGrpc from '@eventstore/db-client/generated/gossip_grpc_pb.js';
import gossipPb from '@eventstore/db-client/generated/gossip_pb.js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import { StandinLog } from './standin-log.js';
import { DEFAULT_MAX_APPEND_SIZE, streamsService } from './streams-service.js';

export interface EsdbStandinOptions {
  /** Interface to listen on and to advertise through gossip. Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: the system picks a free port. */
  readonly port?: number;
  /** Largest append accepted, in bytes of data and metadata. Default: EventStoreDB's 1 MiB. */
  readonly maxAppendSize?: number;
  /**
   * Write one system event ($settings) at start, as a real node's $all
   * begins with its own `$`-prefixed events that clients must skip. Default true.
   */
  readonly seedSystemEvents?: boolean;
}

/** The version a real node reports; 23.10 is the first to send `caught_up` on subscriptions. */
const SERVER_VERSION = '23.10.0-standin';

/**
 * An EventStoreDB protocol stand-in for tests and local runs: the real gRPC
 * services (Streams Read/Append, ServerFeatures, Gossip) over a real socket,
 * with events kept in memory by EventStoreDB's rules (see standin-log.ts).
 * It is a test double, not a database: nothing survives `stop()`.
 *
 * The gRPC server is fed from a plain TCP listener through a connection
 * injector, so the stand-in holds every client socket and can cut them all
 * at once (`dropConnections`) while it keeps listening — the failure a
 * client sees when a node restarts or the network drops.
 */
export class EsdbStandin {
  private stopped = false;

  private constructor(
    readonly host: string,
    readonly port: number,
    /** The in-memory log, for tests that look behind the protocol. */
    readonly log: StandinLog,
    private readonly sockets: Set<Socket>,
    private readonly traffic: { eventsSent: number },
    private readonly holds: { process: boolean },
    private readonly grpcServer: grpc.Server,
    private readonly injector: grpc.ConnectionInjector,
    private readonly listener: NetServer,
  ) {}

  static async start(options: EsdbStandinOptions = {}): Promise<EsdbStandin> {
    const host = options.host ?? '127.0.0.1';
    const log = new StandinLog();
    if (options.seedSystemEvents ?? true) {
      log.append('$settings', { kind: 'any' }, [
        {
          id: randomUUID(),
          type: '$settings',
          contentType: 'application/json',
          data: Buffer.from(JSON.stringify({ $userStreamAcl: { $r: '$all' } })),
          customMetadata: new Uint8Array(),
        },
      ]);
    }
    let port = 0;
    const traffic = { eventsSent: 0 };
    const grpcServer = new grpc.Server();
    grpcServer.addService(
      streamsGrpc.StreamsService,
      streamsService(log, {
        maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
        onEventSent: () => {
          traffic.eventsSent += 1;
        },
      }),
    );
    grpcServer.addService(serverFeaturesGrpc.ServerFeaturesService, { getSupportedMethods });
    grpcServer.addService(gossipGrpc.GossipService, { read: gossip(host, () => port) });
    const injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());

    const sockets = new Set<Socket>();
    const holds = { process: true };
    const listener = createServer((socket) => {
      sockets.add(socket);
      if (!holds.process) socket.unref();
      socket.once('close', () => sockets.delete(socket));
      // A reset connection is the point of dropConnections; nothing to report.
      socket.on('error', () => undefined);
      injector.injectConnection(socket);
    });
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(options.port ?? 0, host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    port = (listener.address() as AddressInfo).port;
    return new EsdbStandin(
      host,
      port,
      log,
      sockets,
      traffic,
      holds,
      grpcServer,
      injector,
      listener,
    );
  }

  /** For a single node: `esdb://host:port?tls=false`. */
  get connectionString(): string {
    return `esdb://${this.host}:${this.port}?tls=false`;
  }

  /** Through gossip discovery, as a cluster is reached. */
  get discoverConnectionString(): string {
    return `esdb+discover://${this.host}:${this.port}?tls=false`;
  }

  /**
   * Events written to clients so far, by reads and subscriptions alike. A
   * subscription waits for the transport to drain before each write, so this
   * shows how far ahead of a slow consumer the server has got.
   */
  get eventsSent(): number {
    return this.traffic.eventsSent;
  }

  /**
   * Destroys every client socket at once; in-flight calls and subscriptions
   * fail as after a network failure. The stand-in keeps listening and keeps
   * its events, so clients can reconnect. Returns how many were cut.
   */
  dropConnections(): number {
    const cut = this.sockets.size;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    return cut;
  }

  /**
   * Lets the process exit while the stand-in still listens, for a stand-in
   * kept for a whole test file and never stopped. Its client connections no
   * longer hold the process either: a disposed client's channel may linger
   * in the gRPC client's pool for a while. Returns the stand-in.
   */
  unref(): this {
    this.holds.process = false;
    this.listener.unref();
    for (const socket of this.sockets) socket.unref();
    return this;
  }

  /** Stops listening, cuts every connection and shuts the gRPC server down. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const closed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    this.dropConnections();
    this.injector.destroy();
    this.grpcServer.forceShutdown();
    await closed;
  }
}

const getSupportedMethods: grpc.handleUnaryCall<
  sharedPb.Empty,
  serverFeaturesPb.SupportedMethods
> = (_call, callback) => {
  const method = (serviceName: string, methodName: string): serverFeaturesPb.SupportedMethod =>
    new serverFeaturesPb.SupportedMethod().setServiceName(serviceName).setMethodName(methodName);
  const methods = new serverFeaturesPb.SupportedMethods()
    .setEventStoreServerVersion(SERVER_VERSION)
    .setMethodsList([
      method('event_store.client.streams.streams', 'read'),
      method('event_store.client.streams.streams', 'append'),
      method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
      method('event_store.client.gossip.gossip', 'read'),
    ]);
  callback(null, methods);
};

/** A one-member cluster whose leader is this stand-in, for `esdb+discover://`. */
function gossip(
  host: string,
  port: () => number,
): grpc.handleUnaryCall<sharedPb.Empty, gossipPb.ClusterInfo> {
  const instanceId = new sharedPb.UUID().setString(randomUUID());
  return (_call, callback) => {
    const member = new gossipPb.MemberInfo()
      .setInstanceId(instanceId)
      .setTimeStamp((BigInt(Date.now()) * 10_000n).toString())
      .setState(gossipPb.MemberInfo.VNodeState.LEADER)
      .setIsAlive(true)
      .setHttpEndPoint(new gossipPb.EndPoint().setAddress(host).setPort(port()));
    callback(null, new gossipPb.ClusterInfo().setMembersList([member]));
  };
}
