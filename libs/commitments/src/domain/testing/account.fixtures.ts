import type { Actor } from '../access.js';
import type { AccountCommand } from '../account.commands.js';
import type {
  AccountEvent,
  ComplaintAssessed,
  ComplaintRaised,
  InvoiceIssued,
  OrderPlaced,
  QuoteIssued,
} from '../account.events.js';
import { decideAccount } from '../account.decider.js';
import { evolveAccount, initialAccountState, type AccountState } from '../account.state.js';
import { addDays } from '../calendar.js';
import { grossProfitBps, totalsOfLines, type PricedLine } from '../gross-profit.js';
import type { Policy, PublishedPolicy } from '../policy.js';

/**
 * The business the specs talk about: Acme Fasteners, owned by Rita (sales),
 * served by Sam (service), under a policy with a 22 % gross-profit floor.
 * "Today" is Monday 16 June 2025.
 */

export const NOW = '2025-06-16T10:00:00.000Z';
export const TODAY = '2025-06-16';

export const people = {
  /** Acme's service rep. */
  sam: { id: 'svc-sam', role: 'service' },
  /** Acme's owning sales rep. */
  rita: { id: 'rep-rita', role: 'sales' },
  /** A sales rep who does not work Acme. */
  oscar: { id: 'rep-oscar', role: 'sales' },
  /** A service rep who does not work Acme. */
  uma: { id: 'svc-uma', role: 'service' },
  maya: { id: 'mgr-maya', role: 'manager' },
  auditor: { id: 'aud-ann', role: 'auditor' },
  erp: { id: 'erp-sync', role: 'integration' },
} satisfies Record<string, Actor>;

/**
 * The standard policy: a 22 % floor; service may give 2 %, sales 10 %,
 * managers 15 %; freight only for a legitimate complaint and up to a fifth of
 * the order's GP; Net 15–60 with 2/10; base, silver ($100k) and gold ($500k) tiers.
 */
export const policyTerms: Policy = {
  currency: 'USD',
  grossProfitFloorBps: 2200,
  authority: {
    service: {
      maxDiscountBps: 200,
      mayPayFreight: false,
      mayAbsorbExpediteCost: false,
      maxCreditMinor: 10_000,
      maxNetDays: 30,
      mayStateEarlyPaymentDiscount: false,
    },
    sales: {
      maxDiscountBps: 1000,
      mayPayFreight: true,
      mayAbsorbExpediteCost: true,
      maxCreditMinor: 100_000,
      maxNetDays: 60,
      mayStateEarlyPaymentDiscount: true,
    },
    manager: {
      maxDiscountBps: 1500,
      mayPayFreight: true,
      mayAbsorbExpediteCost: true,
      maxCreditMinor: 1_000_000,
      maxNetDays: 120,
      mayStateEarlyPaymentDiscount: true,
    },
  },
  freight: { maxShareOfOrderGrossProfitBps: 2000 },
  concessionCatalogue: [
    { code: 'EXT-WARRANTY', description: 'Warranty extended by 12 months' },
    { code: 'PRIORITY-SUPPORT', description: 'Priority support line for a quarter' },
  ],
  defaultLeadTimeDays: { blanket: 10, kanban: 5, standard: 15 },
  lateEntryThresholdMinutes: 60,
  paymentTerms: {
    allowedNetDays: [15, 30, 45, 60],
    earlyPaymentDiscounts: [{ bps: 200, withinDays: 10 }],
  },
  escalationChain: ['service', 'sales'],
  entitlementTiers: [
    {
      code: 'base',
      name: 'Every account',
      minTrailingSpendMinor: 0,
      entitlements: {
        maxDiscountBps: 200,
        freeFreightThresholdMinor: null,
        rebateBps: 0,
        commitments: ['Order acknowledged within one business day'],
      },
    },
    {
      code: 'silver',
      name: 'Silver',
      minTrailingSpendMinor: 10_000_000,
      entitlements: {
        maxDiscountBps: 500,
        freeFreightThresholdMinor: 5_000_000,
        rebateBps: 100,
        commitments: ['Named service rep'],
      },
    },
    {
      code: 'gold',
      name: 'Gold',
      minTrailingSpendMinor: 50_000_000,
      entitlements: {
        maxDiscountBps: 800,
        freeFreightThresholdMinor: 2_000_000,
        rebateBps: 200,
        commitments: ['Quarterly business review'],
      },
    },
  ],
};

/** The standard policy as published, version 7. */
export const standardPolicy: PublishedPolicy = { ...policyTerms, version: 7 };

/** The catalogue as it appears among a refusal's alternatives. */
export const catalogueOffered = [
  {
    kind: 'catalogue-concession',
    code: 'EXT-WARRANTY',
    description: 'Warranty extended by 12 months',
  },
  {
    kind: 'catalogue-concession',
    code: 'PRIORITY-SUPPORT',
    description: 'Priority support line for a quarter',
  },
];

