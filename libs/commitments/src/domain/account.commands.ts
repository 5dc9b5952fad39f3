import type {
  ConcessionRequest,
  EarlyPaymentDiscountTerms,
  PromiseCategory,
  PromiseScope,
  ServiceLevel,
  TermsContext,
} from './account.events.js';
import type { PricedLine } from './gross-profit.js';
import type { Money } from './money.js';
import type { AgreementKind } from './policy.js';

/**
 * What can be asked of an account. Ids (quote, promise, order…) are generated
 * by the caller so that a retried command decides the same way. Optional
 * fields may be left out; events always carry them, as null.
 */

/** Sales (naming themselves owner) or a manager. */
export type OpenAccount = {
  type: 'OpenAccount';
  data: {
    accountId: string;
    name: string;
    ownerId: string;
    serviceRepIds: string[];
    segment: string;
  };
};

/** A manager, or the owning sales rep for service reps only. Null leaves that part unchanged. */
export type ReassignAccount = {
  type: 'ReassignAccount';
  data: { ownerId?: string | null; serviceRepIds?: string[] | null; reason?: string | null };
};

/** Sales or manager. */
export type AgreeExpectations = {
  type: 'AgreeExpectations';
  data: {
    mustDo: string[];
    mustNeverDo: string[];
    ifWeSlipOnce: string;
    serviceLevels: ServiceLevel[];
  };
};

export type MakePromise = {
  type: 'MakePromise';
  data: {
    promiseId: string;
    category: PromiseCategory;
    text: string;
    dueDate: string;
    scope: PromiseScope;
  };
};

/**
 * Closes a promise. `on` defaults to today; a note is required for broken and
 * withdrawn (it is the reason).
 */
export type RecordPromiseOutcome = {
  type: 'RecordPromiseOutcome';
  data: {
    promiseId: string;
    outcome: 'kept' | 'broken' | 'withdrawn';
    on?: string | null;
    note?: string | null;
  };
};

export type IssueQuote = {
  type: 'IssueQuote';
  data: {
    quoteId: string;
    currency: string;
    lines: PricedLine[];
    validUntil: string;
    terms: string;
  };
};

/** A new version of an open quote. */
export type ReviseQuote = {
  type: 'ReviseQuote';
  data: {
    quoteId: string;
    currency: string;
    lines: PricedLine[];
    validUntil: string;
    terms: string;
  };
};

/** The customer accepted `version`, which must be the current one and still valid. */
export type AcceptQuote = { type: 'AcceptQuote'; data: { quoteId: string; version: number } };

/** Closes an open quote whose validity has lapsed. */
export type ExpireQuote = { type: 'ExpireQuote'; data: { quoteId: string } };

export type StatePaymentTerms = {
  type: 'StatePaymentTerms';
  data: {
    netDays: number;
    earlyPaymentDiscount?: EarlyPaymentDiscountTerms | null;
    context: TermsContext;
  };
};

/**
 * Ask for a concession. `specialSituationReason` lets a manager grant
 * something outside the account's tier; it is counted.
 */
export type RequestConcession = {
  type: 'RequestConcession';
  data: {
    concessionId: string;
    request: ConcessionRequest;
    specialSituationReason?: string | null;
  };
};

export type RaiseComplaint = {
  type: 'RaiseComplaint';
  data: { complaintId: string; about: string; orderId?: string | null };
};

/** Sales or manager. */
export type AssessComplaint = {
  type: 'AssessComplaint';
  data: { complaintId: string; legitimate: boolean; reason: string };
};

/** Sales or manager. A null or missing lead time takes the policy default for the kind. */
export type AgreeLeadTime = {
  type: 'AgreeLeadTime';
  data: {
    agreementId: string;
    kind: AgreementKind;
    leadTimeDays?: number | null;
    skus?: string[] | null;
    from: string;
    to?: string | null;
  };
};

/** Give either priced lines or a value with its cost. */
export type PlaceOrder = {
  type: 'PlaceOrder';
  data: {
    orderId: string;
    currency: string;
    lines?: PricedLine[] | null;
    value?: { revenueMinor: number; costMinor: number } | null;
    placedOn: string;
    requestedDeliveryDate: string;
    quoteId?: string | null;
  };
};

export type RequestRush = {
  type: 'RequestRush';
  data: { orderId: string; requestedDeliveryDate: string; reason: string };
};

/**
 * Sales or manager decide a pending rush. An approval commits to the
 * requested date unless `committedDeliveryDate` names another; a refusal
 * needs a reason.
 */
export type DecideRush = {
  type: 'DecideRush';
  data: {
    orderId: string;
    approve: boolean;
    reason?: string | null;
    committedDeliveryDate?: string | null;
  };
};

export type RecordShipment = {
  type: 'RecordShipment';
  data: { orderId: string; shipmentId: string; shippedOn: string };
};

export type RecordDelivery = {
  type: 'RecordDelivery';
  data: { orderId: string; deliveredOn: string };
};

/** `askedFor` is who the customer asked for, in their words ("manager", "your director"). */
export type RequestEscalation = {
  type: 'RequestEscalation';
  data: { escalationId: string; askedFor: string; reason: string; answer?: string | null };
};

/** The customer's forecast for a month and SKU; a later one for the same pair supersedes it. */
export type RecordForecast = {
  type: 'RecordForecast';
  data: { period: string; sku: string; quantity: number };
};

export type RecordInvoice = {
  type: 'RecordInvoice';
  data: {
    invoiceId: string;
    amount: Money;
    issuedOn: string;
    dueDate: string;
    orderId?: string | null;
  };
};

export type RecordPayment = {
  type: 'RecordPayment';
  data: { paymentId: string; invoiceId: string; amount: Money; paidOn: string };
};

/** An entitlement outside the account's tier. Anyone may ask; only a manager with a reason gets a yes. */
export type GrantSpecialSituation = {
  type: 'GrantSpecialSituation';
  data: { situationId: string; entitlement: string; reason?: string | null };
};

export type CorrectEvent = {
  type: 'CorrectEvent';
  data: { correctedEventId: string; reason: string; correction?: string | null };
};

export type AccountCommand =
  | OpenAccount
  | ReassignAccount
  | AgreeExpectations
  | MakePromise
  | RecordPromiseOutcome
  | IssueQuote
  | ReviseQuote
  | AcceptQuote
  | ExpireQuote
  | StatePaymentTerms
  | RequestConcession
  | RaiseComplaint
  | AssessComplaint
  | AgreeLeadTime
  | PlaceOrder
  | RequestRush
  | DecideRush
  | RecordShipment
  | RecordDelivery
  | RequestEscalation
  | RecordForecast
  | RecordInvoice
  | RecordPayment
  | GrantSpecialSituation
  | CorrectEvent;

export type AccountCommandType = AccountCommand['type'];
