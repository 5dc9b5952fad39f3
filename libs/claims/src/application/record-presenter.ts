import { Inject, Injectable } from '@nestjs/common';
import type { JsonValue } from '@onrecord/kernel';
import { type PublishedPolicy, PolicyService } from '@onrecord/commitments';
import { PersonalDataService } from '@onrecord/privacy';
import { type RecordEntry, isLate, lagMinutes } from '../domain/record-entry.js';
import { summarize } from '../domain/summary.js';

/** One event as every claims answer shows it: who, in which role, on which channel, to whom, when said and stored. */
export type EntryView = {
  eventId: string;
  type: string;
  summary: string;
  who: { id: string; role: string };
  channel: string | null;
  counterparty: JsonValue | null;
  occurredAt: string;
  recordedAt: string;
  /** Stored later than the policy's late-entry threshold after it was said: weaker evidence. */
  late: boolean;
  lagMinutes: number;
  revision: number;
  position: string;
  hash: string;
};

/**
 * Turns entries into what readers see: the counterparty revealed (or marked
 * erased) only now, on the way out, so the index never holds personal data
 * in clear and an erasure takes effect on the next answer.
 */
@Injectable()
export class RecordPresenter {
  constructor(
    @Inject(PersonalDataService) private readonly personalData: PersonalDataService,
    @Inject(PolicyService) private readonly policies: PolicyService,
  ) {}

  entry(entry: RecordEntry, policy: PublishedPolicy | null, summary = summarize(entry)): EntryView {
    return {
      eventId: entry.id,
      type: entry.type,
      summary,
      who: { id: entry.actor.id, role: entry.actor.role },
      channel: entry.channel,
      counterparty:
        entry.counterparty === null
          ? null
          : (this.personalData.reveal(entry.counterparty) as JsonValue),
      occurredAt: entry.occurredAt,
      recordedAt: entry.recordedAt,
      late: isLate(entry, policy),
      lagMinutes: lagMinutes(entry),
      revision: entry.revision,
      position: entry.position,
      hash: entry.hash,
    };
  }

  /** The policy in force at an instant, or null while none has been published. */
  async policyAt(instant: Date): Promise<PublishedPolicy | null> {
    if ((await this.policies.current()) === null) return null;
    return this.policies.requireInForceAt(instant);
  }

  /** The policy in force now, whose late-entry threshold the views flag entries by. */
  currentPolicy(): Promise<PublishedPolicy | null> {
    return this.policies.current();
  }
}
