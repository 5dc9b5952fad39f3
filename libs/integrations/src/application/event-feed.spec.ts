import { InMemoryEventStore, type StoredEvent } from '@onrecord/event-store';
import { MATCH_EVERYTHING } from '../domain/event-filter.js';
import { record } from '../testing/integrations-test-kit.js';
import {
  EventFeed,
  type FeedEvent,
  type FeedSubscription,
  feedEventOf,
} from './event-feed.service.js';

function storedIn(streamId: string, type = 'PromiseMade'): StoredEvent {
  return {
    id: '7d5e7a4e-7a53-4c0e-9d86-1c6c1d1f0a01',
    type,
    schemaVersion: 1,
    streamId,
    revision: 0,
    position: { commit: 7n, prepare: 7n },
    data: {},
    metadata: { occurredAt: '2026-03-02T09:00:00.000Z', actor: { id: 'x', role: 'system' } },
    recordedAt: '2026-03-02T09:00:00.000Z',
    prevHash: '',
    hash: '',
  };
}

describe('what the integration feed publishes', () => {
  it('publishes the account streams and the policy stream', () => {
    expect(feedEventOf(storedIn('account-acme'))).toMatchObject({
      kind: 'account',
      accountId: 'acme',
      position: '7',
    });
    expect(feedEventOf(storedIn('policy', 'PolicyPublished'))).toMatchObject({
      kind: 'policy',
      accountId: null,
    });
  });

  it('keeps webhook registrations and progress, leases, keys and personal data inside', () => {
    for (const streamId of [
      'webhooks',
      'webhook-progress-7d5e7a4e-7a53-4c0e-9d86-1c6c1d1f0a01',
      'lease-background-work',
      'actor-sam-sales',
      'contact-c-1',
      'ledger-checkpoints',
      'policy-drafts',
    ]) {
      expect(feedEventOf(storedIn(streamId, 'WebhookRegistered'))).toBeNull();
    }
  });
});

describe('the integration feed over the store', () => {
  it('given two subscriptions, hands both the same published event, made once', async () => {
    const store = new InMemoryEventStore();
    const feed = new EventFeed(store, { source: 'urn:test' });
    const first = feed.subscribe(MATCH_EVERYTHING, { kind: 'start' });
    const second = feed.subscribe(MATCH_EVERYTHING, { kind: 'start' });
    await record(store, 'acme', 'PromiseMade');

    const [a, b] = await Promise.all([firstEventOf(first), firstEventOf(second)]);

    expect(a).toBe(b);
    expect(a).toMatchObject({ kind: 'account', accountId: 'acme', type: 'PromiseMade' });
    await store.close();
  });
});

async function firstEventOf(subscription: FeedSubscription): Promise<FeedEvent> {
  try {
    for await (const item of subscription) if (item.kind === 'event') return item.feed;
    throw new Error('the feed ended without an event');
  } finally {
    await subscription.close();
  }
}
