import type { JsonObject } from '@onrecord/kernel';
import type { PricedLine } from './gross-profit.js';
import type { Money } from './money.js';
import type { AgreementKind, ChainRole } from './policy.js';
import type { Figures, RefusalData } from './refusal.js';

/**
 * Everything said to one account, as events of its stream (`account-<id>`).
 * Data is business data only: who said it, when, on which channel and to whom
 * travel in the envelope's metadata. Every field is JSON; absent values are
 * `null`, never missing. Dates are `YYYY-MM-DD` (UTC calendar days).
 */

// ---------------------------------------------------------------- shared shapes

/** What a promise is about. */
export type PromiseCategory =
  'delivery' | 'price' | 'quality' | 'service' | 'documentation' | 'other';

/** What a promise is tied to. References are not checked: a contract lives outside the account stream. */
export type PromiseScope = { kind: 'order' | 'quote' | 'contract'; id: string };

/** Where payment terms were stated. `referenceId` names the quote, order or contract (null for verbal). */
export type TermsContext = {
  kind: 'quote' | 'order' | 'contract' | 'verbal';
  referenceId: string | null;
};

export type EarlyPaymentDiscountTerms = { bps: number; withinDays: number };

/** An agreed service level, e.g. on-time delivery at 9 500 bps, or first response within 4 hours. */
export type ServiceLevel = {
  metric: string;
  description: string;
  target: number;
  unit: 'bps' | 'hours' | 'days';
};

/** Where an order's lead time came from. */
export type LeadTimeSource =
  | { kind: 'agreement'; agreementId: string; agreementKind: AgreementKind }
  | { kind: 'policy-default'; agreementKind: 'standard' };

/** What an order's on-time judgement is measured against. */
export type DueDateBasis = 'requested' | 'lead-time' | 'rush';

/** Kinds of concession. */
export type ConcessionKind = ConcessionRequest['kind'];

/**
 * What was asked for. Kept verbatim in the decision event, granted or refused.
 * The rules for each kind are on `judgeConcession` (concession.rules.ts).
 */
export type ConcessionRequest =
  /** A price discount in bps on the revenue still left on a quote or order. */
  | { kind: 'price_discount'; target: { kind: 'quote' | 'order'; id: string }; discountBps: number }
  /** The company pays an order's freight, to right a legitimate complaint. */
  | { kind: 'freight_paid'; orderId: string; complaintId: string | null; freightCost: Money }
  /** The company absorbs the extra cost of expediting an order. */
  | { kind: 'expedite'; orderId: string; expediteCost: Money }
  /** Net days beyond the longest standard terms the policy allows. */
  | { kind: 'extended_terms'; netDays: number; context: TermsContext }
  /** A back-end rebate on trailing-12-month spend. */
  | { kind: 'rebate'; rebateBps: number }
  /** A credit note, optionally against an order and in answer to a complaint. */
  | { kind: 'credit'; amount: Money; orderId: string | null; complaintId: string | null }
  /** A catalogue concession (by code), or anything else (a special situation). */
  | { kind: 'other'; description: string; catalogueCode: string | null; cost: Money | null };

// ---------------------------------------------------------------- account

export type AccountOpened = {
  type: 'AccountOpened';
  data: {
    accountId: string;
    name: string;
    ownerId: string;
    serviceRepIds: string[];
    segment: string;
  };
};

export type AccountReassigned = {
  type: 'AccountReassigned';
  data: {
    previousOwnerId: string;
    ownerId: string;
    previousServiceRepIds: string[];
    serviceRepIds: string[];
    reason: string | null;
  };
};

/** The account's answers to the tough questions at onboarding; later disputes are judged against them. */
export type ExpectationsAgreed = {
  type: 'ExpectationsAgreed';
  data: {
    /** 1 for the first agreement; each re-agreement supersedes the previous version. */
    version: number;
    mustDo: string[];
    mustNeverDo: string[];
    ifWeSlipOnce: string;
    serviceLevels: ServiceLevel[];
  };
};

// ---------------------------------------------------------------- promises

export type PromiseMade = {
  type: 'PromiseMade';
  data: {
    promiseId: string;
    category: PromiseCategory;
    text: string;
    dueDate: string;
    scope: PromiseScope;
  };
};

