import {
  type AccountState,
  type IsoDate,
  type OpenAccountState,
  BPS_WHOLE,
  daysBetween,
  evolveAccount,
  forecastAccuracy,
  grossProfitOf,
  initialAccountState,
  paymentBehaviour,
  recordEntries,
} from '@onrecord/commitments';
import type { Verdict } from './claim-check.js';
import { isClaimRecorded } from './claims.events.js';
import { type RecordEntry, accountEventOf } from './record-entry.js';
import { describeRequest } from './summary.js';

/**
 * The cross-account read model behind the portfolio views: one line per
 * account (its commitments state and who recorded what) and one per rep.
 * Fed every event of every account stream in global order; an event it does
 * not understand changes nothing. Mutable on purpose — the projection keeps
 * one in memory and writes the lines it touched to its checkpoint.
 */

export type SpecialSituationItem = {
  id: string;
  source: 'special-situation' | 'concession';
  entitlement: string;
  reason: string | null;
  grantedBy: string;
  /** The account's owner when it was granted. */
  ownerId: string;
  occurredAt: string;
  eventId: string;
};

export type PortfolioAccount = {
  accountId: string;
  state: AccountState;
  /** Who recorded each quote's current version, and each order: GP on quotes and orders per rep. */
  quoteActors: Record<string, string>;
  orderActors: Record<string, string>;
  specialSituations: SpecialSituationItem[];
  claims: Record<Verdict, number>;
  events: number;
  /** The account stream's revision of the last event applied (-1 before the first). */
  revision: number;
};

export type PortfolioRep = {
  actorId: string;
  role: string;
  concessionsGranted: number;
  concessionsRefused: number;
  grossProfitConcededMinor: Record<string, number>;
  specialSituationsGranted: number;
  specialSituationsRefused: number;
  /** Claims whose verdict rested on this rep's own records. */
  claimsDecided: Record<'supported' | 'contradicted', number>;
};

const ACCOUNT_PREFIX = 'account-';

const newRep = (actorId: string, role: string): PortfolioRep => ({
  actorId,
  role,
  concessionsGranted: 0,
  concessionsRefused: 0,
  grossProfitConcededMinor: {},
  specialSituationsGranted: 0,
  specialSituationsRefused: 0,
  claimsDecided: { supported: 0, contradicted: 0 },
});

/** Where a replay of one account's events puts what it would have counted for a rep: nowhere. */
const scratchRep = (actorId: string, role: string): PortfolioRep => newRep(actorId, role);

export class Portfolio {
  readonly accounts = new Map<string, PortfolioAccount>();
  readonly reps = new Map<string, PortfolioRep>();
  readonly dirtyAccounts = new Set<string>();
  readonly dirtyReps = new Set<string>();

