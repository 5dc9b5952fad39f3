/**
 * A failure the caller can act on, with a stable machine-readable code.
 * Errors stay data until the HTTP edge, where one filter maps the code to an
 * RFC 9457 problem type and status.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  /** Extra fields for the problem body: the numbers behind the refusal. */
  readonly details: Readonly<Record<string, unknown>>;

  protected constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}
