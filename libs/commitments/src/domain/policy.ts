import { isBps, isCurrencyCode, isMinorAmount, isWholeNumber } from './money.js';
import { hasDuplicates, isNonBlank } from './validation.js';

/** The roles that may put something on the record. Auditors and integrations only read. */
export const WRITER_ROLES = ['service', 'sales', 'manager'] as const;
export type WriterRole = (typeof WRITER_ROLES)[number];

/** The roles that make up the escalation chain. Managers are never a step in it (DESIGN rule 5). */
export type ChainRole = 'service' | 'sales';

/** What one role may grant or state on its own. */
export type RoleAuthority = {
  /** Largest price discount, in bps, on one quote or order (all discounts on it added together). */
  maxDiscountBps: number;
  /** Whether the role may have the company pay (waive) freight, under the freight rule. */
  mayPayFreight: boolean;
  /** Whether the role may have the company absorb the cost of expediting an order. */
  mayAbsorbExpediteCost: boolean;
  /** Largest credit note, in the policy currency's minor units. */
  maxCreditMinor: number;
  /** Longest net payment days the role may state. */
  maxNetDays: number;
  /** Whether the role may state an early-payment discount at all. */
  mayStateEarlyPaymentDiscount: boolean;
};

/** "2/10 net 30": `bps` off when paid within `withinDays`. */
export type EarlyPaymentDiscount = { bps: number; withinDays: number };

/**
 * A concession that does not touch gross profit (extended warranty, priority
 * support, training…), offered as the alternative when a GP concession is refused.
 */
export type CatalogueConcession = { code: string; description: string };

/**
 * Kinds of lead-time agreement. Blanket orders and Kanban fix lead times by
 * contract; `standard` is what applies when no agreement covers an order.
 */
export const AGREEMENT_KINDS = ['blanket', 'kanban', 'standard'] as const;
export type AgreementKind = (typeof AGREEMENT_KINDS)[number];

/** What a tier entitles every account in it to, in writing. */
export type TierEntitlements = {
  /** Largest total price discount on one quote or order the account is entitled to. */
  maxDiscountBps: number;
  /** Orders with at least this revenue ship free (policy currency); null: never by entitlement. */
  freeFreightThresholdMinor: number | null;
  /** Back-end rebate on trailing-12-month spend, in bps. */
  rebateBps: number;
  /** Service commitments in plain words ("order acknowledged within one business day"). */
  commitments: string[];
};

/**
 * An entitlement tier. The first tier starts at zero spend: it is the minimum
 * commitment to every account. Each later tier is unlocked by trailing-12-month
 * spend (invoiced, in the policy currency) of at least `minTrailingSpendMinor`.
 */
export type EntitlementTier = {
  code: string;
  name: string;
  minTrailingSpendMinor: number;
  entitlements: TierEntitlements;
};

/**
 * The company's boundaries, published by a sales manager. Every decision event
 * records the version it was judged under. Money thresholds are in `currency`.
 */
export type Policy = {
  /** ISO 4217 code of every money threshold in the policy. */
  currency: string;
  /** No quote, and no concession on a quote or order, may leave GP below this share of revenue. */
  grossProfitFloorBps: number;
  authority: { service: RoleAuthority; sales: RoleAuthority; manager: RoleAuthority };
  /**
   * The company pays freight only to right a legitimate, assessed complaint,
   * and only while the freight cost is at most this share of the order's GP.
   */
  freight: { maxShareOfOrderGrossProfitBps: number };
  concessionCatalogue: CatalogueConcession[];
  /** Lead time in days per agreement kind when an agreement does not name one, and for orders no agreement covers. */
  defaultLeadTimeDays: { blanket: number; kanban: number; standard: number };
  /** A record stored more than this many minutes after it occurred counts as "recorded late" (weaker evidence). */
  lateEntryThresholdMinutes: number;
  /** The payment terms anyone may state; role authority narrows them further. */
  paymentTerms: { allowedNetDays: number[]; earlyPaymentDiscounts: EarlyPaymentDiscount[] };
  /** Who a customer is passed to, in order. It ends at the account's sales rep. */
  escalationChain: ChainRole[];
  /** In ascending order of spend threshold, the first starting at zero. */
  entitlementTiers: EntitlementTier[];
};

/** A policy as published, with the version decisions cite. */
export type PublishedPolicy = Policy & { version: number };

