/** RFC 9457 problem details, as every OnRecord error leaves the API. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Stable problem type URI for a code: clients switch on this, never on `detail`. */
export function problemType(code: string): string {
  return `urn:onrecord:problem:${code}`;
}
