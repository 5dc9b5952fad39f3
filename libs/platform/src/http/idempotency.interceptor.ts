import { createHash } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, catchError, from, mergeMap, of } from 'rxjs';
import { Clock, DomainError, canonicalJson } from '@onrecord/kernel';
import { EventStore } from '@onrecord/event-store';
import {
  IdempotencyStore,
  type RememberedResponse,
  isValidIdempotencyKey,
} from '../application/idempotency.js';
import { RequestValidationError, statusForCode, toProblem } from './problem-details.filter.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';

type KeyedRequest = FastifyRequest & { caller?: { actorId: string }; idempotencyKey?: string };

/** Headers a replay repeats. */
const REMEMBERED_HEADERS = ['etag', 'location'];

/**
 * Honours `Idempotency-Key` on writes: the first answer (a success, or a
 * recorded 422 refusal) is remembered per caller and key; a retry with the
 * same key and the same request gets the same status, body and ETag back and
 * stores nothing; the same key on a different request is a 422.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly remembered: IdempotencyStore;

  constructor(
    @Inject(EventStore) store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.remembered = new IdempotencyStore(store);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (request.method === 'GET' || typeof header !== 'string' || !request.caller)
      return next.handle();
    if (!isValidIdempotencyKey(header)) {
      throw new RequestValidationError([
        { field: 'Idempotency-Key', messages: ['must be 1-200 visible ASCII characters'] },
      ]);
    }
    const scope = request.caller.actorId;
    request.idempotencyKey = header;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\u0000${canonicalJson(request.body ?? null)}`)
      .digest('hex');
    const remember = (response: RememberedResponse) =>
      from(this.remembered.remember(scope, header, fingerprint, response, this.clock.now()));

    return from(this.remembered.lookup(scope, header, fingerprint)).pipe(
      mergeMap((earlier) => {
        if (earlier) {
          void reply.status(earlier.status);
          for (const [name, value] of Object.entries(earlier.headers))
            void reply.header(name, value);
          void reply.header(REPLAYED_HEADER, 'true');
          if (earlier.status >= 400) {
            void reply.header('content-type', 'application/problem+json');
          }
          return of(earlier.body);
        }
        return next.handle().pipe(
          mergeMap((body: unknown) => {
            const headers: Record<string, string> = {};
            for (const name of REMEMBERED_HEADERS) {
              const value = reply.getHeader(name);
              if (typeof value === 'string') headers[name] = value;
            }
            return remember({ status: reply.statusCode, body, headers }).pipe(
              mergeMap(() => of(body)),
            );
          }),
          catchError((error: unknown) => {
            // A refusal was recorded as an event: a retry must not record another.
            if (
              error instanceof DomainError &&
              statusForCode(error.code) === 422 &&
              error.details['recorded'] === true
            ) {
              return from(
                this.remembered.remember(
                  scope,
                  header,
                  fingerprint,
                  { status: 422, body: toProblem(error, request), headers: {} },
                  this.clock.now(),
                ),
              ).pipe(
                mergeMap(() => {
                  throw error;
                }),
              );
            }
            throw error;
          }),
        );
      }),
    );
  }
}
