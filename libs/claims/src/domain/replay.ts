import type { JsonObject, JsonValue } from '@onrecord/kernel';
import {
  type AccountState,
  type Policy,
  type RefusalAlternative,
  WRITER_ROLES,
  type WriterRole,
  recordEntries,
} from '@onrecord/commitments';
import { isClaimRecorded } from './claims.events.js';
import { type RecordEntry, accountEventOf } from './record-entry.js';

/**
 * What a replay says about a decision: the outcome, the policy version it
 * was judged under, and why it went that way — the rule, the numbers and
 * the alternatives the policy offered — so an auditor can re-judge it from
 * the record alone.
 */
export type Decision = {
  outcome:
    | 'issued'
    | 'refused'
    | 'stated'
    | 'granted'
    | 'agreed'
    | 'placed'
    | 'approved'
    | 'answered'
    | 'checked';
  policyVersion: number | null;
  rule: string | null;
  why: string;
  figures: Record<string, number>;
  alternatives: RefusalAlternative[];
};

const decision = (
  outcome: Decision['outcome'],
  policyVersion: number | null,
  why: string,
  extra: Partial<Pick<Decision, 'rule' | 'figures' | 'alternatives'>> = {},
): Decision => ({
  outcome,
  policyVersion,
  rule: extra.rule ?? null,
  why,
  figures: extra.figures ?? {},
  alternatives: extra.alternatives ?? [],
});

/** The decision an entry records, or null when it records a fact rather than a judgement. */
export function decisionOf(entry: RecordEntry): Decision | null {
  if (isClaimRecorded(entry)) {
    const d = entry.data;
    return decision(
      'checked',
      d.policyVersion,
      `Claim ${d.claimId} (${d.category}) answered ${d.verdict} from ${d.evidenceEventIds.length} deciding event(s): ${d.evidenceEventIds.join(', ') || 'none'}`,
    );
  }
  const event = accountEventOf(entry);
  if (event === null) return null;
  const role = entry.actor.role;
  switch (event.type) {
    case 'QuoteIssued':
    case 'QuoteRevised': {
      const d = event.data;
      return decision(
        'issued',
        d.policyVersion,
        `GP of ${d.grossProfitBps} bps is at or above the ${d.floorBps} bps floor`,
        {
          figures: {
            revenueMinor: d.revenueMinor,
            costMinor: d.costMinor,
            grossProfitMinor: d.grossProfitMinor,
            grossProfitBps: d.grossProfitBps,
            floorBps: d.floorBps,
          },
        },
      );
    }
    case 'PaymentTermsStated':
      return decision(
        'stated',
        event.data.policyVersion,
        `Net ${event.data.netDays} is among the policy's terms and within the ${role} role's authority`,
        { figures: { netDays: event.data.netDays } },
      );
    case 'ConcessionGranted': {
      const d = event.data;
      const why = d.specialSituation
        ? `Outside tier ${d.tierCode}, granted by a manager as a special situation: ${d.specialSituation.reason}`
        : `Within the GP floor, tier ${d.tierCode} and the ${role} role's authority; GP impact ${d.grossProfitImpact.amountMinor} ${d.grossProfitImpact.currency} minor units`;
      return decision('granted', d.policyVersion, why, { figures: d.figures });
    }
    case 'LeadTimeAgreed':
      return decision(
        'agreed',
        event.data.policyVersion,
        `${event.data.leadTimeDays} days against the policy default of ${event.data.policyDefaultDays} for ${event.data.kind} agreements`,
        {
          figures: {
            leadTimeDays: event.data.leadTimeDays,
            policyDefaultDays: event.data.policyDefaultDays,
          },
        },
      );
    case 'OrderPlaced': {
      const d = event.data;
      const source =
        d.leadTimeSource.kind === 'agreement'
          ? `agreement ${d.leadTimeSource.agreementId} (${d.leadTimeSource.agreementKind})`
          : 'the policy default';
      const parts = [
        `lead time ${d.leadTimeDays} days from ${source}`,
        d.insideLeadTime
          ? `placed inside it by ${d.shortByDays} days: flagged late, not a rush`
          : 'placed outside it',
        d.belowFloor
          ? `GP ${d.grossProfitBps} bps below the ${d.floorBps} bps floor: flagged (orders are not refused for margin)`
          : `GP ${d.grossProfitBps} bps at or above the ${d.floorBps} bps floor`,
        d.freeFreightByTier
          ? `ships free under tier ${d.tierCode}`
          : `no free freight under tier ${d.tierCode}`,
      ];
      return decision('placed', d.policyVersion, parts.join('; '), {
        figures: {
          revenueMinor: d.revenueMinor,
          costMinor: d.costMinor,
          grossProfitBps: d.grossProfitBps,
          floorBps: d.floorBps,
          leadTimeDays: d.leadTimeDays,
          shortByDays: d.shortByDays,
        },
      });
    }
    case 'RushApproved':
      return decision(
        'approved',
        event.data.policyVersion,
        `Rush approved by the ${role} role: committed to ${event.data.committedDeliveryDate}, ${event.data.shortByDays} days inside the ${event.data.leadTimeDays}-day lead time`,
        { figures: { leadTimeDays: event.data.leadTimeDays, shortByDays: event.data.shortByDays } },
      );
    case 'EscalationAnswered':
      return decision(
        'answered',
        event.data.policyVersion,
        `The chain ${event.data.chain.join(' → ')} ends at the ${event.data.endOfChain.role} (${event.data.endOfChain.actorIds.join(', ')}); not routed further`,
      );
    case 'SpecialSituationGranted':
      return decision(
        'granted',
        event.data.policyVersion,
        `Outside tier ${event.data.tierCode}: a manager granted it with a reason (${event.data.reason}); counted`,
      );
    case 'QuoteRefusedBelowFloor':
    case 'PaymentTermsRefused':
    case 'ConcessionRefused':
    case 'LeadTimeAgreementRefused':
    case 'RushRefused':
    case 'SpecialSituationRefused':
      return decision('refused', event.data.policyVersion, event.data.detail, {
        rule: event.data.rule,
        figures: event.data.figures,
        alternatives: event.data.alternatives,
      });
    default:
      return null;
  }
}

