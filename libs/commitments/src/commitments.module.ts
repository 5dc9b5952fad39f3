import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdempotencyInterceptor } from '@onrecord/platform';
import { AccountCommandsService } from './application/account-commands.service.js';
import { AccountQueriesService } from './application/account-queries.service.js';
import { PolicyService } from './application/policy.service.js';
import { AccountHttp } from './http/account-http.js';
import { AccountQueriesController } from './http/account-queries.controller.js';
import { AccountsController } from './http/accounts.controller.js';
import { PoliciesController } from './http/policies.controller.js';
import { registerCommitmentsProblemStatuses } from './http/problem-statuses.js';

registerCommitmentsProblemStatuses();

/** Policies and everything reps record about accounts. */
@Module({
  controllers: [PoliciesController, AccountsController, AccountQueriesController],
  providers: [
    PolicyService,
    AccountCommandsService,
    AccountQueriesService,
    AccountHttp,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
  exports: [PolicyService, AccountCommandsService, AccountQueriesService],
})
export class CommitmentsModule {}
