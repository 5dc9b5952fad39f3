import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Clock, SystemClock } from '@onrecord/kernel';
import { EventStore, openEventStore } from '@onrecord/event-store';
import type { AppConfig } from './app-config.js';
import { APP_CONFIG } from './tokens.js';

/**
 * Closes the store after the HTTP server has stopped taking requests
 * (onApplicationShutdown runs after Nest closes the server), so appends that
 * were in flight finish and the database is closed cleanly.
 */
@Injectable()
class StoreLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('EventStore');
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    this.logger.log('event store closed');
  }
}

/** Provides the configured EventStore, the AppConfig and the Clock to the whole app. */
@Global()
@Module({})
export class StoreModule {
  static forRoot(
    config: AppConfig,
    overrides: { store?: EventStore; clock?: Clock } = {},
  ): DynamicModule {
    const clock = overrides.clock ?? new SystemClock();
    return {
      module: StoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
        {
          provide: EventStore,
          useFactory: () => overrides.store ?? openEventStore(config.store, clock),
        },
        StoreLifecycle,
      ],
      exports: [APP_CONFIG, Clock, EventStore],
    };
  }
}
