import { createHash } from 'node:crypto';
import type { NewEvent } from '@onrecord/event-store';

/** A deterministic event, so the parent can recompute exactly what the child wrote. */
export function crashEvent(writer: number, batch: number, index: number): NewEvent {
  const digest = createHash('sha256').update(`${writer}/${batch}/${index}`).digest('hex');
  const id = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-4${digest.slice(13, 16)}-8${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
  return {
    id,
    type: 'PromiseMade',
    data: {
      writer,
      batch,
      index,
      text: `promise ${writer}/${batch}/${index}`,
      padding: digest.repeat(4),
    },
    metadata: {
      occurredAt: '2026-03-02T08:00:00.000Z',
      actor: { id: `rep-${writer}`, role: 'sales' },
      channel: 'phone',
    },
  };
}
