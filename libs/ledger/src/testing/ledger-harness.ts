import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { type Clock, SystemClock } from '@onrecord/kernel';
import { type EventStore, type NewEvent, SqliteEventStore } from '@onrecord/event-store';
import { LedgerService } from '../application/ledger.service.js';
import { LedgerSigner } from '../application/ledger-signer.js';
import { SqliteMerkleNodeStore } from '../infrastructure/sqlite-merkle-node-store.js';
import { newEvent } from '../../../../test/support/event-store.contract.js';

export const TEST_ORIGIN = 'onrecord.test/ledger';

/** One signing key per test run: generating Ed25519 keys is cheap but not free. */
export const testPrivateKey = generateKeyPairSync('ed25519').privateKey;
export const testSigner = new LedgerSigner(TEST_ORIGIN, testPrivateKey);

export interface RunningLedger {
  readonly service: LedgerService;
  readonly storage: SqliteMerkleNodeStore;
  /** Stops the projection and closes ledger.sqlite (not the event store). */
  close(): Promise<void>;
}

/** A ledger over `store`, kept in `<dir>/ledger.sqlite`, started and caught up. */
export async function startLedger(
  dir: string,
  store: EventStore,
  options: {
    flushDelayMs?: number;
    clock?: Clock;
    signer?: LedgerSigner;
  } = {},
): Promise<RunningLedger> {
  const storage = new SqliteMerkleNodeStore({ file: join(dir, 'ledger.sqlite') });
  const service = new LedgerService(
    store,
    storage,
    options.signer ?? testSigner,
    options.clock ?? new SystemClock(),
    {
      waitTimeoutMs: 5_000,
      ...(options.flushDelayMs === undefined ? {} : { flushDelayMs: options.flushDelayMs }),
    },
  );
  try {
    await service.start();
  } catch (error) {
    await service.stop();
    storage.close();
    throw error;
  }
  return {
    service,
    storage,
    close: async () => {
      await service.stop();
      storage.close();
    },
  };
}

export function openStore(dir: string): SqliteEventStore {
  return new SqliteEventStore({ file: join(dir, 'events.sqlite') });
}

/**
 * Given `count` events spread over a few account streams, appended a few at a
 * time (so global order interleaves the streams), as a busy desk writes them.
 */
export async function givenHistory(
  store: EventStore,
  count: number,
  streams = ['account-acme', 'account-globex', 'account-initech', 'policy'],
): Promise<void> {
  let written = 0;
  for (let round = 0; written < count; round++) {
    const streamId = streams[round % streams.length]!;
    const batch: NewEvent[] = [];
    for (let i = 0; i < 3 && written < count; i++, written++) {
      batch.push(newEvent('PromiseMade', { text: `promise ${written}`, round }));
    }
    await store.appendToStream(streamId, batch);
  }
}
