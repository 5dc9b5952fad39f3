import type { AccountEventType } from '@onrecord/commitments';

/**
 * A category groups event types the way an integration thinks about them:
 * an ERP follows `orders` and `billing`, a CRM `promises` and `complaints`.
 * The list is closed: a subscriber naming a category that does not exist is
 * told which ones do. `other` holds any type this catalogue does not know.
 */
export const EVENT_CATEGORIES = [
  'account',
  'promises',
  'quotes',
  'terms',
  'concessions',
  'complaints',
  'orders',
  'escalations',
  'billing',
  'special-situations',
  'corrections',
  'claims',
  'policy',
  'other',
] as const;

export type EventCategory = (typeof EVENT_CATEGORIES)[number];

export function isEventCategory(value: string): value is EventCategory {
  return (EVENT_CATEGORIES as readonly string[]).includes(value);
}

/**
 * Every account event type, placed in its category. Typed against the
 * commitments catalogue, so a new account event type does not compile until
 * it has a category here. Refusals sit with what was refused.
 */
const ACCOUNT_EVENT_CATEGORIES: Readonly<Record<AccountEventType, EventCategory>> = {
  AccountOpened: 'account',
  AccountReassigned: 'account',
  ExpectationsAgreed: 'account',
  PromiseMade: 'promises',
  PromiseKept: 'promises',
  PromiseBroken: 'promises',
  PromiseWithdrawn: 'promises',
  QuoteIssued: 'quotes',
  QuoteRevised: 'quotes',
  QuoteRefusedBelowFloor: 'quotes',
  QuoteAccepted: 'quotes',
  QuoteExpired: 'quotes',
  PaymentTermsStated: 'terms',
  PaymentTermsRefused: 'terms',
  ConcessionGranted: 'concessions',
  ConcessionRefused: 'concessions',
  ComplaintRaised: 'complaints',
  ComplaintAssessed: 'complaints',
  LeadTimeAgreed: 'orders',
  LeadTimeAgreementRefused: 'orders',
  OrderPlaced: 'orders',
  RushRequested: 'orders',
  RushApproved: 'orders',
  RushRefused: 'orders',
  ShipmentRecorded: 'orders',
  OrderDelivered: 'orders',
  ForecastReceived: 'orders',
  EscalationRequested: 'escalations',
  EscalationAnswered: 'escalations',
  InvoiceIssued: 'billing',
  PaymentReceived: 'billing',
  SpecialSituationGranted: 'special-situations',
  SpecialSituationRefused: 'special-situations',
  EventCorrected: 'corrections',
};

/** Types outside the account streams that the feed carries. */
const OTHER_EVENT_CATEGORIES: Readonly<Record<string, EventCategory>> = {
  PolicyPublished: 'policy',
};

/**
 * For types the catalogue does not list yet (the claims capability, later
 * versions): the business noun a type name starts with. Longer prefixes
 * first, so `PaymentTerms…` is terms before `Payment…` is billing.
 */
const PREFIX_CATEGORIES: ReadonlyArray<readonly [string, EventCategory]> = [
  ['PaymentTerms', 'terms'],
  ['SpecialSituation', 'special-situations'],
  ['Claim', 'claims'],
  ['Promise', 'promises'],
  ['Quote', 'quotes'],
  ['Concession', 'concessions'],
  ['Complaint', 'complaints'],
  ['LeadTime', 'orders'],
  ['Order', 'orders'],
  ['Rush', 'orders'],
  ['Shipment', 'orders'],
  ['Forecast', 'orders'],
  ['Escalation', 'escalations'],
  ['Invoice', 'billing'],
  ['Payment', 'billing'],
  ['Correction', 'corrections'],
  ['Policy', 'policy'],
];

const KNOWN: ReadonlyMap<string, EventCategory> = new Map<string, EventCategory>([
  ...Object.entries(ACCOUNT_EVENT_CATEGORIES),
  ...Object.entries(OTHER_EVENT_CATEGORIES),
]);

/** The category of an event type; `other` when nothing places it. */
export function categoryOf(type: string): EventCategory {
  const known = KNOWN.get(type);
  if (known) return known;
  const byPrefix = PREFIX_CATEGORIES.find(([prefix]) => type.startsWith(prefix));
  return byPrefix ? byPrefix[1] : 'other';
}

/** The types this server knows, per category, for subscribers to discover. */
export function eventCatalogue(): Array<{ category: EventCategory; types: string[] }> {
  return EVENT_CATEGORIES.map((category) => ({
    category,
    types: [...KNOWN].filter(([, c]) => c === category).map(([type]) => type),
  }));
}
