import { Inject, Injectable } from '@nestjs/common';
import { EventStore } from '@onrecord/event-store';
import type { DisputeBundle } from '../domain/dispute-bundle.js';
import { RevisionRangeError } from './ledger.errors.js';
import { LedgerService } from './ledger.service.js';

/**
 * Most events in one bundle. A bundle is built and sent in one piece (about
 * 3 KB per event with its proof); a longer history is exported in ranges,
 * each of which verifies on its own.
 */
export const MAX_BUNDLE_EVENTS = 10_000;

/** Exports a stream's events, or a revision range of them, as a dispute bundle. */
@Injectable()
export class DisputeBundleExportService {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(LedgerService) private readonly ledger: LedgerService,
  ) {}

  /**
   * Revisions `from`..`to` inclusive (default: the whole stream). The caller
   * has checked that the reader may see the stream.
   */
  async exportStream(
    streamId: string,
    range: { readonly from?: number | undefined; readonly to?: number | undefined } = {},
  ): Promise<DisputeBundle> {
    const [head] = await this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    const last = head?.revision ?? -1;
    const from = range.from ?? 0;
    const to = range.to ?? last;
    if (last < 0) {
      throw new RevisionRangeError('accountId', `stream ${streamId} holds no events`, {
        lastRevision: last,
      });
    }
    if (to > last) {
      throw new RevisionRangeError('to', `to ${to} is after the last revision ${last}`, {
        to,
        lastRevision: last,
      });
    }
    if (from > to) {
      throw new RevisionRangeError('from', `from ${from} is after to ${to}`, { from, to });
    }
    const count = to - from + 1;
    if (count > MAX_BUNDLE_EVENTS) {
      throw new RevisionRangeError(
        'to',
        `a bundle holds at most ${MAX_BUNDLE_EVENTS} events; export ${from}..${from + MAX_BUNDLE_EVENTS - 1}, then continue from ${from + MAX_BUNDLE_EVENTS}`,
        { from, to, maxEvents: MAX_BUNDLE_EVENTS },
      );
    }
    const events = await this.store.readStream(streamId, { fromRevision: from, maxCount: count });
    return this.ledger.bundle(events);
  }
}
