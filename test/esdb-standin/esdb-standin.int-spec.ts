import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  type Position,
  START,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
} from '@eventstore/db-client';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import * as grpc from '@grpc/grpc-js';
import { EsdbStandin } from './esdb-standin.js';

const ROOT = join(import.meta.dirname, '../..');

/** Protocol edge cases, checked with the official client over a real socket. */
describe('EventStoreDB stand-in', () => {
  let standin: EsdbStandin;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    standin = await EsdbStandin.start();
    client = EventStoreDBClient.connectionString(standin.connectionString);
  });

  afterAll(async () => {
    await client.dispose();
    await standin.stop();
  });

  const stream = (): string => `standin-${randomUUID()}`;
  const event = (type = 'Happened', data: Record<string, unknown> = {}) =>
    jsonEvent({ id: randomUUID(), type, data });

  async function readAll<T>(source: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of source) out.push(item);
    return out;
  }

  describe('append', () => {
    it('given a stream at revision 1, when appending at a stale exact revision or with no_stream, then it answers wrong expected version with the current revision', async () => {
      const streamId = stream();
      await client.appendToStream(streamId, [event(), event()], { expectedRevision: 'no_stream' });

      const stale = client.appendToStream(streamId, event(), { expectedRevision: 0n });
      const noStream = client.appendToStream(streamId, event(), { expectedRevision: 'no_stream' });

      await expect(stale).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(stale).rejects.toMatchObject({ actualVersion: 1n, expectedVersion: 0n });
      await expect(noStream).rejects.toMatchObject({
        actualVersion: 1n,
        expectedVersion: 'no_stream',
      });
      await expect(
        client.appendToStream(stream(), event(), { expectedRevision: 'stream_exists' }),
      ).rejects.toMatchObject({
        actualVersion: 'no_stream',
      });
    });

    it('acknowledges a re-sent append at the same exact revision without writing it again, and refuses a partial one', async () => {
      const streamId = stream();
      const sent = [event(), event()];
      const first = await client.appendToStream(streamId, sent, { expectedRevision: 'no_stream' });

      const again = await client.appendToStream(streamId, sent, { expectedRevision: 'no_stream' });
      const partial = client.appendToStream(streamId, [sent[0]!, event()], {
        expectedRevision: 'no_stream',
      });

      expect(again).toEqual(first);
      await expect(partial).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(await readAll(client.readStream(streamId))).toHaveLength(2);
    });

    it('gives the events of one append one commit position and rising prepare positions, all below it', async () => {
      const streamId = stream();
      const result = await client.appendToStream(streamId, [event(), event(), event()]);
      const next = await client.appendToStream(streamId, event());

      const positions = (await readAll(client.readStream(streamId))).map(
        (resolved) => resolved.event!.position!,
      );

      expect(new Set(positions.slice(0, 3).map((p) => p.commit)).size).toBe(1);
      expect(
        positions[0]!.prepare < positions[1]!.prepare &&
          positions[1]!.prepare < positions[2]!.prepare,
      ).toBe(true);
      expect(positions[2]!.prepare < positions[2]!.commit).toBe(true);
      expect(positions[3]!.prepare > positions[2]!.commit).toBe(true);
      // The acknowledgement names the commit record and the transaction's first prepare.
      expect(result.position).toEqual({
        commit: positions[0]!.commit,
        prepare: positions[0]!.prepare,
      });
      expect(next.position!.commit).toBe(positions[3]!.commit);
    });

    it('refuses an append over the maximum append size with the error the client recognises', async () => {
      const small = await EsdbStandin.start({ maxAppendSize: 1000 });
      const smallClient = EventStoreDBClient.connectionString(small.connectionString);
      try {
        const appending = smallClient.appendToStream(
          stream(),
          event('Big', { blob: 'x'.repeat(2000) }),
        );
        await expect(appending).rejects.toMatchObject({
          type: 'maximum-append-size-exceeded',
          maxAppendSize: 1000,
        });
      } finally {
        await smallClient.dispose();
        await small.stop();
      }
    });
  });

  describe('read', () => {
    it('answers stream_not_found for a stream never written, and an empty read past the end of one that exists', async () => {
      const streamId = stream();
      await client.appendToStream(streamId, event());

      await expect(readAll(client.readStream(stream()))).rejects.toBeInstanceOf(
        StreamNotFoundError,
      );
      expect(await readAll(client.readStream(streamId, { fromRevision: 5n }))).toEqual([]);
    });

    it('reads a stream backwards from the end and from a revision beyond it', async () => {
      const streamId = stream();
      await client.appendToStream(streamId, [event('A'), event('B'), event('C')]);

      const fromEnd = await readAll(
        client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 2 }),
      );
      const beyond = await readAll(
        client.readStream(streamId, { direction: BACKWARDS, fromRevision: 10n }),
      );

      expect(fromEnd.map((e) => e.event!.type)).toEqual(['C', 'B']);
      expect(beyond.map((e) => e.event!.revision)).toEqual([2n, 1n, 0n]);
    });

    it('reads $all backwards from the end, newest first, and from a position strictly before it', async () => {
      const streamId = stream();
      await client.appendToStream(streamId, [event('A'), event('B'), event('C')]);

      const tail = await readAll(
        client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 3 }),
      );
      const beforeC = await readAll(
        client.readAll({
          direction: BACKWARDS,
          fromPosition: tail[0]!.event!.position,
          maxCount: 2,
        }),
      );
      const forwardsFromB = await readAll(
        client.readAll({ fromPosition: tail[1]!.event!.position, maxCount: 1 }),
      );

      expect(tail.map((e) => [e.event!.streamId, e.event!.type])).toEqual([
        [streamId, 'C'],
        [streamId, 'B'],
        [streamId, 'A'],
      ]);
      expect(beforeC.map((e) => e.event!.type)).toEqual(['B', 'A']);
      expect(forwardsFromB.map((e) => e.event!.type)).toEqual(['B']);
    });

    it('answers a malformed read with INVALID_ARGUMENT', async () => {
      const raw = new streamsGrpc.StreamsClient(
        `${standin.host}:${standin.port}`,
        grpc.credentials.createInsecure(),
      );
      try {
        const failure = await new Promise<grpc.ServiceError>((resolve, reject) => {
          const call = raw.read(new streamsPb.ReadReq());
          call.on('data', () => reject(new Error('a malformed read returned data')));
          call.on('error', resolve);
          call.on('end', () => reject(new Error('a malformed read ended without an error')));
        });
        expect(failure.code).toBe(grpc.status.INVALID_ARGUMENT);
      } finally {
        raw.close();
      }
    });

    it('starts $all with the server’s own system event', async () => {
      const [first] = await readAll(client.readAll({ fromPosition: START, maxCount: 1 }));
      expect(first!.event!.type).toBe('$settings');
    });
  });

  describe('subscriptions', () => {
    it('confirms, sends history, caught_up once, then live events, filtered by event type, with checkpoints', async () => {
      const type = `Checked${randomUUID().replace(/-/g, '')}`;
      const streamId = stream();
      await client.appendToStream(streamId, [
        ...Array.from({ length: 40 }, () => event('Noise')),
        event(type, { n: 1 }),
      ]);
      const checkpoints: Position[] = [];
      const subscription = client.subscribeToAll({
        fromPosition: START,
        filter: eventTypeFilter({
          regex: `^${type}$`,
          checkpointReached: (_s, position) => void checkpoints.push(position),
        }),
      });
      const seen: string[] = [];
      let confirmed = false;
      subscription.on('confirmation', () => (confirmed = true));
      subscription.on('caughtUp', () => {
        seen.push('caught-up');
        void client.appendToStream(streamId, event(type, { n: 2 }));
      });

      for await (const resolved of subscription) {
        seen.push(`${(resolved.event!.data as { n: number }).n}`);
        if (seen.length === 3) break;
      }
      await subscription.unsubscribe();

      expect(confirmed).toBe(true);
      expect(seen).toEqual(['1', 'caught-up', '2']);
      expect(checkpoints.length).toBeGreaterThan(0);
    });

    it('subscribes to a stream that does not exist yet and delivers its first event', async () => {
      const streamId = stream();
      const subscription = client.subscribeToStream(streamId, { fromRevision: START });
      subscription.once('caughtUp', () => void client.appendToStream(streamId, event('First')));

      const [first] = await readAll(
        (async function* () {
          for await (const resolved of subscription) {
            yield resolved.event!.type;
            return;
          }
        })(),
      );
      await subscription.unsubscribe();

      expect(first).toBe('First');
    });
  });

  describe('lifecycle', () => {
    it('drops every client connection on demand, keeps listening, and lets clients reconnect', async () => {
      const streamId = stream();
      const subscription = client.subscribeToStream(streamId);
      const failed = new Promise<unknown>((resolve) => subscription.on('error', resolve));
      await new Promise((resolve) => subscription.once('caughtUp', resolve));

      expect(standin.dropConnections()).toBeGreaterThan(0);
      const error = await failed;
      await subscription.unsubscribe().catch(() => undefined);

      expect(error).toBeInstanceOf(UnavailableError);
      await expect(client.appendToStream(streamId, event())).resolves.toMatchObject({
        success: true,
      });
    });

    it('refuses connections once stopped', async () => {
      const doomed = await EsdbStandin.start();
      const doomedClient = EventStoreDBClient.connectionString(doomed.connectionString);
      await doomedClient.appendToStream(stream(), event());

      await doomed.stop();

      await expect(doomedClient.appendToStream(stream(), event())).rejects.toBeInstanceOf(
        UnavailableError,
      );
      await doomedClient.dispose();
    });

    it('runs on its own from the command line (npx tsx test/esdb-standin/main.ts --port 0)', async () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'test/esdb-standin/main.ts'), '--port', '0'],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      try {
        const connectionString = await new Promise<string>((resolve, reject) => {
          let stderr = '';
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.on('exit', (code) => reject(new Error(`the stand-in exited (${code}): ${stderr}`)));
          createInterface({ input: child.stdout }).on('line', (line) => {
            const match = /(esdb:\/\/\S+)/.exec(line);
            if (match) resolve(match[1]!);
          });
        });
        const cliClient = EventStoreDBClient.connectionString(connectionString);
        const result = await cliClient.appendToStream(stream(), event(), {
          expectedRevision: 'no_stream',
        });
        await cliClient.dispose();
        expect(result.nextExpectedRevision).toBe(0n);

        const exited = new Promise<number | null>((resolve) =>
          child.once('exit', (code) => resolve(code)),
        );
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  });
});
