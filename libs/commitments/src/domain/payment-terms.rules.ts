import type { EarlyPaymentDiscountTerms } from './account.events.js';
import type { OpenAccountState } from './account.state.js';
import { referralAlternatives, type Judgement } from './decision-context.js';
import { longestAllowedNetDays, type RoleAuthority } from './policy.js';
import type { Figures, Refusal, RefusalAlternative } from './refusal.js';

/** The terms this actor could state instead: allowed net days within their authority, and discounts if they may. */
function termsWithinAuthority(j: Judgement): RefusalAlternative[] {
  const netDays = [...j.policy.paymentTerms.allowedNetDays]
    .filter((days) => days <= j.authority.maxNetDays)
    .sort((a, b) => a - b)
    .map((days): RefusalAlternative => ({ kind: 'payment-terms', netDays: days }));
  const discounts = j.authority.mayStateEarlyPaymentDiscount
    ? j.policy.paymentTerms.earlyPaymentDiscounts.map(
        ({ bps, withinDays }): RefusalAlternative => ({
          kind: 'early-payment-discount',
          bps,
          withinDays,
        }),
      )
    : [];
  return [...netDays, ...discounts];
}

/**
 * Judges a statement of payment terms; null when it may be stated. The
 * policy's allowed terms come first (nobody may state others as standard:
 * longer terms are an `extended_terms` concession), then the actor's
 * authority. Figures: netDays, roleMaxNetDays, longestAllowedNetDays, and
 * discountBps / discountWithinDays when a discount was stated.
 */
export function judgePaymentTerms(
  netDays: number,
  discount: EarlyPaymentDiscountTerms | null,
  state: OpenAccountState,
  j: Judgement,
): Refusal | null {
  const { policy, authority } = j;
  const figures: Figures = {
    netDays,
    roleMaxNetDays: authority.maxNetDays,
    longestAllowedNetDays: longestAllowedNetDays(policy),
    ...(discount === null
      ? {}
      : { discountBps: discount.bps, discountWithinDays: discount.withinDays }),
  };
  const instead = termsWithinAuthority(j);
  const covers = (a: RoleAuthority): boolean =>
    a.maxNetDays >= netDays && (discount === null || a.mayStateEarlyPaymentDiscount);

  if (!policy.paymentTerms.allowedNetDays.includes(netDays)) {
    return {
      rule: 'terms-not-allowed',
      detail: `Net ${netDays} is not among the terms the policy allows (net ${policy.paymentTerms.allowedNetDays.join(', net ')})`,
      figures,
      alternatives: instead,
    };
  }
  if (
    discount !== null &&
    !policy.paymentTerms.earlyPaymentDiscounts.some(
      (d) => d.bps === discount.bps && d.withinDays === discount.withinDays,
    )
  ) {
    return {
      rule: 'early-payment-discount-not-allowed',
      detail: `A ${discount.bps} bps discount within ${discount.withinDays} days is not an early-payment discount the policy offers`,
      figures,
      alternatives: instead,
    };
  }
  if (netDays > authority.maxNetDays) {
    return {
      rule: 'terms-beyond-role-authority',
      detail: `Net ${netDays} is beyond the net ${authority.maxNetDays} a ${j.role} may state`,
      figures,
      alternatives: [...instead, ...referralAlternatives(state, j, covers)],
    };
  }
  if (discount !== null && !authority.mayStateEarlyPaymentDiscount) {
    return {
      rule: 'early-payment-discount-beyond-role-authority',
      detail: `A ${j.role} may not state an early-payment discount`,
      figures,
      alternatives: [...instead, ...referralAlternatives(state, j, covers)],
    };
  }
  return null;
}
