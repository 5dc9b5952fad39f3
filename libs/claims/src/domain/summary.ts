import type {
  AccountEvent,
  ConcessionRequest,
  Money,
  PromiseScope,
  TermsContext,
} from '@onrecord/commitments';
import { isClaimRecorded } from './claims.events.js';
import { type RecordEntry, accountEventOf } from './record-entry.js';

/** Currencies whose minor unit is the major one (no decimals), or a thousandth. */
const DECIMALS: Readonly<Record<string, number>> = {
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
};

/** "USD 1,250.00": for people reading a summary; the data keeps exact minor units. */
export function formatMoney(money: Money): string {
  const decimals = DECIMALS[money.currency] ?? 2;
  const digits = Math.abs(money.amountMinor)
    .toString()
    .padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals).replace(/\B(?=(\d{3})+$)/g, ',');
  const fraction = decimals === 0 ? '' : `.${digits.slice(digits.length - decimals)}`;
  return `${money.currency} ${money.amountMinor < 0 ? '-' : ''}${whole}${fraction}`;
}

const money = (amountMinor: number, currency: string): string =>
  formatMoney({ amountMinor, currency });

function percent(bps: number): string {
  return `${(bps / 100).toFixed(bps % 100 === 0 ? 0 : 2)}%`;
}

function where(scope: PromiseScope): string {
  return `${scope.kind} ${scope.id}`;
}

function termsWhere(context: TermsContext): string {
  return context.kind === 'verbal'
    ? 'verbally'
    : `in ${context.kind} ${context.referenceId ?? '(unnamed)'}`;
}

export function describeRequest(request: ConcessionRequest): string {
  switch (request.kind) {
    case 'price_discount':
      return `${percent(request.discountBps)} discount on ${request.target.kind} ${request.target.id}`;
    case 'freight_paid':
      return `freight paid on order ${request.orderId} (${formatMoney(request.freightCost)})${
        request.complaintId ? ` for complaint ${request.complaintId}` : ''
      }`;
    case 'expedite':
      return `expedite cost absorbed on order ${request.orderId} (${formatMoney(request.expediteCost)})`;
    case 'extended_terms':
      return `extended terms Net ${request.netDays} ${termsWhere(request.context)}`;
    case 'rebate':
      return `back-end rebate of ${percent(request.rebateBps)}`;
    case 'credit':
      return `credit of ${formatMoney(request.amount)}${request.orderId ? ` on order ${request.orderId}` : ''}`;
    case 'other':
      return request.catalogueCode
        ? `${request.description} (${request.catalogueCode})`
        : request.description;
  }
}

