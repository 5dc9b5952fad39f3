import { type KeyObject, generateKeyPairSync } from 'node:crypto';
import { type JsonObject, FixedClock } from '@onrecord/kernel';
import { InMemoryEventStore, type NewEvent, type StoredEvent } from '@onrecord/event-store';
import { formatCheckpoint, signCheckpoint } from '../domain/checkpoint.js';
import { eventLeafHash } from '../domain/event-leaf.js';
import { MerkleLog } from '../domain/merkle-log.js';
import { InMemoryMerkleNodeStore } from '../infrastructure/in-memory-merkle-node-store.js';

export const LEDGER_ORIGIN = 'onrecord.example/ledger';
export const ACME = 'account-acme';

let ids = 0;
function said(type: string, data: JsonObject, actor = { id: 'rep-7', role: 'sales' }): NewEvent {
  ids += 1;
  return {
    id: `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`,
    type,
    data,
    metadata: {
      occurredAt: '2026-03-02T08:55:00.000Z',
      actor,
      channel: 'phone',
      counterparty: { contactId: 'c-1' },
    },
  };
}

export interface SignedLedger {
  readonly log: MerkleLog;
  /** Acme's whole stream, revision 0 to 5. */
  readonly acme: readonly StoredEvent[];
  /** Where each event id sits in the log. */
  readonly leafIndexOf: ReadonlyMap<string, number>;
  readonly checkpoint: string;
  readonly key: { readonly publicKey: KeyObject; readonly privateKey: KeyObject };
  readonly signedAt: Date;
}

/**
 * Given Acme's account with a promise, stated terms, a concession granted and
 * one refused below the floor, interleaved with another account's and the
 * policy stream's events; every event appended to the ledger's log in global
 * order and the log's head signed as a checkpoint.
 */
export async function givenASignedLedger(): Promise<SignedLedger> {
  const clock = new FixedClock(new Date('2026-03-02T09:00:00.000Z'));
  const store = new InMemoryEventStore(clock);
  const write = async (streamId: string, event: NewEvent): Promise<void> => {
    await store.appendToStream(streamId, [event]);
    clock.advance(60_000);
  };
  await write(
    'policy',
    said(
      'PolicyPublished',
      { version: 3, grossProfitFloorBp: 2200 },
      { id: 'mgr-1', role: 'sales-manager' },
    ),
  );
  await write(ACME, said('ExpectationsRecorded', { mustDo: ['confirm ship dates by email'] }));
  await write('account-globex', said('PromiseMade', { text: 'samples by Tuesday' }));
  await write(ACME, said('PaymentTermsStated', { terms: 'NET_30', context: 'quote' }));
  await write(ACME, said('PromiseMade', { text: 'free freight on the March order' }));
  await write(
    'account-globex',
    said('QuoteIssued', { amount: { minor: 1250000, currency: 'EUR' } }),
  );
  await write(
    ACME,
    said('ConcessionGranted', {
      kind: 'freight',
      amount: { minor: 18000, currency: 'USD' },
      policyVersion: 3,
    }),
  );
  await write(
    ACME,
    said('ConcessionRefusedBelowFloor', { discountBp: 900, floorBp: 2200, policyVersion: 3 }),
  );
  await write(
    'account-globex',
    said('PaymentTermsStated', { terms: 'NET_60', context: 'contract' }),
  );
  await write(
    ACME,
    said('EscalationRequested', { to: 'manager', answer: 'recorded and answered by the rep' }),
  );

  const all = await store.readAll({ maxCount: 1000 });
  const log = new MerkleLog(new InMemoryMerkleNodeStore());
  const leafIndexOf = new Map<string, number>();
  for (const event of all) leafIndexOf.set(event.id, log.append(eventLeafHash(event)));

  const key = generateKeyPairSync('ed25519');
  const signedAt = clock.now();
  const body = formatCheckpoint({
    origin: LEDGER_ORIGIN,
    treeSize: log.size,
    rootHash: log.root(),
    timestamp: signedAt,
  });
  const checkpoint = signCheckpoint(body, key.privateKey);
  const acme = await store.readStream(ACME);
  await store.close();
  return { log, acme, leafIndexOf, checkpoint, key, signedAt };
}