  /**
   * Applies one event; false when it was not for this model (another stream,
   * an unknown type). `accountOnly` replays an account's events into its own
   * line alone, for a line restored from an older snapshot than the rep lines.
   */
  apply(streamId: string, entry: RecordEntry, accountOnly = false): boolean {
    if (!streamId.startsWith(ACCOUNT_PREFIX)) return false;
    const accountId = streamId.slice(ACCOUNT_PREFIX.length);
    const repOf = accountOnly ? scratchRep : (id: string, role: string) => this.rep(id, role);
    if (isClaimRecorded(entry)) {
      const account = this.account(accountId);
      account.claims[entry.data.verdict] = (account.claims[entry.data.verdict] ?? 0) + 1;
      account.events += 1;
      account.revision = entry.revision;
      if (entry.data.verdict !== 'no_record') {
        for (const actorId of entry.data.decidingActorIds) {
          const rep = repOf(actorId, this.reps.get(actorId)?.role ?? 'unknown');
          rep.claimsDecided[entry.data.verdict] += 1;
        }
      }
      return true;
    }
    const event = accountEventOf(entry);
    if (event === null) return false;
    const account = this.account(accountId);
    const before = account.state;
    account.state = evolveAccount(account.state, event);
    account.events += 1;
    account.revision = entry.revision;
    const actor = entry.actor;
    const ownerId = before.status === 'open' ? before.ownerId : '';
    switch (event.type) {
      case 'QuoteIssued':
      case 'QuoteRevised':
        account.quoteActors[event.data.quoteId] = actor.id;
        break;
      case 'OrderPlaced':
        account.orderActors[event.data.orderId] = actor.id;
        break;
      case 'ConcessionGranted': {
        const rep = repOf(actor.id, actor.role);
        rep.concessionsGranted += 1;
        const impact = event.data.grossProfitImpact;
        rep.grossProfitConcededMinor[impact.currency] =
          (rep.grossProfitConcededMinor[impact.currency] ?? 0) + impact.amountMinor;
        if (event.data.specialSituation !== null) {
          rep.specialSituationsGranted += 1;
          account.specialSituations.push({
            id: event.data.concessionId,
            source: 'concession',
            entitlement: describeRequest(event.data.request),
            reason: event.data.specialSituation.reason,
            grantedBy: actor.id,
            ownerId,
            occurredAt: entry.occurredAt,
            eventId: entry.id,
          });
        }
        break;
      }
      case 'ConcessionRefused':
        repOf(actor.id, actor.role).concessionsRefused += 1;
        break;
      case 'SpecialSituationGranted':
        repOf(actor.id, actor.role).specialSituationsGranted += 1;
        account.specialSituations.push({
          id: event.data.situationId,
          source: 'special-situation',
          entitlement: event.data.entitlement,
          reason: event.data.reason,
          grantedBy: actor.id,
          ownerId,
          occurredAt: entry.occurredAt,
          eventId: entry.id,
        });
        break;
      case 'SpecialSituationRefused':
        repOf(actor.id, actor.role).specialSituationsRefused += 1;
        break;
      default:
        break;
    }
    return true;
  }

  private account(accountId: string): PortfolioAccount {
    let account = this.accounts.get(accountId);
    if (account === undefined) {
      account = {
        accountId,
        state: initialAccountState,
        quoteActors: {},
        orderActors: {},
        specialSituations: [],
        claims: { supported: 0, contradicted: 0, no_record: 0 },
        events: 0,
        revision: -1,
      };
      this.accounts.set(accountId, account);
    }
    this.dirtyAccounts.add(accountId);
    return account;
  }

  private rep(actorId: string, role: string): PortfolioRep {
    let rep = this.reps.get(actorId);
    if (rep === undefined) {
      rep = newRep(actorId, role);
      this.reps.set(actorId, rep);
    } else if (role !== 'unknown') {
      rep.role = role;
    }
    this.dirtyReps.add(actorId);
    return rep;
  }

  /** Puts back lines read from a checkpoint. */
  restore(accounts: Iterable<PortfolioAccount>, reps: Iterable<PortfolioRep>): void {
    for (const account of accounts) this.accounts.set(account.accountId, account);
    for (const rep of reps) this.reps.set(rep.actorId, rep);
  }

  /** The lines changed since the last call, for the checkpoint. */
  takeDirty(): { accounts: PortfolioAccount[]; reps: PortfolioRep[] } {
    const accounts = [...this.dirtyAccounts].map((id) => this.accounts.get(id)!);
    const reps = [...this.dirtyReps].map((id) => this.reps.get(id)!);
    this.dirtyAccounts.clear();
    this.dirtyReps.clear();
    return { accounts, reps };
  }

  /** Every open account. */
  openAccounts(): { line: PortfolioAccount; state: OpenAccountState }[] {
    const open: { line: PortfolioAccount; state: OpenAccountState }[] = [];
    for (const line of this.accounts.values())
      if (line.state.status === 'open') open.push({ line, state: line.state });
    return open;
  }
}

// ---------------------------------------------------------------- cost to serve

