import type { ConcessionRequest, TermsContext } from './account.events.js';
import { complaintOf, openQuoteOf, orderOf, quoteOf } from './account.lookups.js';
import { trailingTwelveMonthSpend } from './account.metrics.js';
import type { OpenAccountState } from './account.state.js';
import { CurrencyMismatchError, FreightAlreadyFreeError } from './commitments.errors.js';
import {
  catalogueAlternatives,
  referralAlternatives,
  specialSituationGate,
  type Judgement,
} from './decision-context.js';
import { assertNever } from './exhaustive.js';
import {
  discountOn,
  grossProfitOf,
  largestDiscountWithinFloor,
  largestExtraCostWithinFloor,
  largestGiveBackWithinFloor,
  marginBpsOf,
  netRevenueOf,
  withExtraCost,
  withRevenueGivenBack,
  type Economics,
} from './gross-profit.js';
import { bpsOf, isBps, isCurrencyCode, isWholeNumber, money, type Money } from './money.js';
import { longestAllowedNetDays, type EntitlementTier } from './policy.js';
import type { Figures, Refusal, RefusalAlternative } from './refusal.js';
import { CommandCheck, isNonBlank } from './validation.js';

/** A concession judged: granted with its GP impact, or refused with its reasons. */
export type ConcessionVerdict =
  | {
      outcome: 'granted';
      grossProfitImpact: Money;
      figures: Figures;
      specialSituation: { reason: string } | null;
    }
  | ({ outcome: 'refused' } & Refusal);

type Case = {
  state: OpenAccountState;
  j: Judgement;
  tier: EntitlementTier;
  /** Null when none was given (blank counts as none). */
  specialSituationReason: string | null;
};

/**
 * Judges a concession request. Every kind is checked in the same order: what
 * must be true before it can be considered (a complaint for freight), then
 * the absolute limits nobody may pass (the GP floor, the freight share), then
 * the account's tier (beyond it only a manager's special situation), and last
 * the actor's own authority — so a refusal names the rule that matters most:
 * there is no point sending the customer up the chain for a breach of the floor.
 *
 * - `price_discount`: on an open quote or an order; judged on the revenue
 *   still left after earlier concessions. Refused below the floor; beyond the
 *   tier's max discount (all discounts on the target added) without a special
 *   situation; beyond the role's max discount. GP impact: the discount amount.
 * - `freight_paid`: needs a complaint, about this order (or no order), assessed
 *   legitimate and not already righted with freight; the freight cost at most
 *   the policy's share of the order's remaining GP; the floor; the role's
 *   mayPayFreight. GP impact: the freight cost. An order that already ships
 *   free under the tier cannot be conceded freight (FreightAlreadyFreeError).
 * - `expedite`: the company absorbs the cost of expediting an order: the floor,
 *   then the role's mayAbsorbExpediteCost. GP impact: the cost. (The date is a
 *   separate rush decision.)
 * - `extended_terms`: net days beyond the policy's longest standard terms
 *   (anything within them is simply stated, not conceded): always a special
 *   situation, then the role's maxNetDays. GP impact 0: the cost of carrying
 *   the receivable is not modelled.
 * - `rebate`: up to the tier's rebate it is the account's entitlement put in
 *   writing; above it a special situation. No role limit. GP impact: the
 *   rebate on trailing-12-month spend, as an estimate (policy currency).
 * - `credit`: in the policy currency (role limits are in it); when against an
 *   order, in the order's currency too, and the floor applies to the order;
 *   then the role's maxCreditMinor. GP impact: the amount.
 * - `other`: a catalogue code is granted by any writer, GP impact 0 (catalogue
 *   concessions do not touch GP); an unknown code is refused; anything not in
 *   the catalogue is outside every tier, so a special situation, with its
 *   declared cost as GP impact.
 */
export function judgeConcession(
  request: ConcessionRequest,
  state: OpenAccountState,
  j: Judgement,
  tier: EntitlementTier,
  specialSituationReason: string | null,
): ConcessionVerdict {
  checkRequest(request, state, j);
  const c: Case = { state, j, tier, specialSituationReason };
  switch (request.kind) {
    case 'price_discount':
      return judgeDiscount(request, c);
    case 'freight_paid':
      return judgeFreight(request, c);
    case 'expedite':
      return judgeExpedite(request, c);
    case 'extended_terms':
      return judgeExtendedTerms(request, c);
    case 'rebate':
      return judgeRebate(request, c);
    case 'credit':
      return judgeCredit(request, c);
    case 'other':
      return judgeOther(request, c);
    default:
      return assertNever(request);
  }
}

