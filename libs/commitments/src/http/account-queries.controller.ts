import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { type Caller, CurrentCaller, Roles } from '@onrecord/access';
import { formatPosition } from '@onrecord/event-store';
import { AccountQueriesService } from '../application/account-queries.service.js';
import { AccountParams } from './account-commands.dto.js';

export class EventPageQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) fromRevision?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

// GET /accounts/:accountId (the account as it stands) is served by the claims
// capability's AccountViewsController, with the views built on the same record.
@ApiTags('accounts')
@ApiBearerAuth()
@Controller('accounts')
export class AccountQueriesController {
  constructor(@Inject(AccountQueriesService) private readonly queries: AccountQueriesService) {}

  @Get(':accountId/events')
  @Roles('service', 'sales', 'manager', 'auditor')
  @ApiOperation({ summary: "The account's events in order, with their full envelopes" })
  async events(
    @Param() params: AccountParams,
    @Query() query: EventPageQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<object> {
    const limit = query.limit ?? 100;
    const events = await this.queries.events(
      params.accountId,
      caller,
      query.fromRevision ?? 0,
      limit,
    );
    return {
      events: events.map((event) => ({ ...event, position: formatPosition(event.position) })),
      next: events.length === limit ? events[events.length - 1]!.revision + 1 : null,
    };
  }
}
