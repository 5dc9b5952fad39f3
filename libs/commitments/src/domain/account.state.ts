import type {
  AccountEvent,
  ConcessionGranted,
  ConcessionKind,
  ExpectationsAgreed,
  PromiseCategory,
  PromiseScope,
} from './account.events.js';
import { assertNever } from './exhaustive.js';
import {
  economicsOf,
  withExtraCost,
  withRevenueGivenBack,
  type Economics,
  type PricedLine,
} from './gross-profit.js';
import type { Money } from './money.js';
import type { AgreementKind } from './policy.js';
import { RecordMap } from './record-map.js';

/**
 * An account as the decider needs to see it, folded from its stream. It keeps
 * what the rules look up (quotes, orders, complaints, agreements) and what the
 * profitability measures need (invoices, payments, forecasts, deliveries,
 * counts). Event ids are not in it: `evolve` sees business data only.
 */
export type AccountState = UnopenedAccount | OpenAccountState;

export type UnopenedAccount = { readonly status: 'unopened' };

export type PromiseRecord = {
  readonly promiseId: string;
  readonly category: PromiseCategory;
  readonly dueDate: string;
  readonly scope: PromiseScope;
  readonly status: 'open' | 'kept' | 'broken' | 'withdrawn';
  readonly closedOn: string | null;
};

export type QuoteRecord = {
  readonly quoteId: string;
  readonly version: number;
  readonly validUntil: string;
  readonly status: 'open' | 'accepted' | 'expired';
  /** Of the current version; concessions granted on an earlier version do not carry over. */
  readonly economics: Economics;
};

export type ComplaintRecord = {
  readonly complaintId: string;
  readonly about: string;
  readonly orderId: string | null;
  readonly assessment: { readonly legitimate: boolean; readonly reason: string } | null;
  /** The freight concession that righted it, if any: a complaint justifies freight once. */
  readonly freightConcessionId: string | null;
};

export type LeadTimeAgreementRecord = {
  readonly agreementId: string;
  readonly kind: AgreementKind;
  readonly leadTimeDays: number;
  readonly skus: readonly string[] | null;
  readonly from: string;
  readonly to: string | null;
};

export type RushStatus =
  | { readonly status: 'none' }
  | { readonly status: 'requested'; readonly requestedDeliveryDate: string }
  | { readonly status: 'approved'; readonly committedDeliveryDate: string }
  | { readonly status: 'refused'; readonly requestedDeliveryDate: string };

export type OrderRecord = {
  readonly orderId: string;
  readonly quoteId: string | null;
  readonly lines: readonly PricedLine[] | null;
  readonly placedOn: string;
  readonly requestedDeliveryDate: string;
  readonly leadTimeDays: number;
  readonly earliestDeliveryDate: string;
  readonly insideLeadTime: boolean;
  readonly shortByDays: number;
  readonly freeFreightByTier: boolean;
  /** The tier the account was in when the order was placed. */
  readonly tierCode: string;
  readonly economics: Economics;
  readonly rush: RushStatus;
  readonly shipments: readonly { readonly shipmentId: string; readonly shippedOn: string }[];
  readonly delivery: {
    readonly deliveredOn: string;
    readonly dueDate: string;
    readonly onTime: boolean;
    readonly daysLate: number;
  } | null;
};

export type InvoiceRecord = {
  readonly invoiceId: string;
  readonly amount: Money;
  readonly issuedOn: string;
  readonly dueDate: string;
  readonly orderId: string | null;
  readonly paidMinor: number;
  /** Date of the payment that settled it in full; null while anything is outstanding. */
  readonly settledOn: string | null;
};

export type ForecastRecord = {
  readonly period: string;
  readonly sku: string;
  readonly quantity: number;
};

export type ConcessionRecord = {
  readonly concessionId: string;
  readonly kind: ConcessionKind;
  readonly outcome: 'granted' | 'refused';
};

