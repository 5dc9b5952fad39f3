import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@onrecord/kernel';
import type { Caller } from '@onrecord/access';
import { RequestValidationError } from '@onrecord/platform';
import type { AccountCommand } from '../domain/account.commands.js';
import {
  AccountCommandsService,
  type RecordingResult,
} from '../application/account-commands.service.js';
import { type RecordingDto, splitRecording } from './recording.dto.js';

export function etagOf(revision: number): string {
  return `"${revision}"`;
}

/** Reads If-Match: `"<revision>"`. Anything else is a 400, not a silent overwrite. */
export function parseIfMatch(header: unknown): number | undefined {
  if (header === undefined) return undefined;
  const match = typeof header === 'string' ? /^(?:W\/)?"(\d{1,15})"$/.exec(header.trim()) : null;
  if (!match) {
    throw new RequestValidationError([
      { field: 'If-Match', messages: ['must be an ETag this API returned, like "3"'] },
    ]);
  }
  return Number(match[1]);
}

type KeyedRequest = FastifyRequest & { idempotencyKey?: string };

/** The HTTP half of recording: headers in (If-Match, Idempotency-Key, request id), ETag and status out. */
@Injectable()
export class AccountHttp {
  constructor(@Inject(AccountCommandsService) private readonly accounts: AccountCommandsService) {}

  async record<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    caller: Caller,
    accountId: string,
    body: RecordingDto,
    toCommand: (data: T) => AccountCommand,
  ): Promise<RecordingResult> {
    const { recording, data } = splitRecording<T>(body);
    const ifMatch = parseIfMatch(request.headers['if-match']);
    const keyed = request as KeyedRequest;
    try {
      const result = await this.accounts.record(accountId, toCommand(data), caller, recording, {
        ...(ifMatch !== undefined ? { ifMatch } : {}),
        ...(keyed.idempotencyKey ? { idempotencyKey: keyed.idempotencyKey } : {}),
        requestId: String(request.id),
        route: `${request.method} ${request.routeOptions.url ?? request.url}:${accountId}`,
      });
      void reply.header('etag', etagOf(result.revision));
      void reply.status(result.events.length > 0 ? 201 : 200);
      return result;
    } catch (error) {
      if (error instanceof DomainError && typeof error.details['revision'] === 'number') {
        void reply.header('etag', etagOf(error.details['revision']));
      }
      throw error;
    }
  }
}
