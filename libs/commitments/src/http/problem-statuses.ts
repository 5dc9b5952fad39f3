import { HttpStatus } from '@nestjs/common';
import { registerProblemStatuses } from '@onrecord/platform';
import type * as domainErrors from '../domain/commitments.errors.js';
import type { OccurredInFutureError } from '../application/account-commands.service.js';
import type {
  NoPolicyInForceError,
  PolicyVersionNotFoundError,
} from '../application/policy.service.js';

type CodeOf<E extends abstract new (...args: never) => { code: string }> = InstanceType<E>['code'];

/** Every code this capability throws before anything is recorded. */
type CommitmentsErrorCode =
  | CodeOf<(typeof domainErrors)[keyof typeof domainErrors]>
  | CodeOf<
      typeof OccurredInFutureError | typeof PolicyVersionNotFoundError | typeof NoPolicyInForceError
    >;

/**
 * The HTTP status of each code. `satisfies` makes a new domain error fail to
 * compile until it is given one here. Recorded refusals are not listed: their
 * code is the rule, and the filter answers 422 for any code it does not know.
 */
export const COMMITMENTS_PROBLEM_STATUSES = {
  // Malformed, not judged.
  'invalid-command': HttpStatus.BAD_REQUEST,
  'invalid-policy': HttpStatus.BAD_REQUEST,
  'occurred-in-future': HttpStatus.BAD_REQUEST,

  // Who may say it.
  'role-may-not-write': HttpStatus.FORBIDDEN,
  'role-not-permitted': HttpStatus.FORBIDDEN,
  'actor-not-assigned': HttpStatus.FORBIDDEN,

  // What it refers to is not on the record.
  'account-not-open': HttpStatus.NOT_FOUND,
  'unknown-promise': HttpStatus.NOT_FOUND,
  'unknown-quote': HttpStatus.NOT_FOUND,
  'unknown-order': HttpStatus.NOT_FOUND,
  'unknown-complaint': HttpStatus.NOT_FOUND,
  'unknown-invoice': HttpStatus.NOT_FOUND,
  'policy-version-not-found': HttpStatus.NOT_FOUND,

  // The record's state says otherwise.
  'account-already-open': HttpStatus.CONFLICT,
  'duplicate-id': HttpStatus.CONFLICT,
  'no-policy-in-force': HttpStatus.CONFLICT,
  'promise-already-closed': HttpStatus.CONFLICT,
  'quote-not-open': HttpStatus.CONFLICT,
  'quote-version-superseded': HttpStatus.CONFLICT,
  'quote-validity-lapsed': HttpStatus.CONFLICT,
  'quote-still-valid': HttpStatus.CONFLICT,
  'order-already-shipped': HttpStatus.CONFLICT,
  'order-not-shipped': HttpStatus.CONFLICT,
  'order-already-delivered': HttpStatus.CONFLICT,
  'rush-already-pending': HttpStatus.CONFLICT,
  'rush-not-pending': HttpStatus.CONFLICT,
  'complaint-already-assessed': HttpStatus.CONFLICT,
  'invoice-already-paid': HttpStatus.CONFLICT,
  'freight-already-free': HttpStatus.CONFLICT,

  // Well-formed, but cannot be computed as asked.
  'currency-mismatch': HttpStatus.UNPROCESSABLE_ENTITY,
  'amount-out-of-range': HttpStatus.UNPROCESSABLE_ENTITY,
} as const satisfies Record<CommitmentsErrorCode, HttpStatus>;

export function registerCommitmentsProblemStatuses(): void {
  registerProblemStatuses(COMMITMENTS_PROBLEM_STATUSES);
}
