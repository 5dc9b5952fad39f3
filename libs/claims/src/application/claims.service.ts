import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@onrecord/kernel';
import { type EventMetadata, formatPosition } from '@onrecord/event-store';
import { deterministicEventId } from '@onrecord/platform';
import type { Caller } from '@onrecord/access';
import {
  AccountNotFoundError,
  OCCURRED_AT_SKEW_MS,
  OccurredInFutureError,
  type PublishedPolicy,
  accountStreamId,
} from '@onrecord/commitments';
import { type Counterparty, PersonalDataService } from '@onrecord/privacy';
import { type Claim, claimCutoffMs, requireValidClaim } from '../domain/claim.js';
import {
  type ClaimCheck,
  type ClaimNote,
  type InForce,
  type ServiceLevelMeasure,
  type Verdict,
  checkClaim,
} from '../domain/claim-check.js';
import { CLAIM_RECORDED, type ClaimRecorded } from '../domain/claims.events.js';
import { AccountRecords, accountIndexFold, mayRead } from './account-records.service.js';
import { type EntryView, RecordPresenter } from './record-presenter.js';

export type EvidenceView = EntryView & {
  bearing: 'supports' | 'contradicts' | 'context';
  decisive: boolean;
  reason: string;
  correctedBy: readonly string[];
};

/** The answer to a claim, as the desk reads it to the customer. */
export type ClaimAnswer = {
  accountId: string;
  claim: Claim;
  verdict: Verdict;
  evidence: EvidenceView[];
  inForce: Omit<InForce, 'policyVersion'> & { policy: PolicyInForce | null };
  notes: ClaimNote[];
  measure: ServiceLevelMeasure | null;
  moreDecidingEvents: number;
  checkedAtRevision: number;
};

/** The rules of the policy version in force that claims are judged against. */
export type PolicyInForce = Pick<
  PublishedPolicy,
  | 'version'
  | 'currency'
  | 'grossProfitFloorBps'
  | 'freight'
  | 'paymentTerms'
  | 'defaultLeadTimeDays'
  | 'lateEntryThresholdMinutes'
>;

export type RecordedClaim = ClaimAnswer & {
  claimId: string;
  recorded: {
    eventId: string;
    revision: number;
    position: string;
    hash: string;
    recordedAt: string;
  };
};

/** How the claim came in, for the record: when the customer made it, on which channel, who they are. */
export type ClaimRecording = {
  readonly occurredAt?: string;
  readonly channel: string;
  readonly counterparty?: Counterparty;
};

export type ClaimRequest = {
  readonly idempotencyKey?: string;
  readonly requestId?: string;
  readonly route: string;
};

function policyInForce(policy: PublishedPolicy | null): PolicyInForce | null {
  if (policy === null) return null;
  const {
    version,
    currency,
    grossProfitFloorBps,
    freight,
    paymentTerms,
    defaultLeadTimeDays,
    lateEntryThresholdMinutes,
  } = policy;
  return {
    version,
    currency,
    grossProfitFloorBps,
    freight,
    paymentTerms,
    defaultLeadTimeDays,
    lateEntryThresholdMinutes,
  };
}

/**
 * The claim check, on the spot: reads the account's index (only the events
 * stored since the last question), judges the claim in memory, and — when
 * asked to record it — appends the claim and its verdict to the account's
 * stream through the one command path, with the revision it judged at.
 */
