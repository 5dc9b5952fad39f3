import { join } from 'node:path';
import { tempDir } from '../../../../test/support/temp-dir.js';
import type { DeliveryAttempt } from '../application/delivery-log.port.js';
import { ATTEMPTS_KEPT, SqliteDeliveryLog } from './sqlite-delivery-log.js';

const WEBHOOK = '7d5e7a4e-7a53-4c0e-9d86-1c6c1d1f0a01';

const attempt = (
  position: string,
  outcome: DeliveryAttempt['outcome'],
  statusCode: number | null,
  webhookId = WEBHOOK,
): DeliveryAttempt => ({
  webhookId,
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

describe("a replica's delivery-attempts log (webhook-deliveries.sqlite)", () => {
  it('given attempts logged before a restart, shows them newest first after it, and forgets a removed webhook only', async () => {
    const dir = tempDir('onrecord-deliveries-');
    const file = join(dir.path, 'webhook-deliveries.sqlite');
    try {
      const first = new SqliteDeliveryLog(file);
      await first.record(attempt('7', 'delivered', 204));
      await first.record(attempt('9', 'failed', 500));
      await first.record(attempt('9', 'aborted', null));
      await first.record(attempt('3', 'delivered', 200, 'other-webhook'));
      first.close();

      const reopened = new SqliteDeliveryLog(file);
      expect(
        (await reopened.latest(WEBHOOK, 10)).map((a) => [a.position, a.outcome, a.statusCode]),
      ).toEqual([
        ['9', 'aborted', null],
        ['9', 'failed', 500],
        ['7', 'delivered', 204],
      ]);
      expect(await reopened.latest(WEBHOOK, 1)).toHaveLength(1);
      await reopened.forget(WEBHOOK);
      expect(await reopened.latest(WEBHOOK, 10)).toEqual([]);
      expect(await reopened.latest('other-webhook', 10)).toHaveLength(1);
      reopened.close();
    } finally {
      dir.remove();
    }
  });

  it('keeps only the latest attempts of a webhook', async () => {
    const log = new SqliteDeliveryLog(':memory:');
    for (let i = 1; i <= ATTEMPTS_KEPT + 5; i += 1) {
      await log.record(attempt(String(i), 'delivered', 200));
    }
    const kept = await log.latest(WEBHOOK, ATTEMPTS_KEPT + 100);
    expect(kept).toHaveLength(ATTEMPTS_KEPT);
    expect(kept[0]!.position).toBe(String(ATTEMPTS_KEPT + 5));
    expect(kept.at(-1)!.position).toBe('6');
    log.close();
  });
});
