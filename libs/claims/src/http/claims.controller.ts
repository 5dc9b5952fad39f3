import { Body, Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller, Roles } from '@onrecord/access';
import { toPlain } from '@onrecord/platform';
import type { Counterparty } from '@onrecord/privacy';
import {
  type ClaimAnswer,
  ClaimsService,
  type RecordedClaim,
} from '../application/claims.service.js';
import { AccountIdParams, ClaimCheckDto, RecordClaimDto, toClaim } from './claims.dto.js';

type KeyedRequest = FastifyRequest & { idempotencyKey?: string };

/** A customer's claim, answered from the record while they are still on the line. */
@ApiTags('claims')
@ApiBearerAuth()
@Controller('accounts')
export class ClaimsController {
  constructor(@Inject(ClaimsService) private readonly claims: ClaimsService) {}

  @Post(':accountId/claims/check')
  @HttpCode(200)
  @Roles('service', 'sales', 'manager', 'auditor')
  @ApiOperation({
    summary:
      'Check a claim against the record: verdict (supported, contradicted, no_record), evidence, what was in force, notes. Records nothing',
  })
  check(
    @Param() params: AccountIdParams,
    @Body() body: ClaimCheckDto,
    @CurrentCaller() caller: Caller,
  ): Promise<ClaimAnswer> {
    return this.claims.check(params.accountId, toClaim(body), caller);
  }

  @Post(':accountId/claims')
  @Roles('service', 'sales', 'manager')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key gets the first answer',
  })
  @ApiOperation({
    summary: 'Check a claim and record it with its verdict and evidence ids on the account',
  })
  async record(
    @Param() params: AccountIdParams,
    @Body() body: RecordClaimDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedClaim> {
    const keyed = request as KeyedRequest;
    const recorded = await this.claims.record(
      params.accountId,
      toClaim(body),
      body.claimId,
      caller,
      {
        channel: body.channel,
        ...(body.occurredAt ? { occurredAt: body.occurredAt } : {}),
        ...(body.counterparty ? { counterparty: toPlain<Counterparty>(body.counterparty) } : {}),
      },
      {
        ...(keyed.idempotencyKey ? { idempotencyKey: keyed.idempotencyKey } : {}),
        requestId: String(request.id),
        route: `${request.method} ${request.routeOptions.url ?? request.url}:${params.accountId}`,
      },
    );
    void reply.header('etag', `"${recorded.recorded.revision}"`);
    void reply.status(201);
    return recorded;
  }
}
