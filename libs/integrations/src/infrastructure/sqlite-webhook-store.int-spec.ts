import { join } from 'node:path';
import { tempDir } from '../../../../test/support/temp-dir.js';
import type { Webhook } from '../domain/webhook.js';
import type { DeliveryAttempt } from '../application/webhook-store.port.js';
import { ATTEMPTS_KEPT, SqliteWebhookStore } from './sqlite-webhook-store.js';

const webhook: Webhook = {
  id: '7d5e7a4e-7a53-4c0e-9d86-1c6c1d1f0a01',
  url: 'https://erp.example.com/hooks',
  description: 'ERP',
  filter: { accounts: ['acme'], types: [], categories: ['orders'] },
  secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
  status: 'active',
  pausedReason: null,
  cursor: null,
  consecutiveFailures: 0,
  nextAttemptAt: null,
  deliveredCount: 0,
  createdAt: '2026-03-02T09:00:00.000Z',
  createdBy: 'bootstrap-manager',
  updatedAt: '2026-03-02T09:00:00.000Z',
};

const attempt = (
  position: string,
  outcome: DeliveryAttempt['outcome'],
  statusCode: number | null,
): DeliveryAttempt => ({
  webhookId: webhook.id,
  eventId: `event-${position}`,
  eventType: 'OrderPlaced',
  accountId: 'acme',
  position,
  attempt: 1,
  attemptedAt: '2026-03-02T09:01:00.000Z',
  durationMs: 12,
  statusCode,
  outcome,
  error: outcome === 'failed' ? `HTTP ${statusCode}` : null,
  responseExcerpt: null,
  nextAttemptAt: null,
});

describe('webhooks.sqlite', () => {
  it('given acknowledged and failed attempts, keeps the cursor, failures and pause across a reopen', async () => {
    const dir = tempDir('onrecord-webhooks-');
    const file = join(dir.path, 'webhooks.sqlite');
    try {
      const first = new SqliteWebhookStore(file);
      await first.create(webhook);
      await first.recordAttempt(attempt('7', 'delivered', 204), { kind: 'delivered' });
      await first.recordAttempt(attempt('9', 'failed', 500), {
        kind: 'retry',
        failures: 1,
        nextAttemptAt: '2026-03-02T09:01:01.000Z',
      });
      await first.recordAttempt(attempt('9', 'failed', 503), {
        kind: 'pause',
        failures: 2,
        reason: 'two failures',
      });
      first.close();

      const reopened = new SqliteWebhookStore(file);
      expect(await reopened.get(webhook.id)).toMatchObject({
        cursor: '7',
        deliveredCount: 1,
        status: 'paused',
        pausedReason: 'two failures',
        consecutiveFailures: 2,
        nextAttemptAt: null,
        secret: webhook.secret,
        filter: webhook.filter,
      });
      expect(
        (await reopened.attempts(webhook.id, 10)).map((a) => [a.position, a.outcome, a.statusCode]),
      ).toEqual([
        ['9', 'failed', 503],
        ['9', 'failed', 500],
        ['7', 'delivered', 204],
      ]);
      expect(await reopened.remove(webhook.id)).toBe(true);
      expect(await reopened.attempts(webhook.id, 10)).toEqual([]);
      reopened.close();
    } finally {
      dir.remove();
    }
  });

  it('keeps only the latest attempts of a webhook', async () => {
    const store = new SqliteWebhookStore(':memory:');
    await store.create(webhook);
    for (let i = 1; i <= ATTEMPTS_KEPT + 5; i += 1) {
      await store.recordAttempt(attempt(String(i), 'delivered', 200), { kind: 'delivered' });
    }
    const kept = await store.attempts(webhook.id, ATTEMPTS_KEPT + 100);
    expect(kept).toHaveLength(ATTEMPTS_KEPT);
    expect(kept[0]!.position).toBe(String(ATTEMPTS_KEPT + 5));
    expect((await store.get(webhook.id))?.cursor).toBe(String(ATTEMPTS_KEPT + 5));
    store.close();
  });
});