export const SPECIAL_SITUATION_OFFERED = {
  kind: 'special-situation',
  role: 'manager',
  reasonRequired: true,
};

// ---------------------------------------------------------------- history

export const acmeOpened: AccountEvent = {
  type: 'AccountOpened',
  data: {
    accountId: 'acme',
    name: 'Acme Fasteners',
    ownerId: 'rep-rita',
    serviceRepIds: ['svc-sam'],
    segment: 'industrial',
  },
};

export function invoiceIssued(
  invoiceId: string,
  amountMinor: number,
  issuedOn: string,
  dueDate = addDays(issuedOn, 30),
): InvoiceIssued {
  return {
    type: 'InvoiceIssued',
    data: { invoiceId, amount: { amountMinor, currency: 'USD' }, issuedOn, dueDate, orderId: null },
  };
}

/** $600 000 invoiced in January: gold for the next twelve months. */
export const goldSpend: AccountEvent[] = [invoiceIssued('inv-gold', 60_000_000, '2025-01-15')];

/** $150 000 invoiced in March: silver. */
export const silverSpend: AccountEvent[] = [invoiceIssued('inv-silver', 15_000_000, '2025-03-03')];

export function quoteIssued(
  quoteId: string,
  lines: PricedLine[],
  validUntil = '2025-06-30',
): QuoteIssued {
  const { revenueMinor, costMinor } = totalsOfLines(lines);
  return {
    type: 'QuoteIssued',
    data: {
      quoteId,
      version: 1,
      currency: 'USD',
      lines,
      validUntil,
      terms: 'FCA Cleveland',
      revenueMinor,
      costMinor,
      grossProfitMinor: revenueMinor - costMinor,
      grossProfitBps: grossProfitBps(revenueMinor, costMinor),
      floorBps: 2200,
      policyVersion: 7,
    },
  };
}

/** 1 000 bolts at $10.00, costing $7.00: $10 000 revenue at a 30 % margin. */
export const tenThousandAtThirtyPercent: PricedLine[] = [
  { sku: 'BOLT-M8', quantity: 1000, unitPriceMinor: 1000, unitCostMinor: 700 },
];

export function orderPlaced(
  orderId: string,
  overrides: Partial<OrderPlaced['data']> = {},
): OrderPlaced {
  const revenueMinor = overrides.revenueMinor ?? 1_000_000;
  const costMinor = overrides.costMinor ?? 700_000;
  return {
    type: 'OrderPlaced',
    data: {
      orderId,
      quoteId: null,
      currency: 'USD',
      lines: null,
      revenueMinor,
      costMinor,
      grossProfitMinor: revenueMinor - costMinor,
      grossProfitBps: grossProfitBps(revenueMinor, costMinor),
      floorBps: 2200,
      belowFloor: false,
      placedOn: '2025-06-02',
      requestedDeliveryDate: '2025-06-27',
      leadTimeDays: 15,
      leadTimeSource: { kind: 'policy-default', agreementKind: 'standard' },
      earliestDeliveryDate: '2025-06-17',
      insideLeadTime: false,
      shortByDays: 0,
      freeFreightByTier: false,
      tierCode: 'base',
      policyVersion: 7,
      ...overrides,
    },
  };
}

export function complaintRaised(complaintId: string, orderId: string | null): ComplaintRaised {
  return {
    type: 'ComplaintRaised',
    data: { complaintId, about: 'Bolts arrived with stripped threads', orderId },
  };
}

export function complaintAssessed(
  complaintId: string,
  legitimate: boolean,
  reason = 'Photos show the damage',
): ComplaintAssessed {
  return { type: 'ComplaintAssessed', data: { complaintId, legitimate, reason } };
}

// ---------------------------------------------------------------- given / when

export type When = (
  command: AccountCommand,
  actor?: Actor,
  options?: { policy?: PublishedPolicy; now?: string },
) => AccountEvent[];

/** Given these events on the account's stream, when an actor (Rita unless named) sends a command… */
export function given(...history: (AccountEvent | AccountEvent[])[]): {
  state: AccountState;
  when: When;
} {
  const state = history.flat().reduce(evolveAccount, initialAccountState);
  return {
    state,
    when: (command, actor = people.rita, options = {}) =>
      decideAccount(command, state, {
        now: options.now ?? NOW,
        actor,
        policy: options.policy ?? standardPolicy,
      }),
  };
}

/** The state after the history and the events a command decided. */
export function stateAfter(...history: (AccountEvent | AccountEvent[])[]): AccountState {
  return history.flat().reduce(evolveAccount, initialAccountState);
}

/** Runs a throwing decision and returns what it threw, for asserting codes and details. */
export function thrownBy(decision: () => unknown): unknown {
  try {
    decision();
  } catch (error) {
    return error;
  }
  throw new Error('expected the decision to throw, and it did not');
}
