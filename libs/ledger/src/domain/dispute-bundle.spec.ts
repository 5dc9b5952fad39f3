import { generateKeyPairSync } from 'node:crypto';
import { type JsonObject } from '@onrecord/kernel';
import { GENESIS_HASH, chainHash } from '@onrecord/event-store';
import {
  ACME,
  LEDGER_ORIGIN,
  type SignedLedger,
  givenASignedLedger,
} from '../testing/ledger-fixture.js';
import { formatCheckpoint, signCheckpoint } from './checkpoint.js';
import { type BundleEntry, type DisputeBundle, buildBundle } from './dispute-bundle.js';
import { verifyBundle } from './dispute-bundle.verifier.js';
import { publicKeyPem } from './ed25519-keys.js';
import { eventLeafHash } from './event-leaf.js';
import { BundleBuildError } from './ledger-errors.js';
import { toHex } from './merkle-hashing.js';
import { MerkleLog } from './merkle-log.js';
import { InMemoryMerkleNodeStore } from '../infrastructure/in-memory-merkle-node-store.js';

/** A bundle as an auditor receives it: JSON text, parsed. */
const asReceived = (bundle: DisputeBundle): DisputeBundle =>
  JSON.parse(JSON.stringify(bundle)) as DisputeBundle;

function bundleOf(ledger: SignedLedger, from = 0, to = ledger.acme.length - 1): DisputeBundle {
  const events = ledger.acme.slice(from, to + 1);
  return asReceived(
    buildBundle({
      events,
      leafIndices: events.map((e) => ledger.leafIndexOf.get(e.id)!),
      log: ledger.log,
      checkpoint: ledger.checkpoint,
      publicKey: ledger.key.publicKey,
    }),
  );
}

/** A log of the same leaves in another order: same size, another root. */
function sameLeavesReversed(log: MerkleLog): MerkleLog {
  const other = new MerkleLog(new InMemoryMerkleNodeStore());
  for (let i = log.size - 1; i >= 0; i--) other.append(log.leafHash(i));
  return other;
}

const withEntries = (bundle: DisputeBundle, entries: readonly BundleEntry[]): DisputeBundle => ({
  ...bundle,
  entries,
});