/** One thing wrong with a policy, located by a JSON-path-like string. */
export type PolicyProblem = { path: string; problem: string };

const AUTHORITY_ORDER = ['service', 'sales', 'manager'] as const;

/**
 * Everything wrong with a policy, or an empty list. Pure; the policy decider
 * refuses to publish a policy with problems.
 */
export function validatePolicy(policy: Policy): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const check = (ok: boolean, path: string, problem: string): void => {
    if (!ok) problems.push({ path, problem });
  };
  const bps = (value: unknown, path: string): void =>
    check(isBps(value), path, 'must be a whole number of bps in 0..10000');
  const days = (value: unknown, path: string): void =>
    check(isWholeNumber(value), path, 'must be a whole number of days, 0 or more');

  check(isCurrencyCode(policy.currency), 'currency', 'must be an ISO 4217 code');
  bps(policy.grossProfitFloorBps, 'grossProfitFloorBps');

  for (const role of AUTHORITY_ORDER) {
    const a = policy.authority[role];
    const at = `authority.${role}`;
    bps(a.maxDiscountBps, `${at}.maxDiscountBps`);
    check(
      isMinorAmount(a.maxCreditMinor),
      `${at}.maxCreditMinor`,
      'must be a whole minor amount, 0 or more',
    );
    days(a.maxNetDays, `${at}.maxNetDays`);
  }
  // The chain hands a customer upward; a higher role with less authority would make that a step down.
  for (const [lower, higher] of [
    ['service', 'sales'],
    ['sales', 'manager'],
  ] as const) {
    const lo = policy.authority[lower];
    const hi = policy.authority[higher];
    const field = (name: string): string => `authority.${higher}.${name}`;
    check(
      hi.maxDiscountBps >= lo.maxDiscountBps,
      field('maxDiscountBps'),
      `must not be below ${lower}'s`,
    );
    check(
      hi.maxCreditMinor >= lo.maxCreditMinor,
      field('maxCreditMinor'),
      `must not be below ${lower}'s`,
    );
    check(hi.maxNetDays >= lo.maxNetDays, field('maxNetDays'), `must not be below ${lower}'s`);
    check(
      hi.mayPayFreight || !lo.mayPayFreight,
      field('mayPayFreight'),
      `must be true when ${lower}'s is`,
    );
    check(
      hi.mayAbsorbExpediteCost || !lo.mayAbsorbExpediteCost,
      field('mayAbsorbExpediteCost'),
      `must be true when ${lower}'s is`,
    );
    check(
      hi.mayStateEarlyPaymentDiscount || !lo.mayStateEarlyPaymentDiscount,
      field('mayStateEarlyPaymentDiscount'),
      `must be true when ${lower}'s is`,
    );
  }

  bps(policy.freight.maxShareOfOrderGrossProfitBps, 'freight.maxShareOfOrderGrossProfitBps');

  policy.concessionCatalogue.forEach((entry, i) => {
    check(isNonBlank(entry.code), `concessionCatalogue[${i}].code`, 'must not be blank');
    check(
      isNonBlank(entry.description),
      `concessionCatalogue[${i}].description`,
      'must not be blank',
    );
  });
  check(
    !hasDuplicates(policy.concessionCatalogue.map((c) => c.code)),
    'concessionCatalogue',
    'codes must be unique',
  );

  days(policy.defaultLeadTimeDays.blanket, 'defaultLeadTimeDays.blanket');
  days(policy.defaultLeadTimeDays.kanban, 'defaultLeadTimeDays.kanban');
  days(policy.defaultLeadTimeDays.standard, 'defaultLeadTimeDays.standard');
  check(
    isWholeNumber(policy.lateEntryThresholdMinutes),
    'lateEntryThresholdMinutes',
    'must be a whole number of minutes, 0 or more',
  );

  const { allowedNetDays, earlyPaymentDiscounts } = policy.paymentTerms;
  check(allowedNetDays.length > 0, 'paymentTerms.allowedNetDays', 'must list at least one term');
  allowedNetDays.forEach((d, i) => days(d, `paymentTerms.allowedNetDays[${i}]`));
  check(
    !hasDuplicates(allowedNetDays.map(String)),
    'paymentTerms.allowedNetDays',
    'must not repeat',
  );
  earlyPaymentDiscounts.forEach((d, i) => {
    check(
      isBps(d.bps, 1),
      `paymentTerms.earlyPaymentDiscounts[${i}].bps`,
      'must be a whole number of bps in 1..10000',
    );
    days(d.withinDays, `paymentTerms.earlyPaymentDiscounts[${i}].withinDays`);
  });

  const chain = policy.escalationChain;
  check(chain.length > 0, 'escalationChain', 'must not be empty');
  check(!hasDuplicates(chain), 'escalationChain', 'must not repeat a role');
  chain.forEach((role, i) =>
    check(
      role === 'service' || role === 'sales',
      `escalationChain[${i}]`,
      'must be service or sales',
    ),
  );
  check(
    chain[chain.length - 1] === 'sales',
    'escalationChain',
    "must end at the account's sales rep",
  );

  const tiers = policy.entitlementTiers;
  check(tiers.length > 0, 'entitlementTiers', 'must define at least the minimum commitment');
  check(
    tiers[0] === undefined || tiers[0].minTrailingSpendMinor === 0,
    'entitlementTiers[0].minTrailingSpendMinor',
    'must be 0: the first tier is the minimum commitment to every account',
  );
  check(!hasDuplicates(tiers.map((t) => t.code)), 'entitlementTiers', 'codes must be unique');
  tiers.forEach((tier, i) => {
    const at = `entitlementTiers[${i}]`;
    check(isNonBlank(tier.code), `${at}.code`, 'must not be blank');
    check(isNonBlank(tier.name), `${at}.name`, 'must not be blank');
    check(
      isMinorAmount(tier.minTrailingSpendMinor),
      `${at}.minTrailingSpendMinor`,
      'must be a whole minor amount, 0 or more',
    );
    bps(tier.entitlements.maxDiscountBps, `${at}.entitlements.maxDiscountBps`);
    bps(tier.entitlements.rebateBps, `${at}.entitlements.rebateBps`);
    check(
      tier.entitlements.freeFreightThresholdMinor === null ||
        isMinorAmount(tier.entitlements.freeFreightThresholdMinor),
      `${at}.entitlements.freeFreightThresholdMinor`,
      'must be null or a whole minor amount',
    );
    const previous = tiers[i - 1];
    if (previous === undefined) return;
    check(
      tier.minTrailingSpendMinor > previous.minTrailingSpendMinor,
      `${at}.minTrailingSpendMinor`,
      `must be above ${previous.code}'s: tiers ascend by spend`,
    );
    // Spending more must never entitle an account to less.
    check(
      tier.entitlements.maxDiscountBps >= previous.entitlements.maxDiscountBps,
      `${at}.entitlements.maxDiscountBps`,
      `must not be below ${previous.code}'s`,
    );
    check(
      tier.entitlements.rebateBps >= previous.entitlements.rebateBps,
      `${at}.entitlements.rebateBps`,
      `must not be below ${previous.code}'s`,
    );
  });
  return problems;
}

