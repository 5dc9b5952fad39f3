// The account fold as it was before its records became RecordMaps: every
// event copied the record it changed. Kept only as the reference the
// RecordMap fold is checked against (account.state.spec.ts); nothing else
// may import it.
import type { AccountEvent, ConcessionGranted } from '../account.events.js';
import {
  forecastKey,
  type AccountCounts,
  type AccountState,
  type ComplaintRecord,
  type InvoiceRecord,
  type OpenAccountState,
  type OrderRecord,
  type PromiseRecord,
  type QuoteRecord,
} from '../account.state.js';
import { assertNever } from '../exhaustive.js';
import {
  economicsOf,
  withExtraCost,
  withRevenueGivenBack,
  type Economics,
} from '../gross-profit.js';

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

function bump(state: OpenAccountState, ...names: (keyof AccountCounts)[]): OpenAccountState {
  const counts: Record<keyof AccountCounts, number> = { ...state.counts };
  for (const name of names) counts[name] += 1;
  return { ...state, counts };
}

/** A copy of `record` with `id` changed by `change`; unknown ids leave it as it is (evolve never throws). */
function updated<T>(
  record: Readonly<Record<string, T>>,
  id: string,
  change: (item: T) => T,
): Record<string, T> {
  const item = record[id];
  return item === undefined ? { ...record } : { ...record, [id]: change(item) };
}

/**
 * Folds one event into the state. Pure and total: an event that refers to
 * something the state does not hold changes nothing rather than throwing, so
 * a replay of any stream always completes.
 */
export function evolveAccountByCopying(state: AccountState, event: AccountEvent): AccountState {
  if (event.type === 'AccountOpened') {
    if (state.status === 'open') return state;
    return {
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
    };
  }
  if (state.status !== 'open') return state;
  return evolveOpen(state, event);
}

function evolveOpen(
  s: OpenAccountState,
  event: Exclude<AccountEvent, { type: 'AccountOpened' }>,
): OpenAccountState {
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
      return { ...s, promises: { ...s.promises, [promiseId]: promise } };
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
      return { ...s, quotes: { ...s.quotes, [d.quoteId]: quote } };
    }
    case 'QuoteAccepted':
      return {
        ...s,
        quotes: updated(s.quotes, event.data.quoteId, (q) => ({ ...q, status: 'accepted' })),
      };
    case 'QuoteExpired':
      return {
        ...s,
        quotes: updated(s.quotes, event.data.quoteId, (q) => ({ ...q, status: 'expired' })),
      };

    case 'PaymentTermsStated':
      return s;

    case 'ConcessionGranted':
      return applyGrant(s, event);
    case 'ConcessionRefused': {
      const { concessionId, kind } = event.data;
      const concessions = {
        ...s.concessions,
        [concessionId]: { concessionId, kind, outcome: 'refused' as const },
      };
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
      return bump(
        { ...s, complaints: { ...s.complaints, [complaintId]: complaint } },
        'complaints',
      );
    }
    case 'ComplaintAssessed': {
      const { complaintId, legitimate, reason } = event.data;
      const next = {
        ...s,
        complaints: updated(s.complaints, complaintId, (c) => ({
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
      const next = { ...s, orders: { ...s.orders, [d.orderId]: order } };
      return d.insideLeadTime ? bump(next, 'ordersInsideLeadTime') : next;
    }
    case 'RushRequested': {
      const { orderId, requestedDeliveryDate } = event.data;
      const orders = updated(s.orders, orderId, (o) => ({
        ...o,
        rush: { status: 'requested' as const, requestedDeliveryDate },
      }));
      return bump({ ...s, orders }, 'rushRequests');
    }
    case 'RushApproved': {
      const { orderId, committedDeliveryDate } = event.data;
      const orders = updated(s.orders, orderId, (o) => ({
        ...o,
        rush: { status: 'approved' as const, committedDeliveryDate },
      }));
      return bump({ ...s, orders }, 'rushesApproved');
    }
    case 'RushRefused': {
      const { orderId, requestedDeliveryDate } = event.data;
      const orders = updated(s.orders, orderId, (o) => ({
        ...o,
        rush: { status: 'refused' as const, requestedDeliveryDate },
      }));
      return bump({ ...s, orders }, 'refusals');
    }
    case 'ShipmentRecorded': {
      const { orderId, shipmentId, shippedOn } = event.data;
      const orders = updated(s.orders, orderId, (o) => ({
        ...o,
        shipments: [...o.shipments, { shipmentId, shippedOn }],
      }));
      return { ...s, orders };
    }
    case 'OrderDelivered': {
      const { orderId, deliveredOn, dueDate, onTime, daysLate } = event.data;
      const orders = updated(s.orders, orderId, (o) => ({
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
        forecasts: { ...s.forecasts, [forecastKey(period, sku)]: { period, sku, quantity } },
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
      return { ...s, invoices: { ...s.invoices, [invoiceId]: invoice } };
    }
    case 'PaymentReceived': {
      const { paymentId, invoiceId, amount, paidOn, settlesInvoice } = event.data;
      const invoices = updated(s.invoices, invoiceId, (i) => ({
        ...i,
        paidMinor: i.paidMinor + amount.amountMinor,
        settledOn: settlesInvoice ? paidOn : i.settledOn,
      }));
      return { ...s, invoices, payments: { ...s.payments, [paymentId]: invoiceId } };
    }

    case 'SpecialSituationGranted':
      return bump(
        {
          ...s,
          specialSituationIds: { ...s.specialSituationIds, [event.data.situationId]: 'granted' },
        },
        'specialSituations',
      );
    case 'SpecialSituationRefused':
      return bump(
        {
          ...s,
          specialSituationIds: { ...s.specialSituationIds, [event.data.situationId]: 'refused' },
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
  s: OpenAccountState,
  promiseId: string,
  status: PromiseRecord['status'],
  on: string,
): OpenAccountState {
  return {
    ...s,
    promises: updated(s.promises, promiseId, (p) => ({ ...p, status, closedOn: on })),
  };
}

/** A granted concession takes its GP out of the quote or order it was granted on. */
function applyGrant(s: OpenAccountState, event: ConcessionGranted): OpenAccountState {
  const { concessionId, kind, request, grossProfitImpact, specialSituation } = event.data;
  const impact = grossProfitImpact.amountMinor;
  let next: OpenAccountState = {
    ...s,
    concessions: { ...s.concessions, [concessionId]: { concessionId, kind, outcome: 'granted' } },
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
              quotes: updated(next.quotes, request.target.id, (q) => ({
                ...q,
                economics: discount(q.economics),
              })),
            }
          : {
              ...next,
              orders: updated(next.orders, request.target.id, (o) => ({
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
        orders: updated(next.orders, request.orderId, (o) => ({
          ...o,
          economics: withExtraCost(o.economics, impact),
        })),
      };
      if (request.kind === 'freight_paid' && request.complaintId !== null) {
        next = {
          ...next,
          complaints: updated(next.complaints, request.complaintId, (c) => ({
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
          orders: updated(next.orders, request.orderId, (o) => ({
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