type Request<K extends ConcessionRequest['kind']> = Extract<ConcessionRequest, { kind: K }>;

function refuse(
  rule: Refusal['rule'],
  detail: string,
  figures: Figures,
  alternatives: RefusalAlternative[],
): ConcessionVerdict {
  return { outcome: 'refused', rule, detail, figures, alternatives };
}

function grant(
  grossProfitImpact: Money,
  figures: Figures,
  specialSituation: { reason: string } | null = null,
): ConcessionVerdict {
  return { outcome: 'granted', grossProfitImpact, figures, specialSituation };
}

function marginFigures(before: Economics, after: Economics, floorBps: number): Figures {
  return {
    grossProfitBpsBefore: marginBpsOf(before),
    grossProfitBpsAfter: marginBpsOf(after),
    floorBps,
  };
}

function smallerAmount(maxAmountMinor: number | null): RefusalAlternative[] {
  return maxAmountMinor !== null && maxAmountMinor > 0
    ? [{ kind: 'smaller-amount', maxAmountMinor }]
    : [];
}

// ---------------------------------------------------------------- price discount

function judgeDiscount(request: Request<'price_discount'>, c: Case): ConcessionVerdict {
  const { state, j, tier } = c;
  const { target, discountBps } = request;
  const before =
    target.kind === 'quote'
      ? openQuoteOf(state, target.id).economics
      : orderOf(state, target.id).economics;
  const floorBps = j.policy.grossProfitFloorBps;
  const { discountMinor, after } = discountOn(before, discountBps);
  const cumulative = after.discountBpsGranted;
  const tierMax = tier.entitlements.maxDiscountBps;
  const roleMax = j.authority.maxDiscountBps;
  const figures: Figures = {
    netRevenueBeforeMinor: netRevenueOf(before),
    discountMinor,
    ...marginFigures(before, after, floorBps),
    requestedDiscountBps: discountBps,
    cumulativeDiscountBps: cumulative,
    tierMaxDiscountBps: tierMax,
    roleMaxDiscountBps: roleMax,
  };
  const mayGoBeyondTier = c.specialSituationReason !== null && j.role === 'manager';
  const cap = Math.min(roleMax, mayGoBeyondTier ? roleMax : tierMax) - before.discountBpsGranted;
  const largest = largestDiscountWithinFloor(before, floorBps, cap);
  const smaller: RefusalAlternative[] =
    largest !== null && largest > 0 ? [{ kind: 'smaller-discount', maxDiscountBps: largest }] : [];
  const catalogue = catalogueAlternatives(j);

  if (marginBpsOf(after) < floorBps) {
    return refuse(
      'below-gp-floor',
      `A ${discountBps} bps discount leaves gross profit at ${marginBpsOf(after)} bps, below the ${floorBps} bps floor`,
      figures,
      [...smaller, ...catalogue],
    );
  }
  let specialSituation: { reason: string } | null = null;
  if (cumulative > tierMax) {
    const gate = specialSituationGate(
      j,
      c.specialSituationReason,
      `A total discount of ${cumulative} bps is above the ${tierMax} bps the ${tier.code} tier entitles`,
      [...smaller, ...catalogue],
    );
    if ('refusal' in gate) return { outcome: 'refused', ...gate.refusal, figures };
    specialSituation = gate.specialSituation;
  }
  if (cumulative > roleMax) {
    return refuse(
      'discount-beyond-role-authority',
      `A total discount of ${cumulative} bps is above the ${roleMax} bps a ${j.role} may grant`,
      figures,
      [
        ...smaller,
        ...referralAlternatives(state, j, (a) => a.maxDiscountBps >= cumulative),
        ...catalogue,
      ],
    );
  }
  return grant(money(discountMinor, before.currency), figures, specialSituation);
}

// ---------------------------------------------------------------- freight

