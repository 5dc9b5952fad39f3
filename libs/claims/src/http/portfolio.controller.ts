import { Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@onrecord/access';
import type { ProjectionStatus } from '../application/portfolio.projection.js';
import { PortfolioService } from '../application/portfolio.service.js';
import { PortfolioAccountsQueryDto, PortfolioQueryDto } from './views.dto.js';

/** Cross-account views for managers and auditors, read from the portfolio projection. */
@ApiTags('portfolio')
@ApiBearerAuth()
@Controller('portfolio')
export class PortfolioController {
  constructor(@Inject(PortfolioService) private readonly portfolio: PortfolioService) {}

  @Get('accounts')
  @Roles('manager', 'auditor')
  @ApiOperation({
    summary:
      'Every account with revenue, GP, concessions, complaints, rushes, late orders, payment days late, forecast error and cost to serve; sort=netContribution puts the accounts that cost most and earn least first',
  })
  accounts(@Query() query: PortfolioAccountsQueryDto): Promise<object> {
    return this.portfolio.accounts(query);
  }

  @Get('reps')
  @Roles('manager', 'auditor')
  @ApiOperation({
    summary:
      'Per rep: GP on quotes and orders, concessions granted and refused, special situations, claims their record decided',
  })
  reps(@Query() query: PortfolioQueryDto): Promise<object> {
    return this.portfolio.reps(query);
  }

  @Get('exceptions')
  @Roles('manager', 'auditor')
  @ApiOperation({
    summary: 'Special situations by account and rep, with the share of accounts that have any',
  })
  exceptions(@Query() query: PortfolioQueryDto): Promise<object> {
    return this.portfolio.exceptions(query);
  }

  @Get('status')
  @Roles('manager', 'auditor')
  @ApiOperation({ summary: "The projection's position, checkpoint and counts" })
  status(): ProjectionStatus {
    return this.portfolio.status();
  }

  @Post('rebuild')
  @HttpCode(200)
  @Roles('manager')
  @ApiOperation({ summary: 'Drop the portfolio projection and rebuild it from the log' })
  rebuild(): Promise<ProjectionStatus> {
    return this.portfolio.rebuild();
  }
}