/**
 * What serving an account costs beyond the goods, in minor units of the
 * reporting currency. Every figure comes from the record; the weights are
 * the company's estimates of handling costs, kept here in one place:
 *
 *   cost to serve = GP conceded by concessions (exact)
 *                 + complaints × complaintMinor + legitimate ones × legitimateComplaintMinor
 *                 + rushes approved × rushMinor
 *                 + orders placed inside their lead time × lateOrderMinor
 *                 + special situations × specialSituationMinor
 *                 + escalations × escalationMinor
 *                 + Σ invoice amount paid late × days late × latePaymentBpsPerDay / 10 000
 *                   (unpaid overdue invoices: what is outstanding × days overdue so far)
 *                 + revenue × forecast error share × forecastErrorRevenueBps / 10 000
 *
 * Net contribution = GP of the orders as placed − cost to serve; the accounts
 * that cost most and earn least have the lowest.
 */
export const COST_TO_SERVE_WEIGHTS = {
  complaintMinor: 5_000,
  legitimateComplaintMinor: 20_000,
  rushMinor: 15_000,
  lateOrderMinor: 10_000,
  specialSituationMinor: 25_000,
  escalationMinor: 5_000,
  /** About 11 % a year: the cost of carrying money the customer pays late. */
  latePaymentBpsPerDay: 3,
  /** Forecast misses cost inventory and expediting: 5 % of revenue at 100 % error. */
  forecastErrorRevenueBps: 500,
} as const;

export type CostToServe = {
  totalMinor: number;
  concessionsMinor: number;
  complaintsMinor: number;
  rushesMinor: number;
  lateOrdersMinor: number;
  specialSituationsMinor: number;
  escalationsMinor: number;
  latePaymentMinor: number;
  forecastErrorMinor: number;
};

const scaled = (amount: number, bps: number): number => Math.floor((amount * bps) / BPS_WHOLE);

export type AccountRow = {
  accountId: string;
  name: string;
  segment: string;
  ownerId: string;
  currency: string;
  revenueMinor: number;
  /** GP of the orders as placed. */
  grossProfitMinor: number;
  grossProfitAfterConcessionsMinor: number;
  concessions: { granted: number; refused: number; grossProfitConcededMinor: number };
  complaints: { raised: number; legitimate: number };
  rushes: { requested: number; approved: number };
  lateOrders: number;
  escalations: number;
  specialSituations: number;
  paymentDaysLate: { average: number; max: number; overdueInvoices: number };
  /** 10 000 − forecast accuracy; null when nothing was forecast. */
  forecastErrorBps: number | null;
  costToServe: CostToServe;
  costToServeMinor: number;
  netContributionMinor: number;
  claims: Record<Verdict, number>;
};

function latePaymentCost(state: OpenAccountState, currency: string, today: IsoDate): number {
  let cost = 0;
  for (const invoice of recordEntries(state, 'invoices')) {
    if (invoice.amount.currency !== currency) continue;
    const days =
      invoice.settledOn === null
        ? daysBetween(invoice.dueDate, today)
        : daysBetween(invoice.dueDate, invoice.settledOn);
    if (days <= 0) continue;
    const owed =
      invoice.settledOn === null
        ? invoice.amount.amountMinor - invoice.paidMinor
        : invoice.amount.amountMinor;
    cost += scaled(owed * days, COST_TO_SERVE_WEIGHTS.latePaymentBpsPerDay);
  }
  return cost;
}