export type PromiseKept = {
  type: 'PromiseKept';
  data: {
    promiseId: string;
    keptOn: string;
    dueDate: string;
    onTime: boolean;
    note: string | null;
  };
};

export type PromiseBroken = {
  type: 'PromiseBroken';
  data: { promiseId: string; brokenOn: string; dueDate: string; reason: string };
};

export type PromiseWithdrawn = {
  type: 'PromiseWithdrawn';
  data: { promiseId: string; withdrawnOn: string; reason: string };
};

// ---------------------------------------------------------------- quotes

/** A quote's numbers as the domain computed them. GP bps rounds toward −∞. */
export type QuoteFigures = {
  quoteId: string;
  version: number;
  currency: string;
  lines: PricedLine[];
  validUntil: string;
  /** Terms of the quote in words (delivery, incoterms…). Payment terms are stated separately. */
  terms: string;
  revenueMinor: number;
  costMinor: number;
  grossProfitMinor: number;
  grossProfitBps: number;
  floorBps: number;
  policyVersion: number;
};

export type QuoteIssued = { type: 'QuoteIssued'; data: QuoteFigures };

/** A new version of the same quote id; it supersedes the previous one. */
export type QuoteRevised = {
  type: 'QuoteRevised';
  data: QuoteFigures & { previousVersion: number };
};

/**
 * A quote or revision below the GP floor, not issued. The quote stays as it
 * was (or unissued). Figures: revenueMinor, costMinor, grossProfitMinor,
 * grossProfitBps, floorBps, and revenueNeededAtFloorMinor when some revenue
 * can meet the floor.
 */
export type QuoteRefusedBelowFloor = {
  type: 'QuoteRefusedBelowFloor';
  data: RefusalData & {
    quoteId: string;
    /** The version it would have been. */
    version: number;
    /** The version it would have replaced; null for a new quote. */
    revisionOf: number | null;
    currency: string;
    lines: PricedLine[];
    validUntil: string;
    terms: string;
  };
};

export type QuoteAccepted = {
  type: 'QuoteAccepted';
  data: { quoteId: string; version: number; acceptedOn: string };
};

export type QuoteExpired = {
  type: 'QuoteExpired';
  data: { quoteId: string; version: number; validUntil: string };
};

// ---------------------------------------------------------------- payment terms

export type PaymentTermsStated = {
  type: 'PaymentTermsStated';
  data: {
    netDays: number;
    earlyPaymentDiscount: EarlyPaymentDiscountTerms | null;
    context: TermsContext;
    policyVersion: number;
  };
};

/** Figures: netDays, roleMaxNetDays, longestAllowedNetDays, and discountBps/withinDays when one was asked. */
export type PaymentTermsRefused = {
  type: 'PaymentTermsRefused';
  data: RefusalData & {
    netDays: number;
    earlyPaymentDiscount: EarlyPaymentDiscountTerms | null;
    context: TermsContext;
  };
};

// ---------------------------------------------------------------- concessions

export type ConcessionGranted = {
  type: 'ConcessionGranted';
  data: {
    concessionId: string;
    kind: ConcessionKind;
    request: ConcessionRequest;
    /** GP given up, in minor units (0 for concessions that do not touch GP). */
    grossProfitImpact: Money;
    figures: Figures;
    /** Set when it was outside the account's tier and a manager allowed it; it counts as a special situation. */
    specialSituation: { reason: string } | null;
    tierCode: string;
    policyVersion: number;
  };
};

export type ConcessionRefused = {
  type: 'ConcessionRefused';
  data: RefusalData & {
    concessionId: string;
    kind: ConcessionKind;
    request: ConcessionRequest;
    tierCode: string;
  };
};

// ---------------------------------------------------------------- complaints

export type ComplaintRaised = {
  type: 'ComplaintRaised';
  data: { complaintId: string; about: string; orderId: string | null };
};

export type ComplaintAssessed = {
  type: 'ComplaintAssessed';
  data: { complaintId: string; legitimate: boolean; reason: string };
};

// ---------------------------------------------------------------- lead times and orders

export type LeadTimeAgreed = {
  type: 'LeadTimeAgreed';
  data: {
    agreementId: string;
    kind: AgreementKind;
    leadTimeDays: number;
    policyDefaultDays: number;
    /** SKUs it covers; null: every order of the account. */
    skus: string[] | null;
    from: string;
    /** Last day it applies; null: until further notice. */
    to: string | null;
    policyVersion: number;
  };
};

