import { DomainError } from '@onrecord/kernel';

/** One offending input, in the shape every validation problem lists. */
export interface FieldProblem {
  readonly field: string;
  readonly messages: readonly string[];
}

/** A filter names a category that does not exist, or a value that cannot be one. */
export class InvalidFilterError extends DomainError {
  readonly code = 'invalid-filter';
  constructor(
    readonly errors: readonly FieldProblem[],
    allowed: Readonly<Record<string, unknown>>,
  ) {
    super(`Invalid filter: ${errors.map((e) => e.messages.join('; ')).join('; ')}`, {
      errors,
      allowed,
    });
  }
}

/** A `Last-Event-ID` header that is not a position this server hands out. */
export class InvalidLastEventIdError extends DomainError {
  readonly code = 'invalid-last-event-id';
  constructor(value: string) {
    super(
      `Last-Event-ID ${JSON.stringify(value.slice(0, 100))} is not a position: send back the id of the last event received, e.g. "42" or "42:40"`,
      { lastEventId: value.slice(0, 100) },
    );
  }
}

/** A position given as a query or body value that is not a position. */
export class InvalidPositionError extends DomainError {
  readonly code = 'invalid-position';
  constructor(field: string, value: string, allowedWords: readonly string[]) {
    super(
      `${field} ${JSON.stringify(value.slice(0, 100))} must be ${allowedWords.map((w) => `"${w}"`).join(', ')} or a position such as "42" or "42:40"`,
      { field, value: value.slice(0, 100), allowed: allowedWords },
    );
  }
}

/** A resume position after the last event in the store: the caller holds ids this store never issued. */
export class PositionBeyondHeadError extends DomainError {
  readonly code = 'position-beyond-head';
  constructor(position: string, head: string | null) {
    super(
      head === null
        ? `Position ${position} is beyond the end of the log: the store holds no events yet`
        : `Position ${position} is beyond the last event in the store (${head})`,
      { position, head },
    );
  }
}

/** A query parameter the endpoint does not know; silently ignoring it would change what is streamed. */
export class UnknownParameterError extends DomainError {
  readonly code = 'unknown-parameter';
  constructor(names: readonly string[], allowed: readonly string[]) {
    super(`Unknown query parameter(s): ${names.join(', ')}. Allowed: ${allowed.join(', ')}`, {
      unknown: names,
      allowed,
    });
  }
}

export class InvalidWebhookError extends DomainError {
  readonly code = 'invalid-webhook';
  constructor(readonly errors: readonly FieldProblem[]) {
    super(
      `Invalid webhook: ${errors.map((e) => `${e.field}: ${e.messages.join('; ')}`).join('; ')}`,
      {
        errors,
      },
    );
  }
}

export class WebhookNotFoundError extends DomainError {
  readonly code = 'webhook-not-found';
  constructor(id: string) {
    super(`There is no webhook ${id}`, { webhookId: id });
  }
}

/** The server already serves as many live streams as it is configured for. */
export class TooManyStreamsError extends DomainError {
  readonly code = 'too-many-streams';
  constructor(limit: number) {
    super(
      `This server already serves ${limit} live streams (ONRECORD_SSE_MAX_STREAMS); retry later`,
      { limit },
    );
  }
}

/** The server is shutting down: clients reconnect (with Last-Event-ID) to another instance or after the restart. */
export class StreamsClosingError extends DomainError {
  readonly code = 'shutting-down';
  constructor() {
    super('This server is shutting down and takes no new live streams; reconnect shortly');
  }
}
