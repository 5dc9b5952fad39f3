import type { AccountEvent, ConcessionRequest } from '@onrecord/commitments';
import type { ClaimCategory, ClaimScope } from './claim.js';
import { isClaimRecorded } from './claims.events.js';
import { type RecordEntry, accountEventOf } from './record-entry.js';

/** What a timeline entry is about, for filtering. */
export const TIMELINE_CATEGORIES = [
  'account',
  'expectations',
  'promise',
  'quote',
  'payment-terms',
  'concession',
  'complaint',
  'lead-time',
  'order',
  'rush',
  'escalation',
  'forecast',
  'billing',
  'special-situation',
  'correction',
  'claim',
  'other',
] as const;
export type TimelineCategory = (typeof TIMELINE_CATEGORIES)[number];

/**
 * How an entry is indexed: its timeline category, the claim categories it
 * can decide or inform, the orders, quotes and contracts it is about (none:
 * it applies to the whole account), and the words a text search may match.
 */
export type EntryFacets = {
  readonly timelineCategory: TimelineCategory;
  readonly claimCategories: readonly ClaimCategory[];
  readonly scopes: readonly ClaimScope[];
  readonly texts: readonly string[];
};

const FREIGHT_WORDS = /freight|shipping|carriage|delivery charge/i;
const DISCOUNT_WORDS = /discount|price|rebate|% off|percent off/i;

function concessionCategories(request: ConcessionRequest): ClaimCategory[] {
  switch (request.kind) {
    case 'freight_paid':
      return ['freight'];
    case 'price_discount':
    case 'rebate':
    case 'credit':
      return ['price'];
    case 'extended_terms':
      return ['payment_terms'];
    case 'expedite':
      return ['rush', 'delivery_date'];
    case 'other': {
      const words = `${request.description} ${request.catalogueCode ?? ''}`;
      return [
        ...(FREIGHT_WORDS.test(words) ? (['freight'] as const) : []),
        ...(DISCOUNT_WORDS.test(words) ? (['price'] as const) : []),
      ];
    }
  }
}

function concessionScopes(request: ConcessionRequest): ClaimScope[] {
  switch (request.kind) {
    case 'price_discount':
      return [{ kind: request.target.kind, id: request.target.id }];
    case 'freight_paid':
    case 'expedite':
      return [{ kind: 'order', id: request.orderId }];
    case 'credit':
      return request.orderId === null ? [] : [{ kind: 'order', id: request.orderId }];
    case 'extended_terms':
      return request.context.referenceId === null || request.context.kind === 'verbal'
        ? []
        : [{ kind: request.context.kind, id: request.context.referenceId }];
    case 'rebate':
    case 'other':
      return [];
  }
}

function concessionTexts(request: ConcessionRequest): string[] {
  return request.kind === 'other'
    ? [request.description, ...(request.catalogueCode === null ? [] : [request.catalogueCode])]
    : [request.kind.replace('_', ' ')];
}

const order = (id: string): ClaimScope => ({ kind: 'order', id });
const quote = (id: string): ClaimScope => ({ kind: 'quote', id });

