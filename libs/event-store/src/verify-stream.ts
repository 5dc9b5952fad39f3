import { type ChainBreak, findChainBreak } from './domain/hash-chain.js';
import { CorruptEventError } from './domain/event-store-errors.js';
import type { EventStore } from './event-store.port.js';

export type StreamVerification =
  | {
      readonly ok: true;
      readonly streamId: string;
      readonly events: number;
      readonly headHash: string | null;
    }
  | { readonly ok: false; readonly streamId: string; readonly brokenAt: ChainBreak };

const PAGE = 1000;

/**
 * Recomputes a stream's hash chain from the stored events and names the first
 * event that does not hold: altered content, a broken link, a missing or
 * reordered event, or a row that no longer parses.
 */
export async function verifyStream(
  store: EventStore,
  streamId: string,
): Promise<StreamVerification> {
  let previous: { revision: number; hash: string } | null = null;
  let count = 0;
  for (;;) {
    let page;
    try {
      page = await store.readStream(streamId, {
        fromRevision: previous ? previous.revision + 1 : 0,
        maxCount: PAGE,
      });
    } catch (error) {
      if (error instanceof CorruptEventError) {
        return {
          ok: false,
          streamId,
          brokenAt: { revision: error.revision, eventId: error.eventId, reason: error.message },
        };
      }
      throw error;
    }
    const broken = findChainBreak(streamId, page, previous);
    if (broken) return { ok: false, streamId, brokenAt: broken };
    count += page.length;
    const last = page[page.length - 1];
    if (last) previous = { revision: last.revision, hash: last.hash };
    if (page.length < PAGE) break;
  }
  return { ok: true, streamId, events: count, headHash: previous?.hash ?? null };
}
