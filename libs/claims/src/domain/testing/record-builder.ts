import type { JsonObject } from '@onrecord/kernel';
import type {
  AccountEvent,
  ConcessionRequest,
  OrderPlaced,
  PublishedPolicy,
} from '@onrecord/commitments';
import type { RecordEntry } from '../record-entry.js';

/**
 * Builds an account's record the way the specs talk about it: "on 2 Nov Sam
 * stated Net 30", each entry stamped with who said it and when, and when it
 * was stored (the same instant unless the spec says it was entered late).
 */
export class RecordBuilder {
  readonly entries: RecordEntry[] = [];

  constructor(private readonly streamId = 'account-acme') {}

  add(
    event: AccountEvent | { type: string; data: JsonObject },
    said: { at: string; by?: string; role?: string; recordedAt?: string; channel?: string },
  ): RecordEntry {
    const revision = this.entries.length;
    const recordedAt = said.recordedAt ?? said.at;
    const entry: RecordEntry = {
      id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
      type: event.type,
      revision,
      position: String(revision + 1),
      data: event.data,
      occurredAt: said.at,
      occurredAtMs: Date.parse(said.at),
      recordedAt,
      recordedAtMs: Date.parse(recordedAt),
      actor: { id: said.by ?? 'sam-sales', role: said.role ?? 'sales' },
      channel: said.channel ?? 'phone',
      counterparty: null,
      hash: `${this.streamId}-${revision}`.padEnd(64, '0'),
    };
    this.entries.push(entry);
    return entry;
  }
}

export const opened = (
  ownerId = 'sam-sales',
  serviceRepIds: string[] = ['sue-service'],
): AccountEvent => ({
  type: 'AccountOpened',
  data: { accountId: 'acme', name: 'Acme', ownerId, serviceRepIds, segment: 'industrial' },
});

export const termsStated = (
  netDays: number,
  context: { kind: 'quote' | 'order' | 'contract' | 'verbal'; referenceId: string | null } = {
    kind: 'verbal',
    referenceId: null,
  },
): AccountEvent => ({
  type: 'PaymentTermsStated',
  data: { netDays, earlyPaymentDiscount: null, context, policyVersion: 1 },
});

export const termsRefused = (netDays: number, referenceId: string): AccountEvent => ({
  type: 'PaymentTermsRefused',
  data: {
    netDays,
    earlyPaymentDiscount: null,
    context: { kind: 'quote', referenceId },
    rule: 'terms-not-allowed',
    detail: `Net ${netDays} is not among the allowed terms`,
    figures: { netDays },
    alternatives: [],
    policyVersion: 1,
  },
});

export const granted = (
  concessionId: string,
  request: ConcessionRequest,
  impactMinor = 0,
): AccountEvent => ({
  type: 'ConcessionGranted',
  data: {
    concessionId,
    kind: request.kind,
    request,
    grossProfitImpact: { amountMinor: impactMinor, currency: 'USD' },
    figures: {},
    specialSituation: null,
    tierCode: 'standard',
    policyVersion: 1,
  },
});

export const refused = (
  concessionId: string,
  request: ConcessionRequest,
  rule = 'freight-needs-complaint',
): AccountEvent => ({
  type: 'ConcessionRefused',
  data: {
    concessionId,
    kind: request.kind,
    request,
    rule: rule as 'freight-needs-complaint',
    detail: 'refused',
    figures: {},
    alternatives: [],
    tierCode: 'standard',
    policyVersion: 1,
  },
});

export const freight = (orderId: string, complaintId: string | null = null): ConcessionRequest => ({
  kind: 'freight_paid',
  orderId,
  complaintId,
  freightCost: { amountMinor: 5000, currency: 'USD' },
});

export const discount = (quoteId: string, discountBps: number): ConcessionRequest => ({
  kind: 'price_discount',
  target: { kind: 'quote', id: quoteId },
  discountBps,
});

export const orderPlaced = (
  orderId: string,
  overrides: Partial<OrderPlaced['data']> = {},
): AccountEvent => ({
  type: 'OrderPlaced',
  data: {
    orderId,
    quoteId: null,
    currency: 'USD',
    lines: [{ sku: 'W-1', quantity: 100, unitPriceMinor: 1200, unitCostMinor: 850 }],
    revenueMinor: 120_000,
    costMinor: 85_000,
    grossProfitMinor: 35_000,
    grossProfitBps: 2916,
    floorBps: 2200,
    belowFloor: false,
    placedOn: '2026-11-05',
    requestedDeliveryDate: '2026-12-01',
    leadTimeDays: 20,
    leadTimeSource: { kind: 'policy-default', agreementKind: 'standard' },
    earliestDeliveryDate: '2026-11-25',
    insideLeadTime: false,
    shortByDays: 0,
    freeFreightByTier: false,
    tierCode: 'standard',
    policyVersion: 1,
    ...overrides,
  },
});

export const delivered = (orderId: string, onTime: boolean): AccountEvent => ({
  type: 'OrderDelivered',
  data: {
    orderId,
    deliveredOn: onTime ? '2026-11-30' : '2026-12-03',
    dueDate: '2026-12-01',
    dueDateBasis: 'requested',
    onTime,
    daysLate: onTime ? 0 : 2,
  },
});

export const promiseMade = (
  promiseId: string,
  text: string,
  dueDate: string,
  orderId = 'O-1',
): AccountEvent => ({
  type: 'PromiseMade',
  data: { promiseId, category: 'delivery', text, dueDate, scope: { kind: 'order', id: orderId } },
});

/** A policy with a one-day late-entry threshold, for specs that only need that and a version. */
export const policyV1 = { version: 1, lateEntryThresholdMinutes: 1440 } as PublishedPolicy;
