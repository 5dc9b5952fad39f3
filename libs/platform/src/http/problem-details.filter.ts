import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@onrecord/kernel';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, problemType } from './problem-details.js';

/**
 * HTTP status per domain error code. A code not listed is a refused business
 * decision (422): the rule said no.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  'invalid-event': HttpStatus.BAD_REQUEST,
  'validation-failed': HttpStatus.BAD_REQUEST,
  'wrong-expected-revision': HttpStatus.CONFLICT,
  'event-id-conflict': HttpStatus.CONFLICT,
  'idempotency-key-reused': HttpStatus.UNPROCESSABLE_ENTITY,
  'precondition-failed': HttpStatus.PRECONDITION_FAILED,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  'not-assigned': HttpStatus.FORBIDDEN,
  'role-not-allowed': HttpStatus.FORBIDDEN,
  'store-closed': HttpStatus.SERVICE_UNAVAILABLE,
  'corrupt-event': HttpStatus.INTERNAL_SERVER_ERROR,
};

const registered = new Map<string, number>();

/**
 * Lets a capability say which HTTP status its own error codes mean, from its
 * own module, so this filter needs no knowledge of any capability.
 */
export function registerProblemStatuses(statuses: Readonly<Record<string, number>>): void {
  for (const [code, status] of Object.entries(statuses)) registered.set(code, status);
}

export function statusForCode(code: string): number {
  const own = registered.get(code);
  if (own !== undefined) return own;
  if (code in STATUS_BY_CODE) return STATUS_BY_CODE[code]!;
  if (code.endsWith('-not-found')) return HttpStatus.NOT_FOUND;
  if (code.endsWith('-already-exists') || code.endsWith('-conflict')) return HttpStatus.CONFLICT;
  return HttpStatus.UNPROCESSABLE_ENTITY;
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Refused',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** Field-level validation failure: one entry per offending field. */
export interface FieldError {
  readonly field: string;
  readonly messages: readonly string[];
}

/** Thrown by the validation pipe with every bad field listed. */
export class RequestValidationError extends BadRequestException {
  constructor(readonly errors: readonly FieldError[]) {
    super('Request validation failed');
  }
}

/** The one place where errors become application/problem+json (RFC 9457). */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const reply = context.getResponse<FastifyReply>();
    const request = context.getRequest<FastifyRequest>();
    const problem = toProblem(exception, request);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, reqId: request.id }, problem.detail);
    }
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}

/** The problem document for any error, as the API answers it. */
export function toProblem(
  exception: unknown,
  request: Pick<FastifyRequest, 'url' | 'id'>,
): ProblemDetails {
  const instance = request.url;
  if (exception instanceof DomainError) {
    const status = statusForCode(exception.code);
    return {
      type: problemType(exception.code),
      title: TITLES[status] ?? 'Error',
      status,
      detail: exception.message,
      instance,
      code: exception.code,
      ...exception.details,
    };
  }
  if (exception instanceof RequestValidationError) {
    return {
      type: problemType('validation-failed'),
      title: 'Bad request',
      status: 400,
      detail: `Request validation failed: ${exception.errors.map((e) => e.field).join(', ')}`,
      instance,
      code: 'validation-failed',
      errors: exception.errors,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = codeForHttpStatus(status);
    return {
      type: problemType(code),
      title: TITLES[status] ?? 'Error',
      status,
      detail: exception.message,
      instance,
      code,
    };
  }
  const fastifyStatus = fastifyErrorStatus(exception);
  if (fastifyStatus !== null) {
    const code = codeForHttpStatus(fastifyStatus);
    return {
      type: problemType(code),
      title: TITLES[fastifyStatus] ?? 'Error',
      status: fastifyStatus,
      detail: (exception as Error).message,
      instance,
      code,
    };
  }
  return {
    type: problemType('internal-error'),
    title: 'Internal error',
    status: 500,
    detail: 'An unexpected error occurred; it has been logged with the request id.',
    instance,
    code: 'internal-error',
    requestId: request.id,
  };
}

function codeForHttpStatus(status: number): string {
  switch (status) {
    case 400:
      return 'bad-request';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return 'conflict';
    case 412:
      return 'precondition-failed';
    case 413:
      return 'payload-too-large';
    case 415:
      return 'unsupported-media-type';
    default:
      return status >= 500 ? 'internal-error' : 'http-error';
  }
}

/** Fastify's own client errors (bad JSON, body too large) carry a 4xx statusCode. */
function fastifyErrorStatus(exception: unknown): number | null {
  if (typeof exception !== 'object' || exception === null) return null;
  const status = (exception as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}