/** Figures: leadTimeDays, policyDefaultDays. */
export type LeadTimeAgreementRefused = {
  type: 'LeadTimeAgreementRefused';
  data: RefusalData & {
    agreementId: string;
    kind: AgreementKind;
    leadTimeDays: number;
    skus: string[] | null;
    from: string;
    to: string | null;
  };
};

/**
 * An order as placed. One placed inside the lead time is recorded and flagged
 * (`insideLeadTime`, `shortByDays`); it is never an implied rush.
 */
export type OrderPlaced = {
  type: 'OrderPlaced';
  data: {
    orderId: string;
    quoteId: string | null;
    currency: string;
    /** Null when the order was given as a value and cost rather than lines. */
    lines: PricedLine[] | null;
    revenueMinor: number;
    costMinor: number;
    grossProfitMinor: number;
    grossProfitBps: number;
    floorBps: number;
    /** Orders are not refused for their margin; a low one is flagged for the portfolio view. */
    belowFloor: boolean;
    placedOn: string;
    requestedDeliveryDate: string;
    leadTimeDays: number;
    leadTimeSource: LeadTimeSource;
    /** placedOn + leadTimeDays: the earliest date the company commits to without a rush. */
    earliestDeliveryDate: string;
    insideLeadTime: boolean;
    /** Days the requested date falls inside the lead time; 0 when it does not. */
    shortByDays: number;
    /** The account's tier ships an order of this value free. */
    freeFreightByTier: boolean;
    tierCode: string;
    policyVersion: number;
  };
};

export type RushRequested = {
  type: 'RushRequested';
  data: {
    orderId: string;
    requestedDeliveryDate: string;
    reason: string;
    earliestDeliveryDate: string;
    shortByDays: number;
  };
};

export type RushApproved = {
  type: 'RushApproved';
  data: {
    orderId: string;
    requestedDeliveryDate: string;
    committedDeliveryDate: string;
    reason: string | null;
    leadTimeDays: number;
    /** Days the committed date falls inside the lead time. */
    shortByDays: number;
    policyVersion: number;
  };
};

/** Figures: leadTimeDays, shortByDays. The alternative is the date the order is due without a rush. */
export type RushRefused = {
  type: 'RushRefused';
  data: RefusalData & { orderId: string; requestedDeliveryDate: string };
};

export type ShipmentRecorded = {
  type: 'ShipmentRecorded';
  data: { orderId: string; shipmentId: string; shippedOn: string };
};

/**
 * The order arrived. It is on time when delivered on or before its due date:
 * the committed rush date if a rush was approved, otherwise the later of the
 * requested date and the lead-time date.
 */
export type OrderDelivered = {
  type: 'OrderDelivered';
  data: {
    orderId: string;
    deliveredOn: string;
    dueDate: string;
    dueDateBasis: DueDateBasis;
    onTime: boolean;
    daysLate: number;
  };
};

// ---------------------------------------------------------------- escalation

/** "I want your manager": recorded as asked. */
export type EscalationRequested = {
  type: 'EscalationRequested';
  data: { escalationId: string; askedFor: string; reason: string };
};

/** The chain's answer: it ends at the account's sales rep; the request is not routed upward. */
export type EscalationAnswered = {
  type: 'EscalationAnswered';
  data: {
    escalationId: string;
    chain: ChainRole[];
    endOfChain: { role: ChainRole; actorIds: string[] };
    answer: string;
    policyVersion: number;
  };
};

// ---------------------------------------------------------------- forecasts, invoices, payments

export type ForecastReceived = {
  type: 'ForecastReceived';
  data: { period: string; sku: string; quantity: number; previousQuantity: number | null };
};

export type InvoiceIssued = {
  type: 'InvoiceIssued';
  data: {
    invoiceId: string;
    amount: Money;
    issuedOn: string;
    dueDate: string;
    orderId: string | null;
  };
};

export type PaymentReceived = {
  type: 'PaymentReceived';
  data: {
    paymentId: string;
    invoiceId: string;
    amount: Money;
    paidOn: string;
    /** What is still owed on the invoice after this payment. */
    outstandingMinor: number;
    settlesInvoice: boolean;
    /** Days after the invoice's due date; 0 when on or before it. */
    daysLate: number;
  };
};

// ---------------------------------------------------------------- special situations

