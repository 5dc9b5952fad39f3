import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Caller, CurrentCaller, Roles } from '@onrecord/access';
import { AccountQueriesService, accountStreamId } from '@onrecord/commitments';
import { DisputeBundleExportService } from '../application/dispute-bundle-export.service.js';
import type { DisputeBundle } from '../domain/dispute-bundle.js';
import { AccountExportParams, AccountExportQuery, toCount } from './ledger.dto.js';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('accounts')
export class AccountExportController {
  constructor(
    @Inject(AccountQueriesService) private readonly queries: AccountQueriesService,
    @Inject(DisputeBundleExportService) private readonly exporter: DisputeBundleExportService,
  ) {}

  @Get(':accountId/export')
  @Roles('manager', 'auditor', 'sales', 'service')
  @ApiOperation({
    summary:
      "A dispute bundle of the account's events (a revision range, default all): every event with its inclusion proof to one signed checkpoint, verifiable offline",
  })
  async export(
    @Param() params: AccountExportParams,
    @Query() query: AccountExportQuery,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DisputeBundle> {
    // Throws the 404 / 403 problems: unknown account, or a rep not assigned to it.
    await this.queries.current(params.accountId, caller);
    const bundle = await this.exporter.exportStream(accountStreamId(params.accountId), {
      from: toCount(query.from),
      to: toCount(query.to),
    });
    void reply.header(
      'content-disposition',
      `attachment; filename="${bundle.streamId}-r${bundle.fromRevision}-${bundle.toRevision}.bundle.json"`,
    );
    return bundle;
  }
}
