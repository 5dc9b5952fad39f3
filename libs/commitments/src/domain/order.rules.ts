import type { DueDateBasis, LeadTimeSource } from './account.events.js';
import type { LeadTimeAgreementRecord, OpenAccountState, OrderRecord } from './account.state.js';
import { laterOf, type IsoDate } from './calendar.js';
import type { PricedLine } from './gross-profit.js';
import type { Policy } from './policy.js';

export type ResolvedLeadTime = { leadTimeDays: number; source: LeadTimeSource };

function activeOn(state: OpenAccountState, date: IsoDate): LeadTimeAgreementRecord[] {
  return state.leadTimeAgreements.filter((a) => a.from <= date && (a.to === null || date <= a.to));
}

function fromAgreement(a: LeadTimeAgreementRecord): ResolvedLeadTime {
  return {
    leadTimeDays: a.leadTimeDays,
    source: { kind: 'agreement', agreementId: a.agreementId, agreementKind: a.kind },
  };
}

/**
 * The lead time for one SKU (or for an order without lines, sku null): the
 * latest agreement naming the SKU, else the latest account-wide agreement,
 * else the policy's standard default. The most specific, most recent word wins.
 */
function leadTimeFor(
  active: readonly LeadTimeAgreementRecord[],
  sku: string | null,
  policy: Policy,
): ResolvedLeadTime {
  const latestFirst = [...active].reverse();
  const named = sku === null ? undefined : latestFirst.find((a) => a.skus?.includes(sku) === true);
  if (named !== undefined) return fromAgreement(named);
  const accountWide = latestFirst.find((a) => a.skus === null);
  if (accountWide !== undefined) return fromAgreement(accountWide);
  return {
    leadTimeDays: policy.defaultLeadTimeDays.standard,
    source: { kind: 'policy-default', agreementKind: 'standard' },
  };
}

/**
 * The lead time an order is held to, from the agreements in force on the day
 * it was placed. With several lines it is the longest of theirs: the order is
 * complete only when its slowest line is.
 */
export function resolveLeadTime(
  state: OpenAccountState,
  policy: Policy,
  lines: readonly PricedLine[] | null,
  placedOn: IsoDate,
): ResolvedLeadTime {
  const active = activeOn(state, placedOn);
  if (lines === null || lines.length === 0) return leadTimeFor(active, null, policy);
  let longest: ResolvedLeadTime | null = null;
  for (const line of lines) {
    const candidate = leadTimeFor(active, line.sku, policy);
    if (longest === null || candidate.leadTimeDays > longest.leadTimeDays) longest = candidate;
  }
  return longest ?? leadTimeFor(active, null, policy);
}

/**
 * The date an order is due: the committed date of an approved rush; otherwise
 * the requested date, unless it falls inside the lead time, in which case the
 * lead-time date (an order placed inside the lead time is not a promise to
 * meet the requested date).
 */
export function dueDateOf(order: OrderRecord): { dueDate: IsoDate; basis: DueDateBasis } {
  if (order.rush.status === 'approved')
    return { dueDate: order.rush.committedDeliveryDate, basis: 'rush' };
  const dueDate = laterOf(order.requestedDeliveryDate, order.earliestDeliveryDate);
  return { dueDate, basis: dueDate === order.requestedDeliveryDate ? 'requested' : 'lead-time' };
}