@Injectable()
export class ClaimsService {
  constructor(
    @Inject(AccountRecords) private readonly records: AccountRecords,
    @Inject(RecordPresenter) private readonly presenter: RecordPresenter,
    @Inject(PersonalDataService) private readonly personalData: PersonalDataService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async check(accountId: string, claim: Claim, caller: Caller): Promise<ClaimAnswer> {
    requireValidClaim(claim);
    const now = this.clock.now();
    const policy = await this.presenter.policyAt(new Date(claimCutoffMs(claim) ?? now.getTime()));
    const index = await this.records.readable(accountId, caller);
    return this.answer(
      accountId,
      claim,
      checkClaim(index, claim, { policy, nowMs: now.getTime() }),
      policy,
    );
  }

  async record(
    accountId: string,
    claim: Claim,
    claimId: string | undefined,
    caller: Caller,
    recording: ClaimRecording,
    request: ClaimRequest,
  ): Promise<RecordedClaim> {
    requireValidClaim(claim);
    const now = this.clock.now();
    const occurredAt = recording.occurredAt ? new Date(recording.occurredAt) : now;
    if (occurredAt.getTime() > now.getTime() + OCCURRED_AT_SKEW_MS) {
      throw new OccurredInFutureError(occurredAt.toISOString(), now.toISOString());
    }
    const policy = await this.presenter.policyAt(new Date(claimCutoffMs(claim) ?? now.getTime()));
    // With an Idempotency-Key a retry names the claim as the first attempt did.
    const id =
      claimId ??
      (request.idempotencyKey
        ? deterministicEventId([caller.actorId, request.idempotencyKey, request.route, 'claim'], 0)
        : randomUUID());
    const metadata: EventMetadata = {
      occurredAt: occurredAt.toISOString(),
      actor: { id: caller.actorId, role: caller.role },
      channel: recording.channel,
      ...(recording.counterparty
        ? { counterparty: this.personalData.seal(recording.counterparty) }
        : {}),
      ...(request.requestId ? { correlationId: request.requestId } : {}),
    };
    let judged: ClaimCheck | null = null;
    const result = await this.records.commands.handle({
      streamId: accountStreamId(accountId),
      fold: accountIndexFold,
      decide: (index) => {
        mayRead(index, accountId, caller);
        const check = checkClaim(index, claim, { policy, nowMs: now.getTime() });
        judged = check;
        const data: ClaimRecorded['data'] = {
          claimId: id,
          category: claim.category,
          scope: claim.scope,
          assertion: claim.assertion,
          allegedActorId: claim.allegedActorId,
          allegedAt: claim.allegedAt,
          allegedWindow: claim.allegedWindow,
          verdict: check.verdict,
          evidenceEventIds: check.evidence.filter((e) => e.decisive).map((e) => e.entry.id),
          contextEventIds: check.evidence.filter((e) => !e.decisive).map((e) => e.entry.id),
          decidingActorIds: check.decidingActorIds,
          notes: check.notes,
          policyVersion: policy?.version ?? null,
          checkedAtRevision: check.checkedAtRevision,
        };
        return [{ type: CLAIM_RECORDED, data: data }];
      },
      metadata: () => metadata,
      eventId: (_event, index) =>
        request.idempotencyKey
          ? deterministicEventId([caller.actorId, request.idempotencyKey, request.route], index)
          : randomUUID(),
    });
    // Set by the last decide: the check the appended verdict rests on.
    const decided = judged as ClaimCheck | null;
    const stored = result.appended?.events[0];
    if (decided === null || stored === undefined) throw new AccountNotFoundError(accountId);
    return {
      claimId: id,
      ...this.answer(accountId, claim, decided, policy),
      recorded: {
        eventId: stored.id,
        revision: stored.revision,
        position: formatPosition(stored.position),
        hash: stored.hash,
        recordedAt: stored.recordedAt,
      },
    };
  }

  private answer(
    accountId: string,
    claim: Claim,
    check: ClaimCheck,
    policy: PublishedPolicy | null,
  ): ClaimAnswer {
    const { policyVersion: _version, ...inForce } = check.inForce;
    return {
      accountId,
      claim,
      verdict: check.verdict,
      evidence: check.evidence.map((e) => ({
        ...this.presenter.entry(e.entry, policy, e.summary),
        bearing: e.bearing,
        decisive: e.decisive,
        reason: e.reason,
        correctedBy: e.correctedBy,
      })),
      inForce: { ...inForce, policy: policyInForce(policy) },
      notes: check.notes,
      measure: check.measure,
      moreDecidingEvents: check.moreDecidingEvents,
      checkedAtRevision: check.checkedAtRevision,
    };
  }
}
