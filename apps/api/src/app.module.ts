import { type DynamicModule, Module } from '@nestjs/common';
import type { Clock } from '@onrecord/kernel';
import type { EventStore } from '@onrecord/event-store';
import { type AppConfig, StoreModule } from '@onrecord/platform';
import { AccessModule } from '@onrecord/access';
import { CommitmentsModule } from '@onrecord/commitments';
import { PrivacyModule } from '@onrecord/privacy';
import { LedgerModule } from '@onrecord/ledger';
import { IntegrationsModule } from '@onrecord/integrations';
import { ClaimsModule } from '@onrecord/claims';
import { HealthController } from './health/health.controller.js';

export interface AppOverrides {
  readonly store?: EventStore;
  readonly clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: AppOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        StoreModule.forRoot(config, overrides),
        AccessModule,
        PrivacyModule,
        CommitmentsModule,
        LedgerModule,
        IntegrationsModule,
        ClaimsModule,
      ],
      controllers: [HealthController],
    };
  }
}