/** Stands in for a policy without tiers, which validatePolicy never lets through. */
const NO_ENTITLEMENTS: EntitlementTier = {
  code: 'none',
  name: 'No entitlements',
  minTrailingSpendMinor: 0,
  entitlements: {
    maxDiscountBps: 0,
    freeFreightThresholdMinor: null,
    rebateBps: 0,
    commitments: [],
  },
};

/** The highest tier whose threshold the spend reaches. */
export function tierForSpend(policy: Policy, trailingSpendMinor: number): EntitlementTier {
  let reached: EntitlementTier = policy.entitlementTiers[0] ?? NO_ENTITLEMENTS;
  for (const tier of policy.entitlementTiers) {
    if (trailingSpendMinor >= tier.minTrailingSpendMinor) reached = tier;
  }
  return reached;
}

/** The largest net days anyone may state as standard terms. */
export function longestAllowedNetDays(policy: Policy): number {
  return Math.max(...policy.paymentTerms.allowedNetDays);
}

/**
 * Whether a record stored at `recordedAt` about something said at
 * `occurredAt` counts as recorded late under the policy's threshold. Late
 * entries are kept but are weaker evidence; the answers say so.
 */
export function isRecordedLate(policy: Policy, occurredAt: string, recordedAt: string): boolean {
  const lagMs = Date.parse(recordedAt) - Date.parse(occurredAt);
  return lagMs > policy.lateEntryThresholdMinutes * 60_000;
}
