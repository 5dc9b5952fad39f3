import { HttpStatus, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import {
  APP_CONFIG,
  type AppConfig,
  BackgroundWorkModule,
  registerProblemStatuses,
} from '@onrecord/platform';
import { EventFeed, FEED_OPTIONS, type FeedOptions } from './application/event-feed.service.js';
import {
  LIVE_STREAM_OPTIONS,
  type LiveStreamOptions,
  LiveStreamsService,
} from './application/live-streams.service.js';
import { WebhookDeliveryService } from './application/webhook-delivery.service.js';
import { DELIVERY_OPTIONS, type DeliveryOptions } from './application/webhook-dispatcher.js';
import { WebhookSender } from './application/webhook-sender.port.js';
import { WebhookStore } from './application/webhook-store.port.js';
import { WebhooksService } from './application/webhooks.service.js';
import {
  SINK_OPTIONS,
  type SinkOptions,
  SubscriptionsController,
} from './http/subscriptions.controller.js';
import { WebhooksController } from './http/webhooks.controller.js';
import { FetchWebhookSender } from './infrastructure/fetch-webhook-sender.js';
import {
  type IntegrationsConfig,
  readIntegrationsConfig,
} from './infrastructure/integrations-config.js';
import { SqliteWebhookStore } from './infrastructure/sqlite-webhook-store.js';

const INTEGRATIONS_CONFIG = Symbol('IntegrationsConfig');

registerProblemStatuses({
  'invalid-filter': HttpStatus.BAD_REQUEST,
  'invalid-last-event-id': HttpStatus.BAD_REQUEST,
  'invalid-position': HttpStatus.BAD_REQUEST,
  'position-beyond-head': HttpStatus.BAD_REQUEST,
  'unknown-parameter': HttpStatus.BAD_REQUEST,
  'invalid-webhook': HttpStatus.BAD_REQUEST,
  'webhook-not-found': HttpStatus.NOT_FOUND,
  'too-many-streams': HttpStatus.SERVICE_UNAVAILABLE,
  'shutting-down': HttpStatus.SERVICE_UNAVAILABLE,
});

/** The package's user agent on webhook requests. */
const USER_AGENT = 'OnRecord-Webhooks/0.1 (+https://www.standardwebhooks.com)';

/**
 * Integrations subscribe to the ledger: a Server-Sent Events stream of
 * CloudEvents (`/subscriptions/events`) and signed webhooks (`/webhooks`)
 * delivered at least once, in order, from `<dataDir>/webhooks.sqlite`.
 * Reads ONRECORD_WORKER, ONRECORD_CLOUDEVENTS_SOURCE, ONRECORD_SSE_* and
 * ONRECORD_WEBHOOK_*.
 */
@Module({
  imports: [BackgroundWorkModule],
  controllers: [SubscriptionsController, WebhooksController],
  providers: [
    {
      provide: INTEGRATIONS_CONFIG,
      inject: [APP_CONFIG],
      useFactory: (app: AppConfig): IntegrationsConfig => readIntegrationsConfig(process.env, app),
    },
    {
      provide: FEED_OPTIONS,
      inject: [INTEGRATIONS_CONFIG],
      useFactory: (config: IntegrationsConfig): FeedOptions => ({
        source: config.cloudEventsSource,
      }),
    },
    {
      provide: LIVE_STREAM_OPTIONS,
      inject: [INTEGRATIONS_CONFIG],
      useFactory: ({ sse }: IntegrationsConfig): LiveStreamOptions => ({
        heartbeatMs: sse.heartbeatMs,
        retryMs: sse.retryMs,
        maxStreams: sse.maxStreams,
      }),
    },
    {
      provide: SINK_OPTIONS,
      inject: [INTEGRATIONS_CONFIG],
      useFactory: ({ sse }: IntegrationsConfig): SinkOptions => ({
        stallTimeoutMs: sse.stallTimeoutMs,
      }),
    },
    {
      provide: DELIVERY_OPTIONS,
      inject: [INTEGRATIONS_CONFIG],
      useFactory: ({ webhooks }: IntegrationsConfig): DeliveryOptions => ({
        timeoutMs: webhooks.timeoutMs,
        retry: webhooks.retry,
        maxBodyBytes: webhooks.maxBodyBytes,
        userAgent: USER_AGENT,
      }),
    },
    {
      provide: WebhookStore,
      inject: [INTEGRATIONS_CONFIG],
      useFactory: (config: IntegrationsConfig): WebhookStore =>
        new SqliteWebhookStore(config.webhooks.databaseFile),
    },
    { provide: WebhookSender, useClass: FetchWebhookSender },
    EventFeed,
    LiveStreamsService,
    WebhookDeliveryService,
    WebhooksService,
  ],
  exports: [EventFeed, LiveStreamsService, WebhooksService],
})
export class IntegrationsModule implements OnApplicationShutdown {
  constructor(@Inject(WebhookStore) private readonly webhookStore: WebhookStore) {}

  /** After the dispatchers stopped (onModuleDestroy) and the HTTP server closed. */
  onApplicationShutdown(): void {
    this.webhookStore.close();
  }
}
