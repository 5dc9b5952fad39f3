import { createHash } from 'node:crypto';
import { canonicalJson } from '@onrecord/kernel';
import { type StoredEvent, sequencePosition } from '@onrecord/event-store';
import { givenASignedLedger } from '../testing/ledger-fixture.js';
import { eventLeaf, eventLeafHash } from './event-leaf.js';

describe('an event leaf', () => {
  it('is the canonical JSON of the hashed body plus the chain hash, members in JCS order', async () => {
    const { acme } = await givenASignedLedger();
    const event = acme[2]!;
    const text = Buffer.from(eventLeaf(event)).toString('utf8');
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'data',
      'hash',
      'id',
      'metadata',
      'prevHash',
      'recordedAt',
      'revision',
      'schemaVersion',
      'streamId',
      'type',
    ]);
    const { position: _position, ...withoutPosition } = event;
    expect(text).toBe(canonicalJson(withoutPosition));
    expect(text.startsWith('{"data":{"text":"free freight on the March order"},"hash":"')).toBe(
      true,
    );
  });

  it('leaves the global position out and keeps the chain hash in', async () => {
    const { acme } = await givenASignedLedger();
    const event = acme[1]!;
    const elsewhere: StoredEvent = { ...event, position: sequencePosition(999) };
    expect(eventLeaf(elsewhere)).toEqual(eventLeaf(event));
    expect(eventLeaf({ ...event, hash: 'f'.repeat(64) })).not.toEqual(eventLeaf(event));
  });

  it('is hashed as an RFC 9162 leaf, SHA-256(0x00 ‖ leaf)', async () => {
    const { acme } = await givenASignedLedger();
    const expected = createHash('sha256')
      .update(Uint8Array.of(0))
      .update(eventLeaf(acme[0]!))
      .digest('hex');
    expect(Buffer.from(eventLeafHash(acme[0]!)).toString('hex')).toBe(expected);
  });
});
