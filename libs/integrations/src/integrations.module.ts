import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  HttpStatus,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
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
import { DeliveryLog } from './application/delivery-log.port.js';
import {
  CHECKPOINT_OPTIONS,
  type CheckpointOptions,
  WebhookCheckpoints,
} from './application/webhook-checkpoints.js';
import { WebhookDeliveryService } from './application/webhook-delivery.service.js';
import { DELIVERY_OPTIONS, type DeliveryOptions } from './application/webhook-dispatcher.js';
import { WebhookRegistry } from './application/webhook-registry.js';
import { WebhookSecretBox } from './application/webhook-secret-box.port.js';
import { WebhookSender } from './application/webhook-sender.port.js';
import { WebhooksService } from './application/webhooks.service.js';
import {
  SINK_OPTIONS,
  type SinkOptions,
  SubscriptionsController,
} from './http/subscriptions.controller.js';
import { WebhooksController } from './http/webhooks.controller.js';
import { AesGcmSecretBox } from './infrastructure/aes-gcm-secret-box.js';
import { FetchWebhookSender } from './infrastructure/fetch-webhook-sender.js';
import {
  type IntegrationsConfig,
  readIntegrationsConfig,
} from './infrastructure/integrations-config.js';
import { SqliteDeliveryLog } from './infrastructure/sqlite-delivery-log.js';
import { WEBHOOK_KEY_BYTES, loadWebhookKeyFile } from './infrastructure/webhook-key-file.js';

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

/** The key webhook secrets are sealed under: the configured file, or one for this process only. */
function webhookSecretBox({ webhooks }: IntegrationsConfig): WebhookSecretBox {
  if (webhooks.key.kind === 'ephemeral') return new AesGcmSecretBox(randomBytes(WEBHOOK_KEY_BYTES));
  const loaded = loadWebhookKeyFile(webhooks.key.file, { create: webhooks.key.create });
  if (loaded.created) {
    new Logger('Webhooks').warn(
      `generated the webhook key ${webhooks.key.file} (mode 0600): back it up with the data; webhook secrets in the event log open only with it`,
    );
  }
  return new AesGcmSecretBox(loaded.key);
}

/**
 * Integrations subscribe to the ledger: a Server-Sent Events stream of
 * CloudEvents (`/subscriptions/events`) and signed webhooks (`/webhooks`)
 * delivered at least once, in order. Webhooks live in the event store
 * (the `webhooks` stream, secrets sealed, and per-webhook progress
 * checkpoints), so every replica shows the same ones and whichever holds
 * the background-work lease delivers them; each replica keeps only its own
 * attempts log in `<dataDir>/webhook-deliveries.sqlite`. Reads
 * ONRECORD_CLOUDEVENTS_SOURCE, ONRECORD_SSE_* and ONRECORD_WEBHOOK_* (and,
 * through the platform, ONRECORD_WORKER*).
 */
@Module({
  imports: [BackgroundWorkModule],
  controllers: [SubscriptionsController, WebhooksController],
  providers: [
    {
      provide: INTEGRATIONS_CONFIG,
      inject: [APP_CONFIG],
      useFactory: (app: AppConfig): IntegrationsConfig => readIntegrationsConfig(app.env, app),
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
      provide: CHECKPOINT_OPTIONS,
      inject: [INTEGRATIONS_CONFIG],
      useFactory: ({ webhooks }: IntegrationsConfig): CheckpointOptions => ({
        intervalMs: webhooks.checkpointIntervalMs,
      }),
    },
    { provide: WebhookSecretBox, inject: [INTEGRATIONS_CONFIG], useFactory: webhookSecretBox },
    {
      provide: DeliveryLog,
      inject: [INTEGRATIONS_CONFIG],
      useFactory: (config: IntegrationsConfig): DeliveryLog =>
        new SqliteDeliveryLog(config.webhooks.deliveryLogFile),
    },
    { provide: WebhookSender, useClass: FetchWebhookSender },
    EventFeed,
    LiveStreamsService,
    WebhookRegistry,
    WebhookCheckpoints,
    WebhookDeliveryService,
    WebhooksService,
  ],
  exports: [EventFeed, LiveStreamsService, WebhooksService],
})
export class IntegrationsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(DeliveryLog) private readonly deliveryLog: DeliveryLog,
    @Inject(INTEGRATIONS_CONFIG) private readonly config: IntegrationsConfig,
  ) {}

  onApplicationBootstrap(): void {
    const legacy = this.config.webhooks.legacyStoreFile;
    if (legacy && existsSync(legacy)) {
      new Logger('Webhooks').warn(
        `${legacy} is from an earlier version and is no longer read: webhooks now live in the event store. Register the webhooks it held again (GET /webhooks shows the ones in force), then delete the file.`,
      );
    }
  }

  /** After the dispatchers stopped (onModuleDestroy) and the HTTP server closed. */
  onApplicationShutdown(): void {
    this.deliveryLog.close();
  }
}
