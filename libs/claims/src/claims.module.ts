import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@onrecord/platform';
import { CommitmentsModule } from '@onrecord/commitments';
import { AccountRecords } from './application/account-records.service.js';
import { AccountViewsService } from './application/account-views.service.js';
import { ClaimsService } from './application/claims.service.js';
import { PortfolioProjection } from './application/portfolio.projection.js';
import { PortfolioService } from './application/portfolio.service.js';
import { ProjectionCheckpoints } from './application/projection-checkpoints.port.js';
import { RecordPresenter } from './application/record-presenter.js';
import { AccountViewsController } from './http/account-views.controller.js';
import { ClaimsController } from './http/claims.controller.js';
import { PortfolioController } from './http/portfolio.controller.js';
import { registerClaimsProblemStatuses } from './http/problem-statuses.js';
import {
  PROJECTIONS_DATABASE_FILE,
  SqliteProjectionCheckpoints,
} from './infrastructure/sqlite-projection-checkpoints.js';

registerClaimsProblemStatuses();

/**
 * Answering from the record: the per-account views (the account now, its
 * timeline, as of a time on either clock, the auditor's replay), the claim
 * check, and the portfolio projections for managers and auditors.
 */
@Module({
  imports: [CommitmentsModule],
  controllers: [AccountViewsController, ClaimsController, PortfolioController],
  providers: [
    AccountRecords,
    RecordPresenter,
    ClaimsService,
    AccountViewsService,
    {
      provide: ProjectionCheckpoints,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): ProjectionCheckpoints =>
        new SqliteProjectionCheckpoints(
          config.store.kind === 'memory'
            ? ':memory:'
            : join(config.dataDir, PROJECTIONS_DATABASE_FILE),
        ),
    },
    PortfolioProjection,
    PortfolioService,
  ],
  exports: [ClaimsService, AccountViewsService, PortfolioService],
})
export class ClaimsModule {}
