import { DomainError } from '@onrecord/kernel';

/** The ledger holds no leaf for this event id (unknown, or not yet projected). */
export class EventNotInLedgerError extends DomainError {
  readonly code = 'ledger-event-not-found';
  constructor(eventId: string) {
    super(`The ledger holds no event ${eventId}`, { eventId });
  }
}

/**
 * A tree size or leaf outside what the log can prove, naming the request
 * field at fault and the numbers on both sides.
 */
export class LedgerRangeError extends DomainError {
  readonly code = 'ledger-range';
  constructor(field: string, reason: string, numbers: Record<string, number>) {
    super(reason, { field, ...numbers, errors: [{ field, messages: [reason] }] });
  }
}

/** A revision range outside the account's stream. */
export class RevisionRangeError extends DomainError {
  readonly code = 'revision-range';
  constructor(field: string, reason: string, numbers: Record<string, number>) {
    super(reason, { field, ...numbers, errors: [{ field, messages: [reason] }] });
  }
}

/** No checkpoint was ever signed at that tree size. */
export class CheckpointNotFoundError extends DomainError {
  readonly code = 'checkpoint-not-found';
  constructor(treeSize: number, latestTreeSize: number | null) {
    super(
      `No checkpoint was signed at tree size ${treeSize}` +
        (latestTreeSize === null ? '' : ` (the latest is at ${latestTreeSize})`),
      { treeSize, latestTreeSize },
    );
  }
}

/** The projection has stopped or is stopping: the ledger cannot answer for new events now. */
export class LedgerUnavailableError extends DomainError {
  readonly code = 'ledger-unavailable';
  constructor(reason: string) {
    super(`The ledger is unavailable: ${reason}`, { reason });
  }
}

/**
 * ledger.sqlite does not describe this event store: its last leaf is not the
 * event the store holds at that position. Appending on top would sign a log
 * that is not the store's, so the ledger refuses to start.
 */
export class LedgerOutOfStepError extends DomainError {
  readonly code = 'ledger-out-of-step';
  constructor(reason: string) {
    super(
      `The ledger does not match the event store: ${reason}. If the store was replaced on purpose, ` +
        'move ledger.sqlite aside (it keeps the old signed checkpoints) and restart to rebuild the log from the events.',
      { reason },
    );
  }
}