function judgeFreight(request: Request<'freight_paid'>, c: Case): ConcessionVerdict {
  const { state, j } = c;
  const order = orderOf(state, request.orderId);
  const before = order.economics;
  if (request.freightCost.currency !== before.currency) {
    throw new CurrencyMismatchError('freight cost', before.currency, request.freightCost.currency);
  }
  if (order.freeFreightByTier) throw new FreightAlreadyFreeError(order.orderId, order.tierCode);

  const cost = request.freightCost.amountMinor;
  const floorBps = j.policy.grossProfitFloorBps;
  const shareBps = j.policy.freight.maxShareOfOrderGrossProfitBps;
  const orderGrossProfit = grossProfitOf(before);
  const maxFreight = orderGrossProfit > 0 ? bpsOf(orderGrossProfit, shareBps) : 0;
  const after = withExtraCost(before, cost);
  const figures: Figures = {
    freightCostMinor: cost,
    orderGrossProfitMinor: orderGrossProfit,
    maxShareOfOrderGrossProfitBps: shareBps,
    maxFreightMinor: maxFreight,
    ...marginFigures(before, after, floorBps),
  };
  const catalogue = catalogueAlternatives(j);

  if (request.complaintId === null) {
    return refuse(
      'freight-needs-complaint',
      'Freight is paid only to right a legitimate, assessed complaint, and none was referenced',
      figures,
      catalogue,
    );
  }
  const complaint = complaintOf(state, request.complaintId);
  if (complaint.orderId !== null && complaint.orderId !== order.orderId) {
    return refuse(
      'complaint-about-other-order',
      `Complaint ${complaint.complaintId} is about order ${complaint.orderId}, not ${order.orderId}`,
      figures,
      catalogue,
    );
  }
  if (complaint.assessment === null) {
    return refuse(
      'complaint-not-assessed',
      `Complaint ${complaint.complaintId} has not been assessed yet; freight needs a complaint assessed legitimate`,
      figures,
      catalogue,
    );
  }
  if (!complaint.assessment.legitimate) {
    return refuse(
      'complaint-not-legitimate',
      `Complaint ${complaint.complaintId} was assessed as not legitimate: ${complaint.assessment.reason}`,
      figures,
      catalogue,
    );
  }
  if (complaint.freightConcessionId !== null) {
    return refuse(
      'complaint-already-compensated',
      `Complaint ${complaint.complaintId} was already righted with freight (concession ${complaint.freightConcessionId})`,
      figures,
      catalogue,
    );
  }
  const withinFloor = largestExtraCostWithinFloor(before, floorBps);
  const largest = withinFloor === null ? null : Math.min(maxFreight, withinFloor);
  if (cost > maxFreight) {
    return refuse(
      'freight-exceeds-gp-share',
      `Freight of ${cost} is above ${maxFreight}, the ${shareBps} bps share of the order's ${orderGrossProfit} gross profit the policy allows`,
      figures,
      [...smallerAmount(largest), ...catalogue],
    );
  }
  if (marginBpsOf(after) < floorBps) {
    return refuse(
      'below-gp-floor',
      `Paying ${cost} of freight leaves the order at ${marginBpsOf(after)} bps, below the ${floorBps} bps floor`,
      figures,
      [...smallerAmount(largest), ...catalogue],
    );
  }
  if (!j.authority.mayPayFreight) {
    return refuse(
      'freight-beyond-role-authority',
      `A ${j.role} may not have the company pay freight`,
      figures,
      [...referralAlternatives(state, j, (a) => a.mayPayFreight), ...catalogue],
    );
  }
  return grant(request.freightCost, figures);
}

// ---------------------------------------------------------------- expedite

function judgeExpedite(request: Request<'expedite'>, c: Case): ConcessionVerdict {
  const { state, j } = c;
  const before = orderOf(state, request.orderId).economics;
  if (request.expediteCost.currency !== before.currency) {
    throw new CurrencyMismatchError(
      'expedite cost',
      before.currency,
      request.expediteCost.currency,
    );
  }
  const cost = request.expediteCost.amountMinor;
  const floorBps = j.policy.grossProfitFloorBps;
  const after = withExtraCost(before, cost);
  const figures: Figures = { expediteCostMinor: cost, ...marginFigures(before, after, floorBps) };
  const catalogue = catalogueAlternatives(j);
  if (marginBpsOf(after) < floorBps) {
    return refuse(
      'below-gp-floor',
      `Absorbing ${cost} of expedite cost leaves the order at ${marginBpsOf(after)} bps, below the ${floorBps} bps floor`,
      figures,
      [...smallerAmount(largestExtraCostWithinFloor(before, floorBps)), ...catalogue],
    );
  }
  if (!j.authority.mayAbsorbExpediteCost) {
    return refuse(
      'expedite-beyond-role-authority',
      `A ${j.role} may not have the company absorb expedite costs`,
      figures,
      [...referralAlternatives(state, j, (a) => a.mayAbsorbExpediteCost), ...catalogue],
    );
  }
  return grant(request.expediteCost, figures);
}