export function accountRow(
  line: PortfolioAccount,
  state: OpenAccountState,
  currency: string,
  today: IsoDate,
): AccountRow {
  const w = COST_TO_SERVE_WEIGHTS;
  let revenue = 0;
  let gpAsPlaced = 0;
  let gpAfter = 0;
  for (const order of recordEntries(state, 'orders')) {
    if (order.economics.currency !== currency) continue;
    revenue += order.economics.revenueMinor;
    gpAsPlaced += order.economics.revenueMinor - order.economics.costMinor;
    gpAfter += grossProfitOf(order.economics);
  }
  const c = state.counts;
  const conceded = state.grossProfitConcededMinor[currency] ?? 0;
  const forecast = forecastAccuracy(state, today);
  const forecastErrorBps = forecast.accuracyBps === null ? null : BPS_WHOLE - forecast.accuracyBps;
  const cost: Omit<CostToServe, 'totalMinor'> = {
    concessionsMinor: conceded,
    complaintsMinor:
      c.complaints * w.complaintMinor + c.legitimateComplaints * w.legitimateComplaintMinor,
    rushesMinor: c.rushesApproved * w.rushMinor,
    lateOrdersMinor: c.ordersInsideLeadTime * w.lateOrderMinor,
    specialSituationsMinor: c.specialSituations * w.specialSituationMinor,
    escalationsMinor: c.escalations * w.escalationMinor,
    latePaymentMinor: latePaymentCost(state, currency, today),
    forecastErrorMinor:
      forecastErrorBps === null
        ? 0
        : scaled(scaled(revenue, forecastErrorBps), w.forecastErrorRevenueBps),
  };
  const totalMinor = Object.values(cost).reduce((sum, part) => sum + part, 0);
  const behaviour = paymentBehaviour(state, today);
  return {
    accountId: state.accountId,
    name: state.name,
    segment: state.segment,
    ownerId: state.ownerId,
    currency,
    revenueMinor: revenue,
    grossProfitMinor: gpAsPlaced,
    grossProfitAfterConcessionsMinor: gpAfter,
    concessions: {
      granted: c.concessionsGranted,
      refused: c.concessionsRefused,
      grossProfitConcededMinor: conceded,
    },
    complaints: { raised: c.complaints, legitimate: c.legitimateComplaints },
    rushes: { requested: c.rushRequests, approved: c.rushesApproved },
    lateOrders: c.ordersInsideLeadTime,
    escalations: c.escalations,
    specialSituations: c.specialSituations,
    paymentDaysLate: {
      average: behaviour.averageDaysLate,
      max: behaviour.maxDaysLate,
      overdueInvoices: behaviour.overdue,
    },
    forecastErrorBps,
    costToServe: { ...cost, totalMinor },
    costToServeMinor: totalMinor,
    netContributionMinor: gpAsPlaced - totalMinor,
    claims: { ...line.claims },
  };
}

export const ACCOUNT_SORTS = {
  netContribution: (r: AccountRow) => r.netContributionMinor,
  costToServe: (r: AccountRow) => r.costToServeMinor,
  revenue: (r: AccountRow) => r.revenueMinor,
  grossProfit: (r: AccountRow) => r.grossProfitMinor,
  concessions: (r: AccountRow) => r.concessions.grossProfitConcededMinor,
  complaints: (r: AccountRow) => r.complaints.raised,
  rushes: (r: AccountRow) => r.rushes.approved,
  lateOrders: (r: AccountRow) => r.lateOrders,
  paymentDaysLate: (r: AccountRow) => r.paymentDaysLate.average,
  forecastError: (r: AccountRow) => r.forecastErrorBps ?? -1,
  specialSituations: (r: AccountRow) => r.specialSituations,
} as const satisfies Record<string, (r: AccountRow) => number>;
export type AccountSort = keyof typeof ACCOUNT_SORTS | 'accountId';

/** Sorted rows; ties keep account id order so that a ranking is stable. */
export function sortAccountRows(
  rows: readonly AccountRow[],
  sort: AccountSort,
  order: 'asc' | 'desc',
): AccountRow[] {
  const byId = [...rows].sort((a, b) =>
    a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0,
  );
  if (sort === 'accountId') return order === 'asc' ? byId : byId.reverse();
  const key = ACCOUNT_SORTS[sort];
  const sign = order === 'asc' ? 1 : -1;
  return byId.sort((a, b) => sign * (key(a) - key(b)));
}

// ---------------------------------------------------------------- reps and exceptions

export type RepRow = {
  actorId: string;
  role: string;
  currency: string;
  accountsOwned: number;
  accountsServed: number;
  quotes: { count: number; grossProfitMinor: number };
  orders: { count: number; grossProfitMinor: number };
  concessions: { granted: number; refused: number; grossProfitConcededMinor: number };
  specialSituations: { granted: number; refused: number; onOwnedAccounts: number };
  claimsDecided: { supported: number; contradicted: number };
};

