import { DomainError } from '@onrecord/kernel';
import { BPS_WHOLE, isIsoDate } from '@onrecord/commitments';

/**
 * A customer's claim about what the company said, in a shape the record can
 * answer: what it is about (its category), what it is tied to (an order,
 * quote or contract), who supposedly said it and when, and the value
 * asserted where there is one ("Net 60", "10 % off", "free freight").
 */

/**
 * What a claim is about. `service_level` is a claim about the company's
 * record ("you are always late"), answered with the on-time record.
 */
export const CLAIM_CATEGORIES = [
  'freight',
  'price',
  'payment_terms',
  'delivery_date',
  'lead_time',
  'rush',
  'promise',
  'service_level',
  'other',
] as const;
export type ClaimCategory = (typeof CLAIM_CATEGORIES)[number];

export function isClaimCategory(value: unknown): value is ClaimCategory {
  return typeof value === 'string' && (CLAIM_CATEGORIES as readonly string[]).includes(value);
}

export const SCOPE_KINDS = ['order', 'quote', 'contract'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** An order, quote or contract (lead-time agreements count as contracts, by their agreement id). */
export type ClaimScope = { readonly kind: ScopeKind; readonly id: string };

/**
 * The value a claim asserts. Which fields a category takes is in
 * ASSERTION_FIELDS; booleans default to the customer's side (`freightPaid`
 * and `rushApproved` true), `onTimeBpsAtMost` to 0 ("always late").
 */
export type ClaimAssertion = {
  /** freight: the company pays the freight. */
  readonly freightPaid?: boolean;
  /** price: the total discount granted, in bps. */
  readonly discountBps?: number;
  /** payment_terms: net days. */
  readonly netDays?: number;
  /** delivery_date, rush: delivery no later than this day. */
  readonly deliverBy?: string;
  /** lead_time: the lead time agreed, in days. */
  readonly leadTimeDays?: number;
  /** rush: the rush was agreed. */
  readonly rushApproved?: boolean;
  /** service_level: the on-time share the customer says we reach, at most (0: "always late"). */
  readonly onTimeBpsAtMost?: number;
  /** promise: the day it was promised for. */
  readonly dueDate?: string;
  /** promise, other (and any category, as words to look for): what was said, in the customer's words. */
  readonly text?: string;
};
export type AssertionField = keyof ClaimAssertion;

/** The fields each category takes, and the ones it cannot be judged without. */
export const ASSERTION_FIELDS: Readonly<
  Record<ClaimCategory, { allowed: readonly AssertionField[]; required: readonly AssertionField[] }>
> = {
  freight: { allowed: ['freightPaid'], required: [] },
  price: { allowed: ['discountBps'], required: [] },
  payment_terms: { allowed: ['netDays'], required: ['netDays'] },
  delivery_date: { allowed: ['deliverBy'], required: ['deliverBy'] },
  lead_time: { allowed: ['leadTimeDays'], required: ['leadTimeDays'] },
  rush: { allowed: ['rushApproved', 'deliverBy'], required: [] },
  promise: { allowed: ['text', 'dueDate'], required: [] },
  service_level: { allowed: ['onTimeBpsAtMost'], required: [] },
  other: { allowed: ['text'], required: ['text'] },
};

/** A time span on the occurred clock, both ends inclusive. */
export type TimeWindow = { readonly from: string; readonly to: string };

export type Claim = {
  readonly category: ClaimCategory;
  readonly scope: ClaimScope | null;
  /** The actor the customer says made the statement. */
  readonly allegedActorId: string | null;
  /** When the customer says it was said; or a window when they are not sure. */
  readonly allegedAt: string | null;
  readonly allegedWindow: TimeWindow | null;
  readonly assertion: ClaimAssertion;
};

export type ClaimFieldProblem = { readonly field: string; readonly messages: readonly string[] };

/** The claim cannot be judged as given: a field the category does not take, a missing value, a window backwards. */
export class InvalidClaimError extends DomainError {
  readonly code = 'invalid-claim';
  constructor(readonly errors: readonly ClaimFieldProblem[]) {
    super(`The claim cannot be checked: ${errors.map((e) => e.field).join(', ')}`, { errors });
  }
}

const isInstant = (value: string): boolean => !Number.isNaN(Date.parse(value));

/**
 * Every problem with a claim at once, or an empty list. Shape (types,
 * ranges) is the HTTP layer's; this checks what only the category knows.
 */
export function claimProblems(claim: Claim): ClaimFieldProblem[] {
  const problems: ClaimFieldProblem[] = [];
  const fail = (field: string, message: string): void => {
    problems.push({ field, messages: [message] });
  };
  const { allowed, required } = ASSERTION_FIELDS[claim.category];
  for (const [field, value] of Object.entries(claim.assertion)) {
    if (value === undefined) continue;
    if (!(allowed as readonly string[]).includes(field)) {
      fail(
        `assertion.${field}`,
        `is not part of a ${claim.category} claim; it takes ${allowed.join(', ') || 'nothing'}`,
      );
    }
  }
  for (const field of required) {
    if (claim.assertion[field] === undefined)
      fail(`assertion.${field}`, `is required for a ${claim.category} claim`);
  }
  const { discountBps, onTimeBpsAtMost, deliverBy, dueDate } = claim.assertion;
  if (discountBps !== undefined && (discountBps < 1 || discountBps > BPS_WHOLE))
    fail('assertion.discountBps', 'must be 1..10000 bps');
  if (onTimeBpsAtMost !== undefined && (onTimeBpsAtMost < 0 || onTimeBpsAtMost > BPS_WHOLE))
    fail('assertion.onTimeBpsAtMost', 'must be 0..10000 bps');
  if (deliverBy !== undefined && !isIsoDate(deliverBy))
    fail('assertion.deliverBy', 'must be a calendar date, YYYY-MM-DD');
  if (dueDate !== undefined && !isIsoDate(dueDate))
    fail('assertion.dueDate', 'must be a calendar date, YYYY-MM-DD');
  if (claim.allegedAt !== null && claim.allegedWindow !== null)
    fail('allegedWindow', 'give allegedAt or allegedWindow, not both');
  if (claim.allegedAt !== null && !isInstant(claim.allegedAt))
    fail('allegedAt', 'must be an ISO 8601 instant');
  if (claim.allegedWindow !== null) {
    const { from, to } = claim.allegedWindow;
    if (!isInstant(from) || !isInstant(to))
      fail('allegedWindow', 'from and to must be ISO 8601 instants');
    else if (Date.parse(from) > Date.parse(to)) fail('allegedWindow', 'from must not be after to');
  }
  return problems;
}

export function requireValidClaim(claim: Claim): Claim {
  const problems = claimProblems(claim);
  if (problems.length > 0) throw new InvalidClaimError(problems);
  return claim;
}

/** The latest instant the claim is about: the end of its window, its alleged time, or null (the whole record). */
export function claimCutoffMs(claim: Claim): number | null {
  if (claim.allegedWindow !== null) return Date.parse(claim.allegedWindow.to);
  if (claim.allegedAt !== null) return Date.parse(claim.allegedAt);
  return null;
}

/** The earliest instant the claim is about, when it names one. */
export function claimStartMs(claim: Claim): number | null {
  if (claim.allegedWindow !== null) return Date.parse(claim.allegedWindow.from);
  if (claim.allegedAt !== null) return Date.parse(claim.allegedAt);
  return null;
}
