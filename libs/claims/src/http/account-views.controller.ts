import { Readable } from 'node:stream';
import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Caller, CurrentCaller, Roles } from '@onrecord/access';
import {
  type AccountViewAnswer,
  AccountViewsService,
  type AsOfAnswer,
  type ReplayLine,
  type TimelineAnswer,
} from '../application/account-views.service.js';
import type { ScopeKind } from '../domain/claim.js';
import { SCOPE_KINDS } from '../domain/claim.js';
import type { TimelineCategory } from '../domain/event-facets.js';
import { AccountIdParams } from './claims.dto.js';
import { ReplayQueryDto, StateQueryDto, TimelineQueryDto } from './views.dto.js';

export const NDJSON = 'application/x-ndjson';

function parseScope(text: string): { kind: ScopeKind | null; id: string } {
  const at = text.indexOf(':');
  const kind = at > 0 ? text.slice(0, at) : null;
  if (kind !== null && (SCOPE_KINDS as readonly string[]).includes(kind))
    return { kind: kind as ScopeKind, id: text.slice(at + 1) };
  return { kind: null, id: text };
}

async function* ndjson(lines: AsyncIterable<ReplayLine>): AsyncGenerator<string> {
  for await (const line of lines) yield `${JSON.stringify(line)}\n`;
}

/** The per-account views, for the account's reps, managers and auditors. */
@ApiTags('accounts')
@ApiBearerAuth()
@Controller('accounts')
export class AccountViewsController {
  constructor(@Inject(AccountViewsService) private readonly views: AccountViewsService) {}

  @Get(':accountId')
  @Roles('service', 'sales', 'manager', 'auditor')
  @ApiOperation({
    summary:
      'The account as it stands: reps, tier, terms, promises, concessions, complaints, deliveries, rebate, claims; ETag is its revision',
  })
  async get(
    @Param() params: AccountIdParams,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccountViewAnswer> {
    const view = await this.views.current(params.accountId, caller);
    void reply.header('etag', `"${view.revision}"`);
    return view;
  }

  @Get(':accountId/timeline')
  @Roles('service', 'sales', 'manager', 'auditor')
  @ApiOperation({
    summary:
      'Every event, newest first, filterable by category, actor, scope, time on either clock and text; cursor-paginated',
  })
  timeline(
    @Param() params: AccountIdParams,
    @Query() query: TimelineQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<TimelineAnswer> {
    return this.views.timeline(params.accountId, caller, {
      categories: query.category
        ? query.category.split(',').map((c) => c.trim() as TimelineCategory)
        : null,
      actorId: query.actor ?? null,
      scope: query.scope ? parseScope(query.scope) : null,
      clock: query.clock ?? 'recorded',
      fromMs: query.from ? Date.parse(query.from) : null,
      toMs: query.to ? Date.parse(query.to) : null,
      text: query.q ?? null,
      before: query.cursor ? Number(query.cursor.slice(1)) : null,
      limit: query.limit ?? 50,
    });
  }

  @Get(':accountId/state')
  @Roles('service', 'sales', 'manager', 'auditor')
  @ApiOperation({
    summary:
      'The account as it stood at asOf: on the occurred clock what had been said by then, on the recorded clock what the company knew',
  })
  state(
    @Param() params: AccountIdParams,
    @Query() query: StateQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<AsOfAnswer> {
    return this.views.asOf(params.accountId, caller, query.asOf, query.clock ?? 'recorded');
  }

  @Get(':accountId/replay')
  @Roles('service', 'sales', 'manager', 'auditor')
  @ApiProduces(NDJSON)
  @ApiOperation({
    summary:
      'The events in order (NDJSON, streamed), each with the state after it and, for decisions, the policy version applied and why',
  })
  async replay(
    @Param() params: AccountIdParams,
    @Query() query: ReplayQueryDto,
    @CurrentCaller() caller: Caller,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const lines = await this.views.replay(params.accountId, caller, {
      from: query.from ?? 0,
      to: query.to ?? null,
      fullState: query.state === 'full',
    });
    await reply
      .header('content-type', `${NDJSON}; charset=utf-8`)
      .send(Readable.from(ndjson(lines)));
  }
}