export function repRows(portfolio: Portfolio, currency: string): RepRow[] {
  const rows = new Map<string, RepRow>();
  const row = (actorId: string): RepRow => {
    let r = rows.get(actorId);
    if (r === undefined) {
      const rep = portfolio.reps.get(actorId);
      r = {
        actorId,
        role: rep?.role ?? 'unknown',
        currency,
        accountsOwned: 0,
        accountsServed: 0,
        quotes: { count: 0, grossProfitMinor: 0 },
        orders: { count: 0, grossProfitMinor: 0 },
        concessions: {
          granted: rep?.concessionsGranted ?? 0,
          refused: rep?.concessionsRefused ?? 0,
          grossProfitConcededMinor: rep?.grossProfitConcededMinor[currency] ?? 0,
        },
        specialSituations: {
          granted: rep?.specialSituationsGranted ?? 0,
          refused: rep?.specialSituationsRefused ?? 0,
          onOwnedAccounts: 0,
        },
        claimsDecided: { ...(rep?.claimsDecided ?? { supported: 0, contradicted: 0 }) },
      };
      rows.set(actorId, r);
    }
    return r;
  };
  for (const actorId of portfolio.reps.keys()) row(actorId);
  for (const { line, state } of portfolio.openAccounts()) {
    row(state.ownerId).accountsOwned += 1;
    row(state.ownerId).specialSituations.onOwnedAccounts += state.counts.specialSituations;
    for (const repId of state.serviceRepIds) row(repId).accountsServed += 1;
    for (const quote of recordEntries(state, 'quotes')) {
      const actorId = line.quoteActors[quote.quoteId];
      if (actorId === undefined || quote.economics.currency !== currency) continue;
      row(actorId).quotes.count += 1;
      row(actorId).quotes.grossProfitMinor += grossProfitOf(quote.economics);
    }
    for (const order of recordEntries(state, 'orders')) {
      const actorId = line.orderActors[order.orderId];
      if (actorId === undefined || order.economics.currency !== currency) continue;
      row(actorId).orders.count += 1;
      row(actorId).orders.grossProfitMinor += grossProfitOf(order.economics);
    }
  }
  return [...rows.values()].sort((a, b) => (a.actorId < b.actorId ? -1 : 1));
}

export type ExceptionsView = {
  accounts: number;
  accountsWithSpecialSituations: number;
  /** Share of accounts with any special situation: "if everything is special, nothing is". */
  shareBps: number | null;
  byAccount: {
    accountId: string;
    name: string;
    ownerId: string;
    count: number;
    items: SpecialSituationItem[];
  }[];
  byRep: { actorId: string; granted: number; onOwnedAccounts: number }[];
};

export function exceptionsView(portfolio: Portfolio): ExceptionsView {
  const open = portfolio.openAccounts();
  const byAccount = open
    .filter(({ line }) => line.specialSituations.length > 0)
    .map(({ line, state }) => ({
      accountId: state.accountId,
      name: state.name,
      ownerId: state.ownerId,
      count: line.specialSituations.length,
      items: line.specialSituations,
    }))
    .sort((a, b) => b.count - a.count || (a.accountId < b.accountId ? -1 : 1));
  const granted = new Map<string, number>();
  const owned = new Map<string, number>();
  for (const { line } of open) {
    for (const item of line.specialSituations) {
      granted.set(item.grantedBy, (granted.get(item.grantedBy) ?? 0) + 1);
      owned.set(item.ownerId, (owned.get(item.ownerId) ?? 0) + 1);
    }
  }
  const actors = [...new Set([...granted.keys(), ...owned.keys()])].sort();
  return {
    accounts: open.length,
    accountsWithSpecialSituations: byAccount.length,
    shareBps: open.length === 0 ? null : Math.floor((byAccount.length * BPS_WHOLE) / open.length),
    byAccount,
    byRep: actors.map((actorId) => ({
      actorId,
      granted: granted.get(actorId) ?? 0,
      onOwnedAccounts: owned.get(actorId) ?? 0,
    })),
  };
}
