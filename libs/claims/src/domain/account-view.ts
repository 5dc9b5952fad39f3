import {
  type AccountCounts,
  type ComplaintRecord,
  type DeliveryPerformance,
  type EntitlementTier,
  type ExpectationsAgreed,
  type ForecastAccuracy,
  type IsoDate,
  type OpenAccountState,
  type PaymentBehaviour,
  type PublishedPolicy,
  BPS_WHOLE,
  accountTier,
  addDays,
  bpsOf,
  deliveryPerformance,
  forecastAccuracy,
  paymentBehaviour,
  promiseSummary,
  recordEntries,
  recordEntry,
  trailingTwelveMonthSpend,
} from '@onrecord/commitments';
import type {
  AccountFacts,
  ClaimLine,
  ConcessionLine,
  CorrectionLine,
  PromiseLine,
  RushLine,
  SpecialSituationLine,
  TermsLine,
} from './account-facts.js';
import type { Verdict } from './claim-check.js';

/**
 * The account as it stands (or stood), as its reps, managers and auditors
 * read it: one answer to "where are we with this customer?". Built from the
 * commitments state and the view facts of the same entries, on a calendar
 * day (`today`) and under a policy (tiers, rebate rates).
 */
export type AccountView = {
  accountId: string;
  name: string;
  segment: string;
  assignment: {
    ownerId: string;
    serviceRepIds: readonly string[];
    since: string | null;
    history: {
      ownerId: string;
      serviceRepIds: readonly string[];
      occurredAt: string;
      eventId: string;
    }[];
  };
  tier: {
    code: string;
    name: string;
    currency: string;
    trailingSpendMinor: number;
    entitlements: EntitlementTier['entitlements'];
    policyVersion: number;
  } | null;
  paymentTerms: {
    /** The latest terms stated or granted, in any context. */
    inForce: TermsLine | null;
    /** The latest word per context (verbal, each quote, order, contract), newest first. */
    byContext: TermsLine[];
    /** Contexts with terms in force, listed or not; the timeline (`category=payment-terms`, `scope`) has any one's history. */
    contexts: number;
    refused: TermsLine[];
    /** Refusals, listed or not. */
    refusedCount: number;
  };
  promises: {
    open: PromiseView[];
    dueSoon: PromiseView[];
    overdue: PromiseView[];
    trackRecord: {
      kept: number;
      keptOnTime: number;
      keptLate: number;
      broken: number;
      withdrawn: number;
      open: number;
      overdue: number;
    };
  };
  concessions: {
    granted: ConcessionLine[];
    refused: ConcessionLine[];
    grossProfitConcededMinor: Readonly<Record<string, number>>;
    /** GP conceded as a share of the GP the account's orders carried as placed, per currency; null without orders. */
    grossProfitErosionBps: Record<string, number | null>;
  };
  complaints: {
    raised: number;
    legitimate: number;
    notLegitimate: number;
    unassessed: number;
    items: ComplaintRecord[];
  };
  orders: {
    placed: number;
    /** Orders placed inside their lead time: flagged late on arrival, never an implied rush. */
    late: {
      orderId: string;
      placedOn: string;
      requestedDeliveryDate: string;
      earliestDeliveryDate: string;
      shortByDays: number;
      rush: string;
    }[];
    rushDecisions: RushLine[];
  };
  delivery: DeliveryPerformance & {
    /** Delivery promises: kept by their date, kept late, broken. */
    promises: { keptOnTime: number; keptLate: number; broken: number };
    agreedOnTimeTargetBps: number | null;
  };
  rebate: {
    rateBps: number;
    /** `tier`: the tier's back-end rebate; `concession`: a rebate granted above it. */
    source: 'tier' | 'concession';
    currency: string;
    qualifyingSpendMinor: number;
    accruedMinor: number;
    /** Rebates are paid outside the record; none is recorded as paid yet. */
    status: 'pending' | 'paid';
    paidMinor: number;
  } | null;
  expectations:
    (ExpectationsAgreed['data'] & { agreedBy: string; occurredAt: string; eventId: string }) | null;
  specialSituations: {
    count: number;
    granted: SpecialSituationLine[];
    refused: SpecialSituationLine[];
  };
  forecastAccuracy: ForecastAccuracy;
  paymentBehaviour: PaymentBehaviour;
  claims: { checked: number; byVerdict: Record<Verdict, number>; recent: ClaimLine[] };
  corrections: CorrectionLine[];
  /** Every list above holds at most this many items, newest first. */
  listLimit: number;
  counts: AccountCounts;
};

