import { DomainError } from '@onrecord/kernel';

/**
 * Errors for input that cannot even be judged. Nothing is recorded when one is
 * thrown: a judged "no" is a refusal event instead (see refusal.ts).
 */

/** One offending field of a command, for the problem body's list of fields. */
export type FieldProblem = { readonly field: string; readonly problem: string };

/** The command is malformed: a blank id, a negative amount, a date that is not a date. */
export class InvalidCommandError extends DomainError {
  readonly code = 'invalid-command';
  constructor(
    readonly command: string,
    readonly problems: readonly FieldProblem[],
  ) {
    super(`${command} is invalid: ${problems.map((p) => `${p.field} ${p.problem}`).join('; ')}`, {
      command,
      problems,
    });
  }
}

/** The policy breaks its own invariants (see validatePolicy); it is not published. */
export class InvalidPolicyError extends DomainError {
  readonly code = 'invalid-policy';
  constructor(readonly problems: readonly { readonly path: string; readonly problem: string }[]) {
    super(`Policy is invalid: ${problems.map((p) => `${p.path} ${p.problem}`).join('; ')}`, {
      problems,
    });
  }
}

/** Auditors, integrations and any unknown role read; they never write. */
export class RoleMayNotWriteError extends DomainError {
  readonly code = 'role-may-not-write';
  constructor(readonly role: string) {
    super(`Role "${role}" may not record anything`, { role });
  }
}

/** A writing role that this particular command is not open to (e.g. service assessing a complaint). */
export class RoleNotPermittedError extends DomainError {
  readonly code = 'role-not-permitted';
  constructor(
    readonly role: string,
    readonly action: string,
    readonly allowedRoles: readonly string[],
  ) {
    super(`Role "${role}" may not ${action}; allowed: ${allowedRoles.join(', ')}`, {
      role,
      action,
      allowedRoles,
    });
  }
}

/** A sales or service actor who is neither the account's owner nor one of its service reps. */
export class NotAssignedError extends DomainError {
  readonly code = 'actor-not-assigned';
  constructor(
    readonly actorId: string,
    readonly accountId: string | null,
  ) {
    super(`Actor ${actorId} is not assigned to account ${accountId ?? '(new account)'}`, {
      actorId,
      accountId,
    });
  }
}

export class AccountNotOpenError extends DomainError {
  readonly code = 'account-not-open';
  constructor() {
    super('The account has not been opened');
  }
}

export class AccountAlreadyOpenError extends DomainError {
  readonly code = 'account-already-open';
  constructor(readonly accountId: string) {
    super(`Account ${accountId} is already open`, { accountId });
  }
}

/** What kind of thing an id names, for duplicate and unknown-id errors. */
export type EntityKind =
  | 'promise'
  | 'quote'
  | 'order'
  | 'shipment'
  | 'complaint'
  | 'lead-time-agreement'
  | 'invoice'
  | 'payment'
  | 'concession'
  | 'special-situation'
  | 'escalation';

/** An id the caller generated is already taken in this account's stream. */
export class DuplicateIdError extends DomainError {
  readonly code = 'duplicate-id';
  constructor(
    readonly entity: EntityKind,
    readonly id: string,
  ) {
    super(`A ${entity} with id ${id} is already on the record`, { entity, id });
  }
}

export class UnknownPromiseError extends DomainError {
  readonly code = 'unknown-promise';
  constructor(readonly promiseId: string) {
    super(`No promise ${promiseId} on this account`, { promiseId });
  }
}

/** A promise already kept, broken or withdrawn gets no second outcome (correct the first instead). */
export class PromiseAlreadyClosedError extends DomainError {
  readonly code = 'promise-already-closed';
  constructor(
    readonly promiseId: string,
    readonly status: string,
  ) {
    super(`Promise ${promiseId} is already ${status}`, { promiseId, status });
  }
}

export class UnknownQuoteError extends DomainError {
  readonly code = 'unknown-quote';
  constructor(readonly quoteId: string) {
    super(`No quote ${quoteId} on this account`, { quoteId });
  }
}