/** Running counts for cost-to-serve: "if everything is special, nothing is". */
export type AccountCounts = {
  readonly refusals: number;
  readonly concessionsGranted: number;
  readonly concessionsRefused: number;
  /** Special situations granted, standalone or as concessions outside the tier. */
  readonly specialSituations: number;
  readonly complaints: number;
  readonly legitimateComplaints: number;
  readonly escalations: number;
  readonly rushRequests: number;
  readonly rushesApproved: number;
  readonly ordersInsideLeadTime: number;
  readonly corrections: number;
};

export type OpenAccountState = {
  readonly status: 'open';
  readonly accountId: string;
  readonly name: string;
  readonly segment: string;
  readonly ownerId: string;
  readonly serviceRepIds: readonly string[];
  readonly expectations: ExpectationsAgreed['data'] | null;
  readonly promises: Readonly<Record<string, PromiseRecord>>;
  readonly quotes: Readonly<Record<string, QuoteRecord>>;
  readonly complaints: Readonly<Record<string, ComplaintRecord>>;
  /** In the order they were agreed: a later agreement for the same SKU takes precedence. */
  readonly leadTimeAgreements: readonly LeadTimeAgreementRecord[];
  readonly orders: Readonly<Record<string, OrderRecord>>;
  readonly invoices: Readonly<Record<string, InvoiceRecord>>;
  /** paymentId → invoiceId. */
  readonly payments: Readonly<Record<string, string>>;
  /** Keyed by `period|sku`. */
  readonly forecasts: Readonly<Record<string, ForecastRecord>>;
  readonly concessions: Readonly<Record<string, ConcessionRecord>>;
  /** GP given up by granted concessions, per currency. */
  readonly grossProfitConcededMinor: Readonly<Record<string, number>>;
  readonly specialSituationIds: Readonly<Record<string, 'granted' | 'refused'>>;
  readonly escalationIds: readonly string[];
  /** Event ids that corrections point at, as given (the application checks they exist). */
  readonly correctedEventIds: readonly string[];
  readonly counts: AccountCounts;
};

export const initialAccountState: AccountState = { status: 'unopened' };

/** What each of the account's id-keyed records holds. */
type RecordValues = {
  promises: PromiseRecord;
  quotes: QuoteRecord;
  complaints: ComplaintRecord;
  orders: OrderRecord;
  invoices: InvoiceRecord;
  payments: string;
  forecasts: ForecastRecord;
  concessions: ConcessionRecord;
  specialSituationIds: 'granted' | 'refused';
};
export type AccountRecordName = keyof RecordValues;

const RECORD_NAMES: readonly AccountRecordName[] = [
  'promises',
  'quotes',
  'complaints',
  'orders',
  'invoices',
  'payments',
  'forecasts',
  'concessions',
  'specialSituationIds',
];

/**
 * Entries beyond which a record is held as a RecordMap. Below it, copying the
 * small plain object per change is cheaper than a RecordMap plus the getter a
 * state needs to show it as a plain object.
 */
const LARGE_RECORD = 64;

/** A record as the fold holds it: a plain object while small, a RecordMap once large. */
type Held<V> = Readonly<Record<string, V>> | RecordMap<V>;

/**
 * The fold's own form of an open account: the fields of OpenAccountState,
 * with each large record held as a RecordMap, so an event changes one entry
 * in O(log n) instead of copying the whole record. While every record is
 * small it is an OpenAccountState as it stands.
 */
type FoldedAccount = Omit<OpenAccountState, AccountRecordName> & {
  readonly [K in AccountRecordName]: Held<RecordValues[K]>;
};

/** The folded form behind each state that holds a RecordMap (see stateOf). */
const folded = new WeakMap<object, FoldedAccount>();

/**
 * The state as callers see it: a plain object with the fields of
 * OpenAccountState in their usual order. A record held as a RecordMap is an
 * own enumerable getter that builds the plain object on first read and then
 * keeps it as an ordinary read-only property, so `Object.values(state.orders)`,
 * spreading, JSON and structuredClone behave as before, and a large record
 * nobody reads is never built.
 */