function isWriterRole(role: string): role is WriterRole {
  return (WRITER_ROLES as readonly string[]).includes(role);
}

/** The parts of a policy that applied to an entry's decision, quoted from the version it cites. */
export function policyExcerpt(policy: Policy, entry: RecordEntry): JsonObject {
  const authority = isWriterRole(entry.actor.role) ? policy.authority[entry.actor.role] : null;
  const tierCode = typeof entry.data['tierCode'] === 'string' ? entry.data['tierCode'] : null;
  const tier = policy.entitlementTiers.find((t) => t.code === tierCode) ?? null;
  const asJson = (value: unknown): JsonValue => value as JsonValue;
  switch (entry.type) {
    case 'QuoteIssued':
    case 'QuoteRevised':
    case 'QuoteRefusedBelowFloor':
      return {
        grossProfitFloorBps: policy.grossProfitFloorBps,
        concessionCatalogue: asJson(policy.concessionCatalogue),
      };
    case 'PaymentTermsStated':
    case 'PaymentTermsRefused':
      return {
        paymentTerms: asJson(policy.paymentTerms),
        roleAuthority: asJson(authority),
      };
    case 'ConcessionGranted':
    case 'ConcessionRefused':
      return {
        grossProfitFloorBps: policy.grossProfitFloorBps,
        roleAuthority: asJson(authority),
        freight: asJson(policy.freight),
        tier: asJson(tier),
        concessionCatalogue: asJson(policy.concessionCatalogue),
        paymentTerms: asJson(policy.paymentTerms),
      };
    case 'LeadTimeAgreed':
    case 'LeadTimeAgreementRefused':
    case 'RushApproved':
    case 'RushRefused':
      return { defaultLeadTimeDays: asJson(policy.defaultLeadTimeDays) };
    case 'OrderPlaced':
      return {
        grossProfitFloorBps: policy.grossProfitFloorBps,
        defaultLeadTimeDays: asJson(policy.defaultLeadTimeDays),
        tier: asJson(tier),
      };
    case 'EscalationAnswered':
      return { escalationChain: asJson(policy.escalationChain) };
    case 'SpecialSituationGranted':
    case 'SpecialSituationRefused':
      return { tier: asJson(tier) };
    default:
      return { lateEntryThresholdMinutes: policy.lateEntryThresholdMinutes };
  }
}

/** A compact picture of the account after an event: enough to follow a replay line by line. */
export function stateSummary(state: AccountState): JsonObject {
  if (state.status !== 'open') return { status: state.status };
  const promises = { open: 0, kept: 0, broken: 0, withdrawn: 0 };
  for (const p of recordEntries(state, 'promises')) promises[p.status] += 1;
  const outstanding: Record<string, number> = {};
  for (const i of recordEntries(state, 'invoices')) {
    const owed = i.amount.amountMinor - i.paidMinor;
    if (owed > 0) outstanding[i.amount.currency] = (outstanding[i.amount.currency] ?? 0) + owed;
  }
  const quotes: JsonObject = {};
  for (const q of recordEntries(state, 'quotes'))
    quotes[q.quoteId] = { version: q.version, status: q.status };
  const orders: JsonObject = {};
  for (const o of recordEntries(state, 'orders')) {
    orders[o.orderId] = {
      insideLeadTime: o.insideLeadTime,
      rush: o.rush.status,
      shipped: o.shipments.length > 0,
      delivered:
        o.delivery === null
          ? null
          : o.delivery.onTime
            ? 'on time'
            : `${o.delivery.daysLate} days late`,
    };
  }
  return {
    status: state.status,
    ownerId: state.ownerId,
    serviceRepIds: [...state.serviceRepIds],
    expectationsVersion: state.expectations?.version ?? null,
    promises,
    quotes,
    orders,
    outstandingMinor: outstanding,
    grossProfitConcededMinor: { ...state.grossProfitConcededMinor },
    leadTimeAgreements: state.leadTimeAgreements.length,
    counts: { ...state.counts },
  };
}
