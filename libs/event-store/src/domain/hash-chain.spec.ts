import { createHash } from 'node:crypto';
import { canonicalJson } from '@onrecord/kernel';
import { chainEvents, validateNewEvents } from './append-rules.js';
import { sequencePosition } from './envelope.js';
import {
  type HashedBody,
  GENESIS_HASH,
  canonicalBody,
  canonicalEnvelope,
  chainHash,
  hashedBodyObject,
} from './hash-chain.js';

const acmeQuote: HashedBody = {
  id: '0b7c9f3e-4d1a-4c2b-9e8f-1a2b3c4d5e6f',
  type: 'QuoteIssued',
  schemaVersion: 1,
  streamId: 'account-acme',
  revision: 3,
  data: {
    quoteId: 'Q-1',
    lines: [{ sku: 'W-1', quantity: 100, unitPriceMinor: 1200 }],
    note: 'Café “Übersee” ☕ \u2028 \ud83d\ude00',
    '10': 'ten',
    b: -0,
    e: 1e21,
  },
  metadata: {
    occurredAt: '2026-11-20T14:05:00.000Z',
    actor: { id: 'sam-sales', role: 'sales' },
    channel: 'phone',
    counterparty: { contactId: 'pat-buyer' },
  },
  recordedAt: '2026-11-20T14:06:00.000Z',
  prevHash: 'ab'.repeat(32),
};

/** How every hash on record was computed before the body was written member by member. */
function hashAsFirstDefined(event: HashedBody): string {
  return createHash('sha256')
    .update(event.prevHash, 'utf8')
    .update(canonicalJson(hashedBodyObject(event)), 'utf8')
    .digest('hex');
}

describe('the hash chain', () => {
  it('hashes an event exactly as it always has (pinned)', () => {
    expect(chainHash(acmeQuote)).toBe(
      'a25eb5a084d19fd980b605d8c4c7b33b4117304cc3febe1a570bc8a4d98d6d02',
    );
    expect(canonicalBody(acmeQuote)).toBe(canonicalJson(hashedBodyObject(acmeQuote)));
  });

  it('writes the same canonical body as the generic serializer, for odd but well-formed envelopes', () => {
    const variants: HashedBody[] = [
      acmeQuote,
      { ...acmeQuote, id: 'quote "with" \\ escapes \u0000', type: 'Type\ud800' },
      { ...acmeQuote, streamId: 'account-\u2028', revision: 0, schemaVersion: 7 },
      { ...acmeQuote, data: {}, metadata: { occurredAt: 'x', actor: { id: 'a', role: 'b' } } },
      { ...acmeQuote, revision: Number.MAX_SAFE_INTEGER, prevHash: GENESIS_HASH },
    ];
    for (const event of variants) {
      expect(canonicalBody(event)).toBe(canonicalJson(hashedBodyObject(event)));
      expect(chainHash(event)).toBe(hashAsFirstDefined(event));
      const withHash = { ...event, hash: chainHash(event) };
      expect(canonicalEnvelope(withHash)).toBe(
        canonicalJson({ ...hashedBodyObject(event), hash: withHash.hash }),
      );
    }
  });

  it('hashes a malformed envelope (a tampered bundle) exactly as the generic serializer does', () => {
    const malformed = [
      { ...acmeQuote, revision: '3' },
      { ...acmeQuote, schemaVersion: undefined },
      { ...acmeQuote, metadata: undefined },
      { ...acmeQuote, data: ['not', 'an', 'object'] },
      { ...acmeQuote, revision: 1.5 },
      { ...acmeQuote, id: 42 },
    ] as unknown as HashedBody[];
    for (const event of malformed) {
      expect(canonicalBody(event)).toBe(canonicalJson(hashedBodyObject(event)));
      expect(chainHash(event)).toBe(hashAsFirstDefined(event));
      const withHash = { ...event, hash: 'f'.repeat(64) };
      expect(canonicalEnvelope(withHash)).toBe(
        canonicalJson({ ...hashedBodyObject(event), hash: withHash.hash }),
      );
    }
  });

  it('chains prepared events to the hashes a verifier recomputes from their content', () => {
    const prepared = validateNewEvents('account-acme', [
      {
        id: '0B7C9F3E-4D1A-4C2B-9E8F-1A2B3C4D5E6F',
        type: 'QuoteIssued',
        data: acmeQuote.data,
        metadata: { ...acmeQuote.metadata, correlationId: undefined },
      },
      {
        id: '1b7c9f3e-4d1a-4c2b-9e8f-1a2b3c4d5e6f',
        type: 'QuoteAccepted',
        schemaVersion: 2,
        data: { quoteId: 'Q-1' },
        metadata: acmeQuote.metadata,
      },
    ]);
    const [first, second] = chainEvents(
      'account-acme',
      prepared,
      { revision: 2, hash: acmeQuote.prevHash },
      acmeQuote.recordedAt,
      (i) => sequencePosition(10 + i),
    );
    expect(first!.hash).toBe(chainHash(acmeQuote));
    expect(first!.metadata).toEqual(acmeQuote.metadata);
    expect('correlationId' in first!.metadata).toBe(false);
    expect(second!.prevHash).toBe(first!.hash);
    expect(second!.hash).toBe(hashAsFirstDefined(second!));
  });
});