function stateOf(account: FoldedAccount): OpenAccountState {
  const large = RECORD_NAMES.filter((name) => account[name] instanceof RecordMap);
  if (large.length === 0) return account as OpenAccountState;
  const state = { ...account };
  for (const name of large) Object.defineProperty(state, name, RECORD_GETTERS[name]);
  folded.set(state, account);
  return state as OpenAccountState;
}

const RECORD_GETTERS = Object.fromEntries(
  RECORD_NAMES.map((name): [AccountRecordName, PropertyDescriptor] => [
    name,
    {
      enumerable: true,
      configurable: true,
      get(this: OpenAccountState): unknown {
        const held = foldedOf(this)[name];
        const record = held instanceof RecordMap ? held.toRecord() : held;
        settle(this, name, record);
        return record;
      },
      set(this: OpenAccountState, value: unknown): void {
        settle(this, name, value);
      },
    },
  ]),
) as Record<AccountRecordName, PropertyDescriptor>;

/** Turns a record's getter into the plain data property it stands for. */
function settle(state: object, name: AccountRecordName, value: unknown): void {
  Object.defineProperty(state, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * The folded form of any open state: the one behind a state stateOf built
 * (found along the prototype chain, should anyone derive from one), or the
 * state itself, whose records are plain objects.
 */
function foldedOf(state: OpenAccountState): FoldedAccount {
  for (
    let at: object | null = state;
    at !== null;
    at = Object.getPrototypeOf(at) as object | null
  ) {
    const account = folded.get(at);
    if (account) return account;
  }
  return state;
}

/**
 * The state as a plain object of plain records, for writing it out (a
 * projection's checkpoint), without settling the records on `state` itself:
 * reading a large record through the state keeps the plain copy on it for as
 * long as the state lives, next to its RecordMap, where this copy is garbage
 * as soon as it has been written.
 */
export function plainAccountState(state: AccountState): AccountState {
  if (state.status !== 'open') return state;
  const account = foldedOf(state);
  if (account === state) return state;
  const plain: Record<string, unknown> = { ...account };
  for (const name of RECORD_NAMES) {
    const held = account[name];
    if (held instanceof RecordMap) plain[name] = held.toRecord();
  }
  return plain as OpenAccountState;
}

/** `held` with `id` set to `value`: a copy while small, a RecordMap from LARGE_RECORD entries on. */
function put<V>(held: Held<V>, id: string, value: V): Held<V> {
  if (held instanceof RecordMap) return held.set(id, value);
  const next = { ...held, [id]: value };
  if (Object.hasOwn(held, id) || Object.keys(held).length < LARGE_RECORD) return next;
  return RecordMap.fromRecord(next);
}

/** `held` with the entry under `id` changed by `change`; unknown ids leave it as it is (evolve never throws). */
function change<V>(held: Held<V>, id: string, changeEntry: (entry: V) => V): Held<V> {
  if (held instanceof RecordMap) return held.update(id, changeEntry);
  const entry = Object.hasOwn(held, id) ? held[id] : undefined;
  return entry === undefined ? held : { ...held, [id]: changeEntry(entry) };
}

/** The entry under `id` in one of the account's records, without building the record. */
export function recordEntry<K extends AccountRecordName>(
  state: OpenAccountState,
  name: K,
  id: string,
): RecordValues[K] | undefined {
  const held = foldedOf(state)[name] as Held<RecordValues[K]>;
  if (held instanceof RecordMap) return held.get(id);
  return Object.hasOwn(held, id) ? held[id] : undefined;
}

/** The entries of one of the account's records, without building the record. */
export function recordEntries<K extends AccountRecordName>(
  state: OpenAccountState,
  name: K,
): Iterable<RecordValues[K]> {
  const held = foldedOf(state)[name] as Held<RecordValues[K]>;
  return held instanceof RecordMap ? held.valuesInOrder() : Object.values(held);
}

const NO_COUNTS: AccountCounts = {
  refusals: 0,
  concessionsGranted: 0,
  concessionsRefused: 0,
  specialSituations: 0,
  complaints: 0,
  legitimateComplaints: 0,
  escalations: 0,
  rushRequests: 0,
  rushesApproved: 0,
  ordersInsideLeadTime: 0,
  corrections: 0,
};

export function forecastKey(period: string, sku: string): string {
  return `${period}|${sku}`;
}

function bump(state: FoldedAccount, ...names: (keyof AccountCounts)[]): FoldedAccount {
  const counts: Record<keyof AccountCounts, number> = { ...state.counts };
  for (const name of names) counts[name] += 1;
  return { ...state, counts };
}

/**
 * Folds one event into the state. Pure and total: an event that refers to
 * something the state does not hold changes nothing rather than throwing, so
 * a replay of any stream always completes. The state given is never changed.
 */
export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  if (event.type === 'AccountOpened') {
    if (state.status === 'open') return state;
    return stateOf({
      status: 'open',
      accountId: event.data.accountId,
      name: event.data.name,
      segment: event.data.segment,
      ownerId: event.data.ownerId,
      serviceRepIds: event.data.serviceRepIds,
      expectations: null,
      promises: {},
      quotes: {},
      complaints: {},
      leadTimeAgreements: [],
      orders: {},
      invoices: {},
      payments: {},
      forecasts: {},
      concessions: {},
      grossProfitConcededMinor: {},
      specialSituationIds: {},
      escalationIds: [],
      correctedEventIds: [],
      counts: NO_COUNTS,
    });
  }
  if (state.status !== 'open') return state;
  const before = foldedOf(state);
  const after = evolveOpen(before, event);
  return after === before ? state : stateOf(after);
}

function evolveOpen(
  s: FoldedAccount,
  event: Exclude<AccountEvent, { type: 'AccountOpened' }>,
): FoldedAccount {
  switch (event.type) {
    case 'AccountReassigned':
      return { ...s, ownerId: event.data.ownerId, serviceRepIds: event.data.serviceRepIds };
    case 'ExpectationsAgreed':
      return { ...s, expectations: event.data };

    case 'PromiseMade': {
      const { promiseId, category, dueDate, scope } = event.data;
      const promise: PromiseRecord = {
        promiseId,
        category,
        dueDate,
        scope,
        status: 'open',
        closedOn: null,
      };
      return { ...s, promises: put(s.promises, promiseId, promise) };
    }
    case 'PromiseKept':
      return closePromise(s, event.data.promiseId, 'kept', event.data.keptOn);
    case 'PromiseBroken':
      return closePromise(s, event.data.promiseId, 'broken', event.data.brokenOn);
    case 'PromiseWithdrawn':
      return closePromise(s, event.data.promiseId, 'withdrawn', event.data.withdrawnOn);

    case 'QuoteIssued':
    case 'QuoteRevised': {
      const d = event.data;
      const quote: QuoteRecord = {
        quoteId: d.quoteId,
        version: d.version,
        validUntil: d.validUntil,
        status: 'open',
        economics: economicsOf(d.currency, {
          revenueMinor: d.revenueMinor,
          costMinor: d.costMinor,
        }),
      };
      return { ...s, quotes: put(s.quotes, d.quoteId, quote) };
    }
    case 'QuoteAccepted':
      return {
        ...s,
        quotes: change(s.quotes, event.data.quoteId, (q) => ({ ...q, status: 'accepted' })),
      };
    case 'QuoteExpired':
      return {
        ...s,
        quotes: change(s.quotes, event.data.quoteId, (q) => ({ ...q, status: 'expired' })),
      };

    case 'PaymentTermsStated':
      return s;

    case 'ConcessionGranted':
      return applyGrant(s, event);
    case 'ConcessionRefused': {
      const { concessionId, kind } = event.data;
      const concessions = put<ConcessionRecord>(s.concessions, concessionId, {
        concessionId,
        kind,
        outcome: 'refused',
      });
      return bump({ ...s, concessions }, 'refusals', 'concessionsRefused');
    }

    case 'ComplaintRaised': {
      const { complaintId, about, orderId } = event.data;
      const complaint: ComplaintRecord = {
        complaintId,
        about,
        orderId,
        assessment: null,
        freightConcessionId: null,
      };
      return bump({ ...s, complaints: put(s.complaints, complaintId, complaint) }, 'complaints');
    }
    case 'ComplaintAssessed': {
      const { complaintId, legitimate, reason } = event.data;
      const next = {
        ...s,
        complaints: change(s.complaints, complaintId, (c) => ({
          ...c,
          assessment: { legitimate, reason },
        })),
      };
      return legitimate ? bump(next, 'legitimateComplaints') : next;
    }

    case 'LeadTimeAgreed': {
      const { agreementId, kind, leadTimeDays, skus, from, to } = event.data;
      return {
        ...s,
        leadTimeAgreements: [
          ...s.leadTimeAgreements,
          { agreementId, kind, leadTimeDays, skus, from, to },
        ],
      };
    }

    case 'OrderPlaced': {
      const d = event.data;
      const order: OrderRecord = {
        orderId: d.orderId,
        quoteId: d.quoteId,
        lines: d.lines,
        placedOn: d.placedOn,
        requestedDeliveryDate: d.requestedDeliveryDate,
        leadTimeDays: d.leadTimeDays,
        earliestDeliveryDate: d.earliestDeliveryDate,
        insideLeadTime: d.insideLeadTime,
        shortByDays: d.shortByDays,
        freeFreightByTier: d.freeFreightByTier,
        tierCode: d.tierCode,
        economics: economicsOf(d.currency, {
          revenueMinor: d.revenueMinor,
          costMinor: d.costMinor,
        }),
        rush: { status: 'none' },
        shipments: [],
        delivery: null,
      };
      const next = { ...s, orders: put(s.orders, d.orderId, order) };
      return d.insideLeadTime ? bump(next, 'ordersInsideLeadTime') : next;
    }
    case 'RushRequested': {
      const { orderId, requestedDeliveryDate } = event.data;
      const orders = change(s.orders, orderId, (o) => ({
        ...o,
        rush: { status: 'requested' as const, requestedDeliveryDate },
      }));
      return bump({ ...s, orders }, 'rushRequests');
    }
    case 'RushApproved': {
      const { orderId, committedDeliveryDate } = event.data;
      const orders = change(s.orders, orderId, (o) => ({
        ...o,
        rush: { status: 'approved' as const, committedDeliveryDate },
      }));
      return bump({ ...s, orders }, 'rushesApproved');
    }
    case 'RushRefused': {
      const { orderId, requestedDeliveryDate } = event.data;
      const orders = change(s.orders, orderId, (o) => ({
        ...o,
        rush: { status: 'refused' as const, requestedDeliveryDate },
      }));
      return bump({ ...s, orders }, 'refusals');
    }
    case 'ShipmentRecorded': {
      const { orderId, shipmentId, shippedOn } = event.data;
      const orders = change(s.orders, orderId, (o) => ({
        ...o,
        shipments: [...o.shipments, { shipmentId, shippedOn }],
      }));
      return { ...s, orders };
    }
    case 'OrderDelivered': {
      const { orderId, deliveredOn, dueDate, onTime, daysLate } = event.data;
      const orders = change(s.orders, orderId, (o) => ({
        ...o,
        delivery: { deliveredOn, dueDate, onTime, daysLate },
      }));
      return { ...s, orders };
    }

    case 'EscalationRequested':
      return bump(
        { ...s, escalationIds: [...s.escalationIds, event.data.escalationId] },
        'escalations',
      );
    case 'EscalationAnswered':
      return s;

    case 'ForecastReceived': {
      const { period, sku, quantity } = event.data;
      return {
        ...s,
        forecasts: put(s.forecasts, forecastKey(period, sku), { period, sku, quantity }),
      };
    }
    case 'InvoiceIssued': {
      const { invoiceId, amount, issuedOn, dueDate, orderId } = event.data;
      const invoice: InvoiceRecord = {
        invoiceId,
        amount,
        issuedOn,
        dueDate,
        orderId,
        paidMinor: 0,
        settledOn: null,
      };
      return { ...s, invoices: put(s.invoices, invoiceId, invoice) };
    }
    case 'PaymentReceived': {
      const { paymentId, invoiceId, amount, paidOn, settlesInvoice } = event.data;
      const invoices = change(s.invoices, invoiceId, (i) => ({
        ...i,
        paidMinor: i.paidMinor + amount.amountMinor,
        settledOn: settlesInvoice ? paidOn : i.settledOn,
      }));
      return { ...s, invoices, payments: put(s.payments, paymentId, invoiceId) };
    }

    case 'SpecialSituationGranted':
      return bump(
        {
          ...s,
          specialSituationIds: put(s.specialSituationIds, event.data.situationId, 'granted'),
        },
        'specialSituations',
      );
    case 'SpecialSituationRefused':
      return bump(
        {
          ...s,
          specialSituationIds: put(s.specialSituationIds, event.data.situationId, 'refused'),
        },
        'refusals',
      );

    case 'QuoteRefusedBelowFloor':
    case 'PaymentTermsRefused':
    case 'LeadTimeAgreementRefused':
      return bump(s, 'refusals');

    case 'EventCorrected':
      return bump(
        { ...s, correctedEventIds: [...s.correctedEventIds, event.data.correctedEventId] },
        'corrections',
      );

    default:
      return assertNever(event);
  }
}

function closePromise(
  s: FoldedAccount,
  promiseId: string,
  status: PromiseRecord['status'],
  on: string,
): FoldedAccount {
  return {
    ...s,
    promises: change(s.promises, promiseId, (p) => ({ ...p, status, closedOn: on })),
  };
}

/** A granted concession takes its GP out of the quote or order it was granted on. */
function applyGrant(s: FoldedAccount, event: ConcessionGranted): FoldedAccount {
  const { concessionId, kind, request, grossProfitImpact, specialSituation } = event.data;
  const impact = grossProfitImpact.amountMinor;
  let next: FoldedAccount = {
    ...s,
    concessions: put(s.concessions, concessionId, { concessionId, kind, outcome: 'granted' }),
    grossProfitConcededMinor: {
      ...s.grossProfitConcededMinor,
      [grossProfitImpact.currency]:
        (s.grossProfitConcededMinor[grossProfitImpact.currency] ?? 0) + impact,
    },
  };
  switch (request.kind) {
    case 'price_discount': {
      const discount = (e: Economics): Economics => ({
        ...withRevenueGivenBack(e, impact),
        discountBpsGranted: e.discountBpsGranted + request.discountBps,
      });
      next =
        request.target.kind === 'quote'
          ? {
              ...next,
              quotes: change(next.quotes, request.target.id, (q) => ({
                ...q,
                economics: discount(q.economics),
              })),
            }
          : {
              ...next,
              orders: change(next.orders, request.target.id, (o) => ({
                ...o,
                economics: discount(o.economics),
              })),
            };
      break;
    }
    case 'freight_paid':
    case 'expedite':
      next = {
        ...next,
        orders: change(next.orders, request.orderId, (o) => ({
          ...o,
          economics: withExtraCost(o.economics, impact),
        })),
      };
      if (request.kind === 'freight_paid' && request.complaintId !== null) {
        next = {
          ...next,
          complaints: change(next.complaints, request.complaintId, (c) => ({
            ...c,
            freightConcessionId: concessionId,
          })),
        };
      }
      break;
    case 'credit':
      if (request.orderId !== null) {
        next = {
          ...next,
          orders: change(next.orders, request.orderId, (o) => ({
            ...o,
            economics: withRevenueGivenBack(o.economics, impact),
          })),
        };
      }
      break;
    case 'extended_terms':
    case 'rebate':
    case 'other':
      break;
    default:
      return assertNever(request);
  }
  const counted = bump(next, 'concessionsGranted');
  return specialSituation === null ? counted : bump(counted, 'specialSituations');
}
