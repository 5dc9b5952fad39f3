import { CloudEvent } from 'cloudevents';
import type { StoredEvent } from '@onrecord/event-store';
import { cloudEventOf } from './cloud-event.js';

const stored: StoredEvent = {
  id: '5f0c1a9e-1f6b-4a8e-9a56-0d2b8e6f1c11',
  type: 'PromiseMade',
  schemaVersion: 1,
  streamId: 'account-acme',
  revision: 7,
  position: { commit: 42n, prepare: 40n },
  data: { promiseId: 'P-1', text: 'Ships Friday' },
  metadata: {
    occurredAt: '2026-03-02T08:55:00.000Z',
    actor: { id: 'sam-sales', role: 'sales' },
    channel: 'phone',
    counterparty: { contactId: 'pat-buyer' },
  },
  recordedAt: '2026-03-02T09:00:00.000Z',
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
};

describe('events as CloudEvents', () => {
  it('given an account event, produces a CloudEvent the official SDK accepts in strict mode', () => {
    const json = cloudEventOf(stored, {
      source: 'urn:onrecord:ledger',
      kind: 'account',
      accountId: 'acme',
      position: '42:40',
    });
    const event = new CloudEvent(JSON.parse(JSON.stringify(json)) as Record<string, unknown>);
    expect(event).toMatchObject({
      specversion: '1.0',
      id: stored.id,
      source: 'urn:onrecord:ledger',
      type: 'com.onrecord.account.PromiseMade.v1',
      subject: 'acme',
      time: stored.recordedAt,
      data: stored.data,
      position: '42:40',
      sequence: '0000000000000007',
      occurredat: stored.metadata.occurredAt,
      actorid: 'sam-sales',
      actorrole: 'sales',
      channel: 'phone',
      eventhash: stored.hash,
    });
  });

  it('never publishes the counterparty (personal data lives in its own erasable store)', () => {
    const json = cloudEventOf(stored, {
      source: 's',
      kind: 'account',
      accountId: 'acme',
      position: '42',
    });
    expect(JSON.stringify(json)).not.toContain('pat-buyer');
  });

  it('gives policy events no subject', () => {
    const json = cloudEventOf(
      { ...stored, type: 'PolicyPublished', streamId: 'policy' },
      { source: 's', kind: 'policy', accountId: null, position: '3' },
    );
    expect(json.subject).toBeUndefined();
    expect(json.type).toBe('com.onrecord.policy.PolicyPublished.v1');
  });

  it('orders sequences as strings the way revisions order as numbers', () => {
    const at = (revision: number) =>
      cloudEventOf(
        { ...stored, revision },
        { source: 's', kind: 'account', accountId: 'a', position: '1' },
      ).sequence;
    expect([at(10), at(9), at(100)].sort()).toEqual([at(9), at(10), at(100)]);
  });
});