// ---------------------------------------------------------------- extended terms

function judgeExtendedTerms(request: Request<'extended_terms'>, c: Case): ConcessionVerdict {
  const { j } = c;
  const { netDays } = request;
  const longest = longestAllowedNetDays(j.policy);
  const roleMax = j.authority.maxNetDays;
  const figures: Figures = { netDays, longestAllowedNetDays: longest, roleMaxNetDays: roleMax };
  const catalogue = catalogueAlternatives(j);
  const gate = specialSituationGate(
    j,
    c.specialSituationReason,
    `Net ${netDays} is beyond the longest standard terms, net ${longest}`,
    [{ kind: 'payment-terms', netDays: Math.min(longest, roleMax) }, ...catalogue],
  );
  if ('refusal' in gate) return { outcome: 'refused', ...gate.refusal, figures };
  if (netDays > roleMax) {
    return refuse(
      'terms-beyond-role-authority',
      `Net ${netDays} is beyond the net ${roleMax} a ${j.role} may grant`,
      figures,
      [
        ...(roleMax > longest ? [{ kind: 'payment-terms' as const, netDays: roleMax }] : []),
        ...catalogue,
      ],
    );
  }
  return grant(money(0, j.policy.currency), figures, gate.specialSituation);
}

// ---------------------------------------------------------------- rebate

function judgeRebate(request: Request<'rebate'>, c: Case): ConcessionVerdict {
  const { state, j, tier } = c;
  const spend = trailingTwelveMonthSpend(state, j.today, j.policy.currency);
  const estimate = bpsOf(spend, request.rebateBps);
  const figures: Figures = {
    rebateBps: request.rebateBps,
    tierRebateBps: tier.entitlements.rebateBps,
    trailingSpendMinor: spend,
    estimatedRebateMinor: estimate,
  };
  let specialSituation: { reason: string } | null = null;
  if (request.rebateBps > tier.entitlements.rebateBps) {
    const gate = specialSituationGate(
      j,
      c.specialSituationReason,
      `A ${request.rebateBps} bps rebate is above the ${tier.entitlements.rebateBps} bps the ${tier.code} tier entitles`,
      catalogueAlternatives(j),
    );
    if ('refusal' in gate) return { outcome: 'refused', ...gate.refusal, figures };
    specialSituation = gate.specialSituation;
  }
  return grant(money(estimate, j.policy.currency), figures, specialSituation);
}

// ---------------------------------------------------------------- credit

function judgeCredit(request: Request<'credit'>, c: Case): ConcessionVerdict {
  const { state, j } = c;
  const { amount } = request;
  if (amount.currency !== j.policy.currency) {
    throw new CurrencyMismatchError('credit', j.policy.currency, amount.currency);
  }
  if (request.complaintId !== null) complaintOf(state, request.complaintId);
  const roleMax = j.authority.maxCreditMinor;
  const figures: Figures = { creditMinor: amount.amountMinor, roleMaxCreditMinor: roleMax };
  const catalogue = catalogueAlternatives(j);
  let withinFloor: number | null = null;
  if (request.orderId !== null) {
    const before = orderOf(state, request.orderId).economics;
    if (before.currency !== amount.currency) {
      throw new CurrencyMismatchError('credit', before.currency, amount.currency);
    }
    const floorBps = j.policy.grossProfitFloorBps;
    const after = withRevenueGivenBack(before, amount.amountMinor);
    Object.assign(figures, marginFigures(before, after, floorBps));
    withinFloor = largestGiveBackWithinFloor(before, floorBps);
    if (marginBpsOf(after) < floorBps) {
      return refuse(
        'below-gp-floor',
        `A credit of ${amount.amountMinor} leaves order ${request.orderId} at ${marginBpsOf(after)} bps, below the ${floorBps} bps floor`,
        figures,
        [
          ...smallerAmount(withinFloor === null ? null : Math.min(withinFloor, roleMax)),
          ...catalogue,
        ],
      );
    }
  }
  if (amount.amountMinor > roleMax) {
    return refuse(
      'credit-beyond-role-authority',
      `A credit of ${amount.amountMinor} is above the ${roleMax} a ${j.role} may grant`,
      figures,
      [
        ...smallerAmount(withinFloor === null ? roleMax : Math.min(withinFloor, roleMax)),
        ...referralAlternatives(state, j, (a) => a.maxCreditMinor >= amount.amountMinor),
        ...catalogue,
      ],
    );
  }
  return grant(amount, figures);
}