export type PromiseView = PromiseLine & { status: string };

/** Promises due within this many days count as due soon. */
export const DUE_SOON_DAYS = 7;
/** Claims listed in the view; the count covers all. */
export const RECENT_CLAIMS = 50;
/**
 * Longest list in the view (concessions, complaints, late orders…), newest
 * first; the counts cover everything, and the timeline pages through the rest.
 */
export const VIEW_LIST_LIMIT = 100;

function recent<T>(list: readonly T[]): T[] {
  return list.slice(-VIEW_LIST_LIMIT).reverse();
}

/** The newest VIEW_LIST_LIMIT of `list` that `keep` accepts, newest first: read from the end, stopping there, so the rest of a long history is not read. */
function recentWhere<T>(list: readonly T[], keep: (item: T) => boolean): T[] {
  const items: T[] = [];
  for (let at = list.length - 1; at >= 0 && items.length < VIEW_LIST_LIMIT; at--) {
    const item = list[at]!;
    if (keep(item)) items.push(item);
  }
  return items;
}

const isTermsRefusal = (line: TermsLine): boolean =>
  line.outcome === 'refused' || line.outcome === 'concession-refused';

const ON_TIME_METRIC = /on.?time/i;

/** The latest terms put in force per context, newest first, and how many terms were refused. */
function termsSummary(terms: readonly TermsLine[]): { byContext: TermsLine[]; refused: number } {
  const latest = new Map<string, TermsLine>();
  let refused = 0;
  for (const line of terms) {
    if (isTermsRefusal(line)) refused += 1;
    if (line.outcome !== 'stated' && line.outcome !== 'granted') continue;
    const key = `${line.context.kind}:${line.context.referenceId ?? ''}`;
    const current = latest.get(key);
    if (current === undefined || line.occurredAtMs >= current.occurredAtMs) latest.set(key, line);
  }
  return {
    byContext: [...latest.values()].sort((a, b) => b.occurredAtMs - a.occurredAtMs),
    refused,
  };
}

