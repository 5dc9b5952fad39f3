import type { JsonObject } from '@onrecord/kernel';
import type { ClaimAssertion, ClaimCategory, ClaimScope, TimeWindow } from './claim.js';
import type { ClaimNote, Verdict } from './claim-check.js';

/**
 * A customer's claim, checked against the record, with its verdict: appended
 * to the account's own stream (`account-<id>`) so the account's claims
 * history is on the record too. The commitments fold does not know this type
 * and skips it.
 */
export type ClaimRecorded = {
  type: 'ClaimRecorded';
  data: {
    claimId: string;
    category: ClaimCategory;
    scope: ClaimScope | null;
    assertion: ClaimAssertion;
    allegedActorId: string | null;
    allegedAt: string | null;
    allegedWindow: TimeWindow | null;
    verdict: Verdict;
    /** The events that decided the verdict (empty for no_record). */
    evidenceEventIds: string[];
    /** Events shown alongside, which did not decide it. */
    contextEventIds: string[];
    /** Who made the deciding statements: "claims where their record decided the verdict". */
    decidingActorIds: string[];
    notes: ClaimNote[];
    /** The policy in force at the alleged time (or when checked), null when none was published. */
    policyVersion: number | null;
    /** The stream revision the check read up to. */
    checkedAtRevision: number;
  };
};

export const CLAIM_RECORDED = 'ClaimRecorded';

export function isClaimRecorded(entry: {
  type: string;
  data: JsonObject;
}): entry is { type: 'ClaimRecorded'; data: JsonObject & ClaimRecorded['data'] } {
  return entry.type === CLAIM_RECORDED;
}

type AssertJson<T extends JsonObject> = T;
type _ClaimRecordedIsJson = AssertJson<ClaimRecorded['data']>;