// ---------------------------------------------------------------- other

function judgeOther(request: Request<'other'>, c: Case): ConcessionVerdict {
  const { j } = c;
  const catalogue = catalogueAlternatives(j);
  if (request.catalogueCode !== null) {
    const code = request.catalogueCode;
    if (!j.policy.concessionCatalogue.some((entry) => entry.code === code)) {
      return refuse(
        'not-in-catalogue',
        `The concession catalogue has no entry ${code}`,
        {},
        catalogue,
      );
    }
    return grant(money(0, j.policy.currency), {});
  }
  const cost = request.cost ?? money(0, j.policy.currency);
  const figures: Figures = { costMinor: cost.amountMinor };
  const gate = specialSituationGate(
    j,
    c.specialSituationReason,
    `"${request.description}" is not in the concession catalogue or any tier`,
    catalogue,
  );
  if ('refusal' in gate) return { outcome: 'refused', ...gate.refusal, figures };
  return grant(cost, figures, gate.specialSituation);
}

// ---------------------------------------------------------------- validation

function checkMoney(check: CommandCheck, value: Money, field: string): void {
  check.require(isCurrencyCode(value.currency), `${field}.currency`, 'must be an ISO 4217 code');
  check.require(
    isWholeNumber(value.amountMinor, 1),
    `${field}.amountMinor`,
    'must be a whole number of minor units above 0',
  );
}

/** A terms context naming a quote or an order must name one on this account. */
export function checkTermsContext(check: CommandCheck, context: TermsContext, field: string): void {
  const kinds = ['quote', 'order', 'contract', 'verbal'];
  check.require(
    kinds.includes(context.kind),
    `${field}.kind`,
    `must be one of ${kinds.join(', ')}`,
  );
  if (context.kind === 'quote' || context.kind === 'order') {
    check.require(
      isNonBlank(context.referenceId),
      `${field}.referenceId`,
      `must name the ${context.kind}`,
    );
  }
}

export function requireTermsReference(state: OpenAccountState, context: TermsContext): void {
  if (context.referenceId === null) return;
  if (context.kind === 'quote') quoteOf(state, context.referenceId);
  if (context.kind === 'order') orderOf(state, context.referenceId);
}

function checkRequest(request: ConcessionRequest, state: OpenAccountState, j: Judgement): void {
  const check = new CommandCheck('RequestConcession');
  switch (request.kind) {
    case 'price_discount':
      check.require(
        ['quote', 'order'].includes(request.target.kind),
        'request.target.kind',
        'must be quote or order',
      );
      check.require(isNonBlank(request.target.id), 'request.target.id', 'must not be blank');
      check.require(
        isBps(request.discountBps, 1),
        'request.discountBps',
        'must be a whole number of bps in 1..10000',
      );
      break;
    case 'freight_paid':
      check.require(isNonBlank(request.orderId), 'request.orderId', 'must not be blank');
      checkMoney(check, request.freightCost, 'request.freightCost');
      break;
    case 'expedite':
      check.require(isNonBlank(request.orderId), 'request.orderId', 'must not be blank');
      checkMoney(check, request.expediteCost, 'request.expediteCost');
      break;
    case 'extended_terms': {
      const longest = longestAllowedNetDays(j.policy);
      check.require(
        isWholeNumber(request.netDays, 1),
        'request.netDays',
        'must be a whole number of days above 0',
      );
      check.require(
        request.netDays > longest,
        'request.netDays',
        `is within the standard terms (up to net ${longest}): state them as payment terms instead`,
      );
      checkTermsContext(check, request.context, 'request.context');
      break;
    }
    case 'rebate':
      check.require(
        isBps(request.rebateBps, 1),
        'request.rebateBps',
        'must be a whole number of bps in 1..10000',
      );
      break;
    case 'credit':
      checkMoney(check, request.amount, 'request.amount');
      break;
    case 'other':
      check.require(isNonBlank(request.description), 'request.description', 'must not be blank');
      check.require(
        request.catalogueCode === null || request.cost === null,
        'request.cost',
        'must be empty for a catalogue concession: they do not touch gross profit',
      );
      if (request.cost !== null) checkMoney(check, request.cost, 'request.cost');
      break;
    default:
      assertNever(request);
  }
  check.done();
  if (request.kind === 'extended_terms') requireTermsReference(state, request.context);
}