export function buildAccountView(
  state: OpenAccountState,
  facts: AccountFacts,
  policy: PublishedPolicy | null,
  today: IsoDate,
): AccountView {
  const open: PromiseView[] = [];
  for (const line of facts.promises.values()) {
    const status = recordEntry(state, 'promises', line.promiseId)?.status ?? 'open';
    if (status === 'open') open.push({ ...line, status });
  }
  const soon = addDays(today, DUE_SOON_DAYS);
  const summary = promiseSummary(state, today);
  let keptOnTime = 0;
  let keptLate = 0;
  let deliveryKeptOnTime = 0;
  let deliveryKeptLate = 0;
  let deliveryBroken = 0;
  // Through recordEntries, not `state.promises`: reading a large record off
  // the state builds and keeps a plain copy of it, per request on an as-of.
  for (const promise of recordEntries(state, 'promises')) {
    const onTime = promise.closedOn !== null && promise.closedOn <= promise.dueDate;
    if (promise.status === 'kept') {
      if (onTime) keptOnTime += 1;
      else keptLate += 1;
    }
    if (promise.category !== 'delivery') continue;
    if (promise.status === 'kept' && onTime) deliveryKeptOnTime += 1;
    if (promise.status === 'kept' && !onTime) deliveryKeptLate += 1;
    if (promise.status === 'broken') deliveryBroken += 1;
  }

  const orders = [...recordEntries(state, 'orders')];
  const asPlaced: Record<string, number> = {};
  for (const order of orders) {
    const { currency, revenueMinor, costMinor } = order.economics;
    asPlaced[currency] = (asPlaced[currency] ?? 0) + revenueMinor - costMinor;
  }
  const erosion: Record<string, number | null> = {};
  for (const [currency, conceded] of Object.entries(state.grossProfitConcededMinor)) {
    const base = asPlaced[currency] ?? 0;
    erosion[currency] = base > 0 ? Math.floor((conceded * BPS_WHOLE) / base) : null;
  }

  const complaints = [...recordEntries(state, 'complaints')];
  const expectations = facts.expectations.at(-1) ?? null;
  const onTimeTarget = expectations?.expectations.serviceLevels.find(
    (l) => l.unit === 'bps' && ON_TIME_METRIC.test(`${l.metric} ${l.description}`),
  );
  const byVerdict: Record<Verdict, number> = { supported: 0, contradicted: 0, no_record: 0 };
  for (const claim of facts.claims) byVerdict[claim.verdict] += 1;

  let tier: AccountView['tier'] = null;
  let rebate: AccountView['rebate'] = null;
  if (policy !== null) {
    const spend = trailingTwelveMonthSpend(state, today, policy.currency);
    const reached = accountTier(state, policy, today);
    tier = {
      code: reached.code,
      name: reached.name,
      currency: policy.currency,
      trailingSpendMinor: spend,
      entitlements: reached.entitlements,
      policyVersion: policy.version,
    };
    let granted = 0;
    for (const c of facts.concessions)
      if (c.outcome === 'granted' && c.rebateBps !== null) granted = Math.max(granted, c.rebateBps);
    const rateBps = Math.max(reached.entitlements.rebateBps, granted);
    rebate = {
      rateBps,
      source: granted > reached.entitlements.rebateBps ? 'concession' : 'tier',
      currency: policy.currency,
      qualifyingSpendMinor: spend,
      accruedMinor: bpsOf(spend, rateBps),
      status: 'pending',
      paidMinor: 0,
    };
  }

  const terms = termsSummary(facts.terms);
  const current = facts.assignments.at(-1);
  return {
    accountId: state.accountId,
    name: state.name,
    segment: state.segment,
    assignment: {
      ownerId: state.ownerId,
      serviceRepIds: state.serviceRepIds,
      since: current?.occurredAt ?? null,
      history: facts.assignments.map((a) => ({
        ownerId: a.ownerId,
        serviceRepIds: a.serviceRepIds,
        occurredAt: a.occurredAt,
        eventId: a.eventId,
      })),
    },
    tier,
    paymentTerms: {
      inForce: terms.byContext[0] ?? null,
      byContext: terms.byContext.slice(0, VIEW_LIST_LIMIT),
      contexts: terms.byContext.length,
      refused: recentWhere(facts.terms, isTermsRefusal),
      refusedCount: terms.refused,
    },
    promises: {
      open: recent(open),
      dueSoon: open.filter((p) => p.dueDate >= today && p.dueDate <= soon),
      overdue: open.filter((p) => p.dueDate < today),
      trackRecord: {
        kept: summary.kept,
        keptOnTime,
        keptLate,
        broken: summary.broken,
        withdrawn: summary.withdrawn,
        open: summary.open,
        overdue: summary.overdue,
      },
    },
    concessions: {
      granted: recentWhere(facts.concessions, (c) => c.outcome === 'granted'),
      refused: recentWhere(facts.concessions, (c) => c.outcome === 'refused'),
      grossProfitConcededMinor: state.grossProfitConcededMinor,
      grossProfitErosionBps: erosion,
    },
    complaints: {
      raised: complaints.length,
      legitimate: complaints.filter((c) => c.assessment?.legitimate === true).length,
      notLegitimate: complaints.filter((c) => c.assessment?.legitimate === false).length,
      unassessed: complaints.filter((c) => c.assessment === null).length,
      items: recent(complaints),
    },
    orders: {
      placed: orders.length,
      late: recent(
        orders
          .filter((o) => o.insideLeadTime)
          .map((o) => ({
            orderId: o.orderId,
            placedOn: o.placedOn,
            requestedDeliveryDate: o.requestedDeliveryDate,
            earliestDeliveryDate: o.earliestDeliveryDate,
            shortByDays: o.shortByDays,
            rush: o.rush.status,
          })),
      ),
      rushDecisions: recent(facts.rushes),
    },
    delivery: {
      ...deliveryPerformance(state),
      promises: {
        keptOnTime: deliveryKeptOnTime,
        keptLate: deliveryKeptLate,
        broken: deliveryBroken,
      },
      agreedOnTimeTargetBps: onTimeTarget?.target ?? null,
    },
    rebate,
    expectations: expectations && {
      ...expectations.expectations,
      agreedBy: expectations.actorId,
      occurredAt: expectations.occurredAt,
      eventId: expectations.eventId,
    },
    specialSituations: {
      count: state.counts.specialSituations,
      granted: recentWhere(facts.specialSituations, (s) => s.outcome === 'granted'),
      refused: recentWhere(facts.specialSituations, (s) => s.outcome === 'refused'),
    },
    forecastAccuracy: forecastAccuracy(state, today),
    paymentBehaviour: paymentBehaviour(state, today),
    claims: {
      checked: facts.claims.length,
      byVerdict,
      recent: facts.claims.slice(-RECENT_CLAIMS).reverse(),
    },
    corrections: recent(facts.corrections),
    listLimit: VIEW_LIST_LIMIT,
    counts: state.counts,
  };
}