describe('a dispute bundle', () => {
  let ledger: SignedLedger;
  let bundle: DisputeBundle;
  let trustedPublicKeyPem: string;
  beforeAll(async () => {
    ledger = await givenASignedLedger();
    bundle = bundleOf(ledger);
    trustedPublicKeyPem = publicKeyPem(ledger.key.publicKey);
  });

  describe('as exported', () => {
    it('carries the whole envelope of every event, positions as text, and one signed checkpoint', () => {
      expect(bundle).toMatchObject({
        format: 'onrecord.dispute-bundle',
        version: 1,
        streamId: ACME,
        fromRevision: 0,
        toRevision: 5,
        precedingHash: GENESIS_HASH,
      });
      expect(bundle.entries.map((e) => e.event.type)).toEqual([
        'ExpectationsRecorded',
        'PaymentTermsStated',
        'PromiseMade',
        'ConcessionGranted',
        'ConcessionRefusedBelowFloor',
        'EscalationRequested',
      ]);
      expect(bundle.entries.map((e) => e.leafIndex)).toEqual([1, 3, 4, 6, 7, 9]);
      expect(bundle.entries[2]!.event).toMatchObject({
        position: '5',
        metadata: { actor: { id: 'rep-7', role: 'sales' }, channel: 'phone' },
      });
      expect(bundle.checkpoint.startsWith(`${LEDGER_ORIGIN}\n10\n`)).toBe(true);
      expect(bundle.publicKeyPem).toBe(trustedPublicKeyPem);
    });

    it('verifies offline against the trusted key, saying what it proved', () => {
      const result = verifyBundle(bundle, { trustedPublicKeyPem });
      expect(result).toMatchObject({
        ok: true,
        streamId: ACME,
        fromRevision: 0,
        toRevision: 5,
        eventCount: 6,
        startsAtGenesis: true,
        keyTrusted: true,
        checkpoint: {
          origin: LEDGER_ORIGIN,
          treeSize: 10,
          timestamp: ledger.signedAt.toISOString(),
          keyName: LEDGER_ORIGIN,
        },
      });
      expect(result.ok && result.verifierKey.startsWith(`${LEDGER_ORIGIN}+`)).toBe(true);
    });

    it('verifies without a trusted key but says the key was not checked', () => {
      expect(verifyBundle(bundle)).toMatchObject({ ok: true, keyTrusted: false });
    });

    it('covers a revision range from its preceding hash, which the first leaf authenticates', () => {
      const range = bundleOf(ledger, 2, 4);
      expect(range).toMatchObject({
        fromRevision: 2,
        toRevision: 4,
        precedingHash: ledger.acme[1]!.hash,
      });
      expect(verifyBundle(range, { trustedPublicKeyPem })).toMatchObject({
        ok: true,
        eventCount: 3,
        startsAtGenesis: false,
      });
      const relinked = { ...range, precedingHash: 'a'.repeat(64) };
      expect(verifyBundle(relinked)).toMatchObject({
        ok: false,
        check: 'prev-hash',
        eventId: ledger.acme[2]!.id,
      });
    });

    it('still verifies once the log has grown, against a later checkpoint', async () => {
      const later = await givenASignedLedger();
      const grown = new MerkleLog(new InMemoryMerkleNodeStore());
      for (let i = 0; i < later.log.size; i++) grown.append(later.log.leafHash(i));
      grown.append(eventLeafHash({ ...later.acme[0]!, id: 'another' }));
      const body = formatCheckpoint({
        origin: LEDGER_ORIGIN,
        treeSize: grown.size,
        rootHash: grown.root(),
        timestamp: new Date('2026-03-03T00:00:00.000Z'),
      });
      const rebuilt = buildBundle({
        events: later.acme,
        leafIndices: later.acme.map((e) => later.leafIndexOf.get(e.id)!),
        log: grown,
        checkpoint: signCheckpoint(body, later.key.privateKey),
        publicKey: later.key.publicKey,
      });
      expect(verifyBundle(asReceived(rebuilt))).toMatchObject({
        ok: true,
        checkpoint: { treeSize: 11 },
      });
    });
  });

  describe('when tampered with', () => {
    it('names the event whose data changed by one byte', () => {
      const entries = bundle.entries.map((entry, i) => {
        if (i !== 3) return entry;
        const data = entry.event.data as { amount: { minor: number } } & JsonObject;
        return {
          ...entry,
          event: { ...entry.event, data: { ...data, amount: { ...data.amount, minor: 18001 } } },
        };
      });
      expect(verifyBundle(withEntries(bundle, entries))).toMatchObject({
        ok: false,
        check: 'event-hash',
        eventId: ledger.acme[3]!.id,
        revision: 3,
      });
    });

    it('names the event whose content was changed and its hash recomputed: the log does not hold it', () => {
      const edited = {
        ...bundle.entries[5]!.event,
        data: { to: 'manager', answer: 'escalated upward' },
      };
      const rehashed = { ...edited, hash: chainHash(edited) };
      const entries = bundle.entries.map((entry, i) =>
        i === 5 ? { ...entry, event: rehashed } : entry,
      );
      expect(verifyBundle(withEntries(bundle, entries))).toMatchObject({
        ok: false,
        check: 'inclusion',
        eventId: rehashed.id,
      });
    });

    it('names the event after one dropped from the middle', () => {
      const entries = bundle.entries.filter((_, i) => i !== 2);
      expect(verifyBundle(withEntries(bundle, entries))).toMatchObject({
        ok: false,
        check: 'revision',
        eventId: ledger.acme[3]!.id,
        reason: expect.stringContaining('revision 3 where 2 was expected') as unknown,
      });
    });

    it('names the first of two reordered events', () => {
      const entries = [...bundle.entries];
      [entries[1], entries[2]] = [entries[2]!, entries[1]!];
      expect(verifyBundle(withEntries(bundle, entries))).toMatchObject({
        ok: false,
        check: 'revision',
        eventId: ledger.acme[2]!.id,
      });
    });

    it('names a chain link that does not hold even when revisions are renumbered', () => {
      const entries = bundle.entries
        .filter((_, i) => i !== 2)
        .map((entry, i) => ({ ...entry, event: { ...entry.event, revision: i } }));
      expect(verifyBundle(withEntries(bundle, entries))).toMatchObject({
        ok: false,
        check: 'prev-hash',
        eventId: ledger.acme[3]!.id,
      });
    });

    it('names a missing last event against the stated range', () => {
      const entries = bundle.entries.slice(0, -1);
      expect(verifyBundle(withEntries(bundle, entries))).toMatchObject({
        ok: false,
        check: 'range',
      });
      expect(verifyBundle({ ...bundle, toRevision: 4 })).toMatchObject({
        ok: false,
        check: 'range',
        eventId: ledger.acme[5]!.id,
      });
    });

    it('names an event moved in from another stream', () => {
      const entries = bundle.entries.map((entry, i) =>
        i === 0 ? { ...entry, event: { ...entry.event, streamId: 'account-globex' } } : entry,
      );
      expect(verifyBundle(withEntries(bundle, entries))).toMatchObject({
        ok: false,
        check: 'stream',
        eventId: ledger.acme[0]!.id,
      });
    });

    it('names the event whose inclusion proof or leaf index was altered', () => {
      const flipped = bundle.entries.map((entry, i) =>
        i === 4
          ? {
              ...entry,
              inclusionProof: entry.inclusionProof.map((h, j) =>
                j === 0 ? (h[0] === 'a' ? 'b' : 'a') + h.slice(1) : h,
              ),
            }
          : entry,
      );
      expect(verifyBundle(withEntries(bundle, flipped))).toMatchObject({
        ok: false,
        check: 'inclusion',
        eventId: ledger.acme[4]!.id,
      });
      const moved = bundle.entries.map((entry, i) =>
        i === 4 ? { ...entry, leafIndex: 8 } : entry,
      );
      expect(verifyBundle(withEntries(bundle, moved))).toMatchObject({
        ok: false,
        check: 'inclusion',
        eventId: ledger.acme[4]!.id,
      });
      const outside = bundle.entries.map((entry, i) =>
        i === 4 ? { ...entry, leafIndex: 10 } : entry,
      );
      expect(verifyBundle(withEntries(bundle, outside))).toMatchObject({
        ok: false,
        check: 'leaf-index',
        eventId: ledger.acme[4]!.id,
      });
    });

    it('catches a swapped public key: bundle signed by key A, key B substituted', () => {
      const keyB = generateKeyPairSync('ed25519');
      const swapped = { ...bundle, publicKeyPem: publicKeyPem(keyB.publicKey) };
      expect(verifyBundle(swapped)).toMatchObject({
        ok: false,
        check: 'checkpoint',
        reason: expect.stringContaining('unknown-key') as unknown,
      });
      expect(verifyBundle(swapped, { trustedPublicKeyPem })).toMatchObject({
        ok: false,
        check: 'trusted-key',
      });
    });

    it('catches a forged checkpoint: another root, re-signed by another key', () => {
      const forger = generateKeyPairSync('ed25519');
      const rootOfOtherLog = new MerkleLog(new InMemoryMerkleNodeStore());
      rootOfOtherLog.append(eventLeafHash(ledger.acme[0]!));
      const forgedBody = formatCheckpoint({
        origin: LEDGER_ORIGIN,
        treeSize: 10,
        rootHash: rootOfOtherLog.root(),
        timestamp: ledger.signedAt,
      });
      const forged = signCheckpoint(forgedBody, forger.privateKey);

      // The checkpoint alone replaced: it is not signed by the bundle's key.
      expect(verifyBundle({ ...bundle, checkpoint: forged })).toMatchObject({
        ok: false,
        check: 'checkpoint',
      });
      // Checkpoint and key replaced together: the events are not under the forged root...
      const both = { ...bundle, checkpoint: forged, publicKeyPem: publicKeyPem(forger.publicKey) };
      expect(verifyBundle(both)).toMatchObject({
        ok: false,
        check: 'inclusion',
        eventId: ledger.acme[0]!.id,
      });
      // ...and an auditor holding the log's key rejects the forger's key outright.
      expect(verifyBundle(both, { trustedPublicKeyPem })).toMatchObject({
        ok: false,
        check: 'trusted-key',
      });
    });

    it('catches a checkpoint altered after signing', () => {
      const altered = bundle.checkpoint.replace(`${LEDGER_ORIGIN}\n10\n`, `${LEDGER_ORIGIN}\n11\n`);
      expect(verifyBundle({ ...bundle, checkpoint: altered })).toMatchObject({
        ok: false,
        check: 'checkpoint',
        reason: expect.stringContaining('signature') as unknown,
      });
    });

    it.each([
      ['not an object', () => 'bundle'],
      ['another format', () => ({ ...bundle, format: 'zip' })],
      ['another version', () => ({ ...bundle, version: 2 })],
      ['no events', () => ({ ...bundle, entries: [] })],
      ['a hash that is not hex', () => ({ ...bundle, precedingHash: 'zz' })],
      [
        'a position that is not a position',
        () =>
          withEntries(
            bundle,
            bundle.entries.map((e) => ({ ...e, event: { ...e.event, position: 'five' } })),
          ),
      ],
      [
        'an event without an actor',
        () => ({
          ...bundle,
          entries: bundle.entries.map((e) => ({
            ...e,
            event: { ...e.event, metadata: { occurredAt: 'x' } },
          })),
        }),
      ],
    ])('rejects a bundle with %s as format', (_, make) => {
      expect(verifyBundle(make())).toMatchObject({ ok: false, check: 'format' });
    });

    it('rejects a key that is not Ed25519', () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
      expect(verifyBundle({ ...bundle, publicKeyPem: publicKeyPem(rsa) })).toMatchObject({
        ok: false,
        check: 'public-key',
      });
    });
  });

  describe('when built', () => {
    const build = (overrides: Partial<Parameters<typeof buildBundle>[0]>) => () =>
      buildBundle({
        events: ledger.acme,
        leafIndices: ledger.acme.map((e) => ledger.leafIndexOf.get(e.id)!),
        log: ledger.log,
        checkpoint: ledger.checkpoint,
        publicKey: ledger.key.publicKey,
        ...overrides,
      });

    it.each([
      ['no events', () => build({ events: [], leafIndices: [] })],
      ['fewer leaf indices than events', () => build({ leafIndices: [1, 3] })],
      [
        'a gap in the events',
        () =>
          build({ events: ledger.acme.filter((_, i) => i !== 1), leafIndices: [1, 4, 6, 7, 9] }),
      ],
      ['a leaf index that holds another event', () => build({ leafIndices: [1, 3, 4, 6, 7, 8] })],
      ['a leaf index past the checkpoint', () => build({ leafIndices: [1, 3, 4, 6, 7, 10] })],
      [
        'a checkpoint signed by another key',
        () => build({ publicKey: generateKeyPairSync('ed25519').publicKey }),
      ],
      ['a checkpoint of another log', () => build({ log: sameLeavesReversed(ledger.log) })],
    ])('refuses %s', (_, make) => {
      expect(make()).toThrow(BundleBuildError);
    });

    it('writes each proof as hex hashes from the leaf up', () => {
      const entry = bundle.entries[0]!;
      expect(entry.inclusionProof).toEqual(
        ledger.log.inclusionProof(entry.leafIndex, 10).map(toHex),
      );
    });
  });
});
