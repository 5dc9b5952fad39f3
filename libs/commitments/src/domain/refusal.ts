/**
 * A refusal is a business "no" with its reasons, recorded like any other
 * event so that "you told me yes" can be answered later. The HTTP layer
 * answers 422 from it: `rule` becomes the problem type, `detail` the detail,
 * `figures` and `alternatives` extension members.
 */

/**
 * Stable codes of the rules a decision can be refused under. The figures each
 * refusal carries are named in its JSDoc where they are built.
 */
export type RefusalRule =
  /** GP after the quote or concession would be below the policy floor. Nobody can grant it. */
  | 'below-gp-floor'
  /** The discount (all discounts on the quote or order added) is above the actor's role limit. */
  | 'discount-beyond-role-authority'
  /** It is outside the account's tier: only a special situation (manager and reason) allows it. */
  | 'outside-tier-entitlement'
  /** A special situation was asked for by someone other than a manager. */
  | 'special-situation-needs-manager'
  /** A special situation was asked for without a reason. */
  | 'special-situation-needs-reason'
  /** Freight is paid only to right a complaint, and none was referenced. */
  | 'freight-needs-complaint'
  /** The referenced complaint has not been assessed yet. */
  | 'complaint-not-assessed'
  /** The referenced complaint was assessed as not legitimate. */
  | 'complaint-not-legitimate'
  /** The referenced complaint is about a different order. */
  | 'complaint-about-other-order'
  /** The referenced complaint has already been righted with freight once. */
  | 'complaint-already-compensated'
  /** The freight cost is above the share of the order's GP the policy allows. */
  | 'freight-exceeds-gp-share'
  | 'freight-beyond-role-authority'
  | 'expedite-beyond-role-authority'
  | 'credit-beyond-role-authority'
  /** Net days not among the policy's allowed terms. */
  | 'terms-not-allowed'
  /** Net days above what the actor's role may state or grant. */
  | 'terms-beyond-role-authority'
  /** An early-payment discount that is not one the policy offers. */
  | 'early-payment-discount-not-allowed'
  | 'early-payment-discount-beyond-role-authority'
  /** A catalogue concession code the policy does not list. */
  | 'not-in-catalogue'
  /** A lead time shorter than the policy default for its kind, agreed by someone other than a manager. */
  | 'lead-time-below-policy-default'
  /** A rush declined by the sales rep or manager who decided it. */
  | 'rush-declined';

/** The numbers behind a decision, by name (all integers: minor units, bps or days). */
export type Figures = { [name: string]: number };

/** Something the policy does allow instead. */
export type RefusalAlternative =
  /** A concession from the policy catalogue: it does not touch GP. */
  | { kind: 'catalogue-concession'; code: string; description: string }
  /** The largest discount this actor could grant on the same quote or order now. */
  | { kind: 'smaller-discount'; maxDiscountBps: number }
  /** The largest amount (freight, credit) that would pass, in the request's currency. */
  | { kind: 'smaller-amount'; maxAmountMinor: number }
  /** The least revenue at the same cost that meets the floor, in the quote's currency. */
  | { kind: 'price-at-floor'; revenueMinor: number }
  /** Net days this actor may state. */
  | { kind: 'payment-terms'; netDays: number }
  /** An early-payment discount this actor may state. */
  | { kind: 'early-payment-discount'; bps: number; withinDays: number }
  /** Someone whose authority covers it: the account's sales rep (ids given) or a manager. */
  | { kind: 'refer-to'; role: 'sales' | 'manager'; actorIds: string[] }
  /** A manager may record it as a special situation, with a reason; it is counted. */
  | { kind: 'special-situation'; role: 'manager'; reasonRequired: true }
  /** The delivery date the company can commit to without a rush. */
  | { kind: 'delivery-date'; date: string }
  /** The lead time the policy sets for the agreement's kind. */
  | { kind: 'lead-time'; leadTimeDays: number };

/** What every refusal event's data has in common. */
export type RefusalData = {
  rule: RefusalRule;
  detail: string;
  figures: Figures;
  alternatives: RefusalAlternative[];
  policyVersion: number;
};

/** A judged "no" before it is wrapped into its event. */
export type Refusal = {
  rule: RefusalRule;
  detail: string;
  figures: Figures;
  alternatives: RefusalAlternative[];
};
