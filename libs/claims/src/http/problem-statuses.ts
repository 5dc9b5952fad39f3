import { HttpStatus } from '@nestjs/common';
import { registerProblemStatuses } from '@onrecord/platform';
import type { AsOfInFutureError, ReplayRangeError } from '../application/account-views.service.js';
import type { ProjectionBehindError } from '../application/portfolio.projection.js';
import type { InvalidPositionError } from '../application/portfolio.service.js';
import type { InvalidClaimError } from '../domain/claim.js';

type CodeOf<E extends abstract new (...args: never) => { code: string }> = InstanceType<E>['code'];

type ClaimsErrorCode = CodeOf<
  | typeof InvalidClaimError
  | typeof AsOfInFutureError
  | typeof ReplayRangeError
  | typeof InvalidPositionError
  | typeof ProjectionBehindError
>;

/** The HTTP status of each code this capability throws; `satisfies` makes a new one fail to compile until listed. */
export const CLAIMS_PROBLEM_STATUSES = {
  'invalid-claim': HttpStatus.BAD_REQUEST,
  'as-of-in-future': HttpStatus.BAD_REQUEST,
  'replay-range': HttpStatus.BAD_REQUEST,
  'invalid-position': HttpStatus.BAD_REQUEST,
  'projection-behind': HttpStatus.SERVICE_UNAVAILABLE,
} as const satisfies Record<ClaimsErrorCode, HttpStatus>;

export function registerClaimsProblemStatuses(): void {
  registerProblemStatuses(CLAIMS_PROBLEM_STATUSES);
}
