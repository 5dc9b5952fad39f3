import { DomainError } from '@onrecord/kernel';
import type { ExpectedRevision } from './envelope.js';

/** The stream is not where the writer expected it: someone else wrote first. */
export class WrongExpectedRevisionError extends DomainError {
  readonly code = 'wrong-expected-revision';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId} is at ${String(actual)}, expected ${String(expected)}`, {
      streamId,
      expectedRevision: expected,
      actualRevision: actual,
    });
  }
}

/** An event id was sent again with different content, or into another stream. */
export class EventIdConflictError extends DomainError {
  readonly code = 'event-id-conflict';
  constructor(
    readonly eventId: string,
    reason: string,
  ) {
    super(`Event id ${eventId} is already stored with different content: ${reason}`, {
      eventId,
      reason,
    });
  }
}

/** The event fails the envelope rules; nothing was written. */
export class InvalidEventError extends DomainError {
  readonly code = 'invalid-event';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid event: ${problems.join('; ')}`, { problems });
  }
}

/** A stored event could not be read back (e.g. its bytes were altered on disk). */
export class CorruptEventError extends DomainError {
  readonly code = 'corrupt-event';
  constructor(
    readonly streamId: string,
    readonly revision: number,
    readonly eventId: string,
    reason: string,
  ) {
    super(`Stored event ${eventId} (${streamId}@${revision}) is unreadable: ${reason}`, {
      streamId,
      revision,
      eventId,
      reason,
    });
  }
}

export class StoreClosedError extends DomainError {
  readonly code = 'store-closed';
  constructor() {
    super('The event store is closed');
  }
}