function facetsOfAccountEvent(event: AccountEvent): EntryFacets {
  const facets = (
    timelineCategory: TimelineCategory,
    claimCategories: readonly ClaimCategory[],
    scopes: readonly ClaimScope[] = [],
    texts: readonly string[] = [],
  ): EntryFacets => ({ timelineCategory, claimCategories, scopes, texts });

  switch (event.type) {
    case 'AccountOpened':
    case 'AccountReassigned':
      return facets(
        'account',
        [],
        [],
        event.type === 'AccountReassigned' ? [event.data.reason ?? ''] : [],
      );
    case 'ExpectationsAgreed':
      return facets(
        'expectations',
        ['service_level', 'other'],
        [],
        [
          ...event.data.mustDo,
          ...event.data.mustNeverDo,
          event.data.ifWeSlipOnce,
          ...event.data.serviceLevels.map((l) => `${l.metric} ${l.description}`),
        ],
      );
    case 'PromiseMade': {
      const { category, text, scope } = event.data;
      const claims: ClaimCategory[] = ['promise', 'other'];
      if (category === 'delivery') claims.push('delivery_date');
      if (category === 'price') claims.push('price');
      if (FREIGHT_WORDS.test(text)) claims.push('freight');
      return facets('promise', claims, [{ kind: scope.kind, id: scope.id }], [text]);
    }
    case 'PromiseKept':
    case 'PromiseBroken':
    case 'PromiseWithdrawn':
      return facets(
        'promise',
        ['promise', 'service_level'],
        [],
        event.type === 'PromiseKept' ? [event.data.note ?? ''] : [event.data.reason],
      );
    case 'QuoteIssued':
    case 'QuoteRevised':
      return facets('quote', ['price', 'other'], [quote(event.data.quoteId)], [event.data.terms]);
    case 'QuoteRefusedBelowFloor':
      return facets('quote', ['price'], [quote(event.data.quoteId)], [event.data.detail]);
    case 'QuoteAccepted':
    case 'QuoteExpired':
      return facets('quote', [], [quote(event.data.quoteId)]);
    case 'PaymentTermsStated':
    case 'PaymentTermsRefused': {
      const { context } = event.data;
      const scopes =
        context.kind === 'verbal' || context.referenceId === null
          ? []
          : [{ kind: context.kind, id: context.referenceId }];
      return facets('payment-terms', ['payment_terms'], scopes);
    }
    case 'ConcessionGranted':
    case 'ConcessionRefused':
      return facets(
        'concession',
        [...concessionCategories(event.data.request), 'other'],
        concessionScopes(event.data.request),
        [
          ...concessionTexts(event.data.request),
          ...(event.type === 'ConcessionRefused' ? [event.data.detail] : []),
          ...(event.type === 'ConcessionGranted' && event.data.specialSituation
            ? [event.data.specialSituation.reason]
            : []),
        ],
      );
    case 'ComplaintRaised':
      return facets(
        'complaint',
        ['other'],
        event.data.orderId === null ? [] : [order(event.data.orderId)],
        [event.data.about],
      );
    case 'ComplaintAssessed':
      return facets('complaint', [], [], [event.data.reason]);
    case 'LeadTimeAgreed':
    case 'LeadTimeAgreementRefused':
      return facets('lead-time', ['lead_time'], [{ kind: 'contract', id: event.data.agreementId }]);
    case 'OrderPlaced': {
      const d = event.data;
      const scopes: ClaimScope[] = [order(d.orderId)];
      if (d.quoteId !== null) scopes.push(quote(d.quoteId));
      if (d.leadTimeSource.kind === 'agreement')
        scopes.push({ kind: 'contract', id: d.leadTimeSource.agreementId });
      return facets('order', ['freight', 'delivery_date', 'lead_time', 'rush'], scopes);
    }
    case 'RushRequested':
      return facets('rush', ['rush'], [order(event.data.orderId)], [event.data.reason]);
    case 'RushApproved':
    case 'RushRefused':
      return facets('rush', ['rush', 'delivery_date'], [order(event.data.orderId)]);
    case 'ShipmentRecorded':
      return facets('order', [], [order(event.data.orderId)]);
    case 'OrderDelivered':
      return facets('order', ['service_level', 'delivery_date'], [order(event.data.orderId)]);
    case 'EscalationRequested':
      return facets('escalation', [], [], [event.data.askedFor, event.data.reason]);
    case 'EscalationAnswered':
      return facets('escalation', ['other'], [], [event.data.answer]);
    case 'ForecastReceived':
      return facets('forecast', []);
    case 'InvoiceIssued':
      return facets('billing', [], event.data.orderId === null ? [] : [order(event.data.orderId)]);
    case 'PaymentReceived':
      return facets('billing', []);
    case 'SpecialSituationGranted':
    case 'SpecialSituationRefused': {
      const { entitlement } = event.data;
      const claims: ClaimCategory[] = ['other'];
      if (FREIGHT_WORDS.test(entitlement)) claims.push('freight');
      if (DISCOUNT_WORDS.test(entitlement)) claims.push('price');
      return facets('special-situation', claims, [], [entitlement, event.data.reason ?? '']);
    }
    case 'EventCorrected':
      return facets('correction', [], [], [event.data.reason, event.data.correction ?? '']);
  }
}

/** The facets of any entry; a type neither catalogue knows is `other`, and decides no claim. */
export function facetsOf(entry: RecordEntry): EntryFacets {
  const event = accountEventOf(entry);
  if (event !== null) return facetsOfAccountEvent(event);
  if (isClaimRecorded(entry)) {
    const scope = entry.data.scope;
    return {
      timelineCategory: 'claim',
      claimCategories: [],
      scopes: scope === null ? [] : [scope],
      texts: [entry.data.assertion.text ?? ''],
    };
  }
  return { timelineCategory: 'other', claimCategories: [], scopes: [], texts: [] };
}

export function scopeKey(scope: ClaimScope): string {
  return `${scope.kind}:${scope.id}`;
}