/** The quote was accepted or has expired: it cannot be revised, accepted, expired or discounted. */
export class QuoteNotOpenError extends DomainError {
  readonly code = 'quote-not-open';
  constructor(
    readonly quoteId: string,
    readonly status: string,
  ) {
    super(`Quote ${quoteId} is ${status}`, { quoteId, status });
  }
}

/** Acceptance named a version that a later revision replaced. */
export class QuoteVersionSupersededError extends DomainError {
  readonly code = 'quote-version-superseded';
  constructor(
    readonly quoteId: string,
    readonly version: number,
    readonly currentVersion: number,
  ) {
    super(`Quote ${quoteId} is at version ${currentVersion}, not ${version}`, {
      quoteId,
      version,
      currentVersion,
    });
  }
}

export class QuoteValidityLapsedError extends DomainError {
  readonly code = 'quote-validity-lapsed';
  constructor(
    readonly quoteId: string,
    readonly validUntil: string,
    readonly today: string,
  ) {
    super(`Quote ${quoteId} was valid until ${validUntil}; it is ${today}`, {
      quoteId,
      validUntil,
      today,
    });
  }
}

export class QuoteStillValidError extends DomainError {
  readonly code = 'quote-still-valid';
  constructor(
    readonly quoteId: string,
    readonly validUntil: string,
    readonly today: string,
  ) {
    super(`Quote ${quoteId} is valid until ${validUntil}; it cannot expire on ${today}`, {
      quoteId,
      validUntil,
      today,
    });
  }
}

export class UnknownOrderError extends DomainError {
  readonly code = 'unknown-order';
  constructor(readonly orderId: string) {
    super(`No order ${orderId} on this account`, { orderId });
  }
}

export class OrderAlreadyShippedError extends DomainError {
  readonly code = 'order-already-shipped';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} has already shipped`, { orderId });
  }
}

export class OrderNotShippedError extends DomainError {
  readonly code = 'order-not-shipped';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} has no shipment yet`, { orderId });
  }
}

export class OrderAlreadyDeliveredError extends DomainError {
  readonly code = 'order-already-delivered';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} has already been delivered`, { orderId });
  }
}

export class RushAlreadyPendingError extends DomainError {
  readonly code = 'rush-already-pending';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} already has a rush request awaiting a decision`, { orderId });
  }
}

export class RushNotPendingError extends DomainError {
  readonly code = 'rush-not-pending';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} has no rush request awaiting a decision`, { orderId });
  }
}

export class UnknownComplaintError extends DomainError {
  readonly code = 'unknown-complaint';
  constructor(readonly complaintId: string) {
    super(`No complaint ${complaintId} on this account`, { complaintId });
  }
}

export class ComplaintAlreadyAssessedError extends DomainError {
  readonly code = 'complaint-already-assessed';
  constructor(readonly complaintId: string) {
    super(`Complaint ${complaintId} has already been assessed`, { complaintId });
  }
}

export class UnknownInvoiceError extends DomainError {
  readonly code = 'unknown-invoice';
  constructor(readonly invoiceId: string) {
    super(`No invoice ${invoiceId} on this account`, { invoiceId });
  }
}

export class InvoiceAlreadyPaidError extends DomainError {
  readonly code = 'invoice-already-paid';
  constructor(readonly invoiceId: string) {
    super(`Invoice ${invoiceId} is already paid in full`, { invoiceId });
  }
}

/** Two amounts that must be compared are in different currencies; the domain does no FX. */
export class CurrencyMismatchError extends DomainError {
  readonly code = 'currency-mismatch';
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${what} is in ${actual}, expected ${expected}`, { what, expected, actual });
  }
}

/** The order already ships free under the account's tier: there is no freight to concede. */
export class FreightAlreadyFreeError extends DomainError {
  readonly code = 'freight-already-free';
  constructor(
    readonly orderId: string,
    readonly tierCode: string,
  ) {
    super(`Order ${orderId} already ships free under tier ${tierCode}`, { orderId, tierCode });
  }
}

/** A sum or product left the range where numbers are exact integers (±2^53). */
export class AmountOutOfRangeError extends DomainError {
  readonly code = 'amount-out-of-range';
  constructor(readonly what: string) {
    super(`${what} is too large to compute exactly`, { what });
  }
}