function summarizeAccountEvent(event: AccountEvent): string {
  switch (event.type) {
    case 'AccountOpened': {
      const d = event.data;
      const reps = d.serviceRepIds.length > 0 ? d.serviceRepIds.join(', ') : 'none';
      return `Account "${d.name}" opened; owner ${d.ownerId}, service reps ${reps}`;
    }
    case 'AccountReassigned': {
      const d = event.data;
      return `Reassigned: owner ${d.previousOwnerId} → ${d.ownerId}; service reps [${d.previousServiceRepIds.join(', ')}] → [${d.serviceRepIds.join(', ')}]`;
    }
    case 'ExpectationsAgreed': {
      const d = event.data;
      return `Expectations v${d.version} agreed: ${d.mustDo.length} must-do, ${d.mustNeverDo.length} must-never-do, ${d.serviceLevels.length} service level(s)`;
    }
    case 'PromiseMade': {
      const d = event.data;
      return `Promised "${d.text}" by ${d.dueDate} (${d.category}, ${where(d.scope)})`;
    }
    case 'PromiseKept':
      return `Promise ${event.data.promiseId} kept on ${event.data.keptOn} (${event.data.onTime ? 'on time' : 'late'})`;
    case 'PromiseBroken':
      return `Promise ${event.data.promiseId} broken on ${event.data.brokenOn}: ${event.data.reason}`;
    case 'PromiseWithdrawn':
      return `Promise ${event.data.promiseId} withdrawn on ${event.data.withdrawnOn}: ${event.data.reason}`;
    case 'QuoteIssued':
    case 'QuoteRevised': {
      const d = event.data;
      const verb = event.type === 'QuoteIssued' ? 'issued' : 'revised';
      return `Quote ${d.quoteId} v${d.version} ${verb}: ${money(d.revenueMinor, d.currency)}, GP ${d.grossProfitBps} bps (floor ${d.floorBps}), valid until ${d.validUntil}`;
    }
    case 'QuoteRefusedBelowFloor':
      return `Quote ${event.data.quoteId} v${event.data.version} refused (${event.data.rule}): ${event.data.detail}`;
    case 'QuoteAccepted':
      return `Quote ${event.data.quoteId} v${event.data.version} accepted on ${event.data.acceptedOn}`;
    case 'QuoteExpired':
      return `Quote ${event.data.quoteId} v${event.data.version} expired (valid until ${event.data.validUntil})`;
    case 'PaymentTermsStated': {
      const d = event.data;
      const discount = d.earlyPaymentDiscount
        ? ` with ${percent(d.earlyPaymentDiscount.bps)} off within ${d.earlyPaymentDiscount.withinDays} days`
        : '';
      return `Payment terms Net ${d.netDays}${discount} stated ${termsWhere(d.context)}`;
    }
    case 'PaymentTermsRefused':
      return `Payment terms Net ${event.data.netDays} refused ${termsWhere(event.data.context)} (${event.data.rule}): ${event.data.detail}`;
    case 'ConcessionGranted': {
      const d = event.data;
      const special = d.specialSituation
        ? ` as a special situation (${d.specialSituation.reason})`
        : '';
      return `Concession ${d.concessionId} granted: ${describeRequest(d.request)}; GP impact ${formatMoney(d.grossProfitImpact)}${special}`;
    }
    case 'ConcessionRefused':
      return `Concession ${event.data.concessionId} refused (${event.data.rule}): ${describeRequest(event.data.request)}`;
    case 'ComplaintRaised':
      return `Complaint ${event.data.complaintId} raised${event.data.orderId ? ` about order ${event.data.orderId}` : ''}: ${event.data.about}`;
    case 'ComplaintAssessed':
      return `Complaint ${event.data.complaintId} assessed ${event.data.legitimate ? 'legitimate' : 'not legitimate'}: ${event.data.reason}`;
    case 'LeadTimeAgreed': {
      const d = event.data;
      const skus = d.skus === null ? 'every order' : d.skus.join(', ');
      return `${d.kind} lead time of ${d.leadTimeDays} days agreed (${d.agreementId}) for ${skus} from ${d.from}${d.to ? ` to ${d.to}` : ''}`;
    }
    case 'LeadTimeAgreementRefused':
      return `${event.data.kind} lead time of ${event.data.leadTimeDays} days refused (${event.data.rule}): ${event.data.detail}`;
    case 'OrderPlaced': {
      const d = event.data;
      const late = d.insideLeadTime
        ? `; placed inside the ${d.leadTimeDays}-day lead time by ${d.shortByDays} days (late)`
        : '';
      return `Order ${d.orderId} placed on ${d.placedOn}: ${money(d.revenueMinor, d.currency)}, requested ${d.requestedDeliveryDate}, earliest ${d.earliestDeliveryDate}${late}`;
    }
    case 'RushRequested':
      return `Rush requested on order ${event.data.orderId} for ${event.data.requestedDeliveryDate}: ${event.data.reason}`;
    case 'RushApproved':
      return `Rush approved on order ${event.data.orderId}: delivery committed for ${event.data.committedDeliveryDate}`;
    case 'RushRefused':
      return `Rush refused on order ${event.data.orderId} (requested ${event.data.requestedDeliveryDate}): ${event.data.detail}`;
    case 'ShipmentRecorded':
      return `Order ${event.data.orderId} shipped on ${event.data.shippedOn} (${event.data.shipmentId})`;
    case 'OrderDelivered': {
      const d = event.data;
      return `Order ${d.orderId} delivered on ${d.deliveredOn}, due ${d.dueDate} (${d.dueDateBasis}): ${d.onTime ? 'on time' : `${d.daysLate} days late`}`;
    }
    case 'EscalationRequested':
      return `Escalation requested (asked for ${event.data.askedFor}): ${event.data.reason}`;
    case 'EscalationAnswered':
      return `Escalation answered: the chain ends at ${event.data.endOfChain.role} (${event.data.endOfChain.actorIds.join(', ')})`;
    case 'ForecastReceived':
      return `Forecast for ${event.data.sku} in ${event.data.period}: ${event.data.quantity}${event.data.previousQuantity === null ? '' : ` (was ${event.data.previousQuantity})`}`;
    case 'InvoiceIssued':
      return `Invoice ${event.data.invoiceId} issued on ${event.data.issuedOn} for ${formatMoney(event.data.amount)}, due ${event.data.dueDate}`;
    case 'PaymentReceived': {
      const d = event.data;
      return `Payment ${d.paymentId} of ${formatMoney(d.amount)} on invoice ${d.invoiceId} on ${d.paidOn}${d.daysLate > 0 ? `, ${d.daysLate} days late` : ''}`;
    }
    case 'SpecialSituationGranted':
      return `Special situation granted: ${event.data.entitlement} (${event.data.reason})`;
    case 'SpecialSituationRefused':
      return `Special situation refused (${event.data.rule}): ${event.data.entitlement}`;
    case 'EventCorrected':
      return `Correction of event ${event.data.correctedEventId}: ${event.data.reason}${event.data.correction ? ` — should read: ${event.data.correction}` : ''}`;
  }
}

/** One line saying what an entry records. */
export function summarize(entry: RecordEntry): string {
  const event = accountEventOf(entry);
  if (event !== null) return summarizeAccountEvent(event);
  if (isClaimRecorded(entry)) {
    const d = entry.data;
    return `Claim ${d.claimId} (${d.category}${d.scope ? `, ${d.scope.kind} ${d.scope.id}` : ''}) checked: ${d.verdict}`;
  }
  return `${entry.type} (not part of the account catalogue)`;
}