/** An entitlement outside the account's tier, allowed by a manager with a reason. Counted. */
export type SpecialSituationGranted = {
  type: 'SpecialSituationGranted';
  data: {
    situationId: string;
    entitlement: string;
    reason: string;
    tierCode: string;
    policyVersion: number;
  };
};

export type SpecialSituationRefused = {
  type: 'SpecialSituationRefused';
  data: RefusalData & {
    situationId: string;
    entitlement: string;
    reason: string | null;
    tierCode: string;
  };
};

// ---------------------------------------------------------------- corrections

/**
 * A correction of an earlier event of this stream, which stays as it was.
 * The application checks that `correctedEventId` is in the stream.
 */
export type EventCorrected = {
  type: 'EventCorrected';
  data: { correctedEventId: string; reason: string; correction: string | null };
};

// ---------------------------------------------------------------- unions

export type AccountRefusalEvent =
  | QuoteRefusedBelowFloor
  | PaymentTermsRefused
  | ConcessionRefused
  | LeadTimeAgreementRefused
  | RushRefused
  | SpecialSituationRefused;

export type AccountEvent =
  | AccountOpened
  | AccountReassigned
  | ExpectationsAgreed
  | PromiseMade
  | PromiseKept
  | PromiseBroken
  | PromiseWithdrawn
  | QuoteIssued
  | QuoteRevised
  | QuoteAccepted
  | QuoteExpired
  | PaymentTermsStated
  | ConcessionGranted
  | ComplaintRaised
  | ComplaintAssessed
  | LeadTimeAgreed
  | OrderPlaced
  | RushRequested
  | RushApproved
  | ShipmentRecorded
  | OrderDelivered
  | EscalationRequested
  | EscalationAnswered
  | ForecastReceived
  | InvoiceIssued
  | PaymentReceived
  | SpecialSituationGranted
  | EventCorrected
  | AccountRefusalEvent;

export type AccountEventType = AccountEvent['type'];

const EVENT_TYPES: ReadonlySet<string> = new Set<AccountEventType>([
  'AccountOpened',
  'AccountReassigned',
  'ExpectationsAgreed',
  'PromiseMade',
  'PromiseKept',
  'PromiseBroken',
  'PromiseWithdrawn',
  'QuoteIssued',
  'QuoteRevised',
  'QuoteRefusedBelowFloor',
  'QuoteAccepted',
  'QuoteExpired',
  'PaymentTermsStated',
  'PaymentTermsRefused',
  'ConcessionGranted',
  'ConcessionRefused',
  'ComplaintRaised',
  'ComplaintAssessed',
  'LeadTimeAgreed',
  'LeadTimeAgreementRefused',
  'OrderPlaced',
  'RushRequested',
  'RushApproved',
  'RushRefused',
  'ShipmentRecorded',
  'OrderDelivered',
  'EscalationRequested',
  'EscalationAnswered',
  'ForecastReceived',
  'InvoiceIssued',
  'PaymentReceived',
  'SpecialSituationGranted',
  'SpecialSituationRefused',
  'EventCorrected',
]);

/** Whether a stored event's type belongs to the account stream's catalogue (for folding stored events). */
export function isAccountEventType(type: string): type is AccountEventType {
  return EVENT_TYPES.has(type);
}

const REFUSAL_TYPES: ReadonlySet<string> = new Set<AccountRefusalEvent['type']>([
  'QuoteRefusedBelowFloor',
  'PaymentTermsRefused',
  'ConcessionRefused',
  'LeadTimeAgreementRefused',
  'RushRefused',
  'SpecialSituationRefused',
]);

/** Whether an event type names a recorded refusal (works on stored events' type strings too). */
export function isRefusalType(type: string): type is AccountRefusalEvent['type'] {
  return REFUSAL_TYPES.has(type);
}

/** Whether the decision was a "no": the HTTP layer answers 422 from it. */
export function isRefusal(event: AccountEvent): event is AccountRefusalEvent {
  return isRefusalType(event.type);
}

/**
 * Every event's data must be plain JSON to be stored and hashed; this fails to
 * compile if a field is a Date, undefined, a function or a readonly array.
 * (TypeScript lets optional fields through: the convention above is `| null`.)
 */
type AssertJson<T extends JsonObject> = T;
type _AccountEventDataIsJson = AssertJson<AccountEvent['data']>;
