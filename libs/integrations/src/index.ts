// The public surface of the integrations capability. Callers outside this
// lib import from `@onrecord/integrations`, never from its inner files.

export {
  EVENT_CATEGORIES,
  type EventCategory,
  categoryOf,
  eventCatalogue,
} from './domain/event-category.js';
export { type EventFilter, MATCH_EVERYTHING, parseEventFilter } from './domain/event-filter.js';
export {
  type CloudEventJson,
  CLOUDEVENTS_CONTENT_TYPE,
  cloudEventType,
} from './domain/cloud-event.js';
export { signWebhook, type WebhookSignatureHeaders } from './domain/webhook-signature.js';
export { type RetryPolicy, retryDelayMs } from './domain/retry-schedule.js';
export {
  InvalidFilterError,
  InvalidLastEventIdError,
  InvalidPositionError,
  PositionBeyondHeadError,
  UnknownParameterError,
  InvalidWebhookError,
  WebhookNotFoundError,
  TooManyStreamsError,
  StreamsClosingError,
} from './domain/integrations.errors.js';
export { EventFeed, type FeedEvent, feedEventOf } from './application/event-feed.service.js';
export { LiveStreamsService, type LiveStreamView } from './application/live-streams.service.js';
export {
  WebhooksService,
  type WebhookView,
  type RegisteredWebhook,
  type DeliveriesView,
} from './application/webhooks.service.js';
export { type DeliveryAttempt, DeliveryLog } from './application/delivery-log.port.js';
export { WebhookSender } from './application/webhook-sender.port.js';
export { WEBHOOK_REGISTRY_STREAM } from './domain/webhook-registry.js';
export { WEBHOOK_PROGRESS_STREAM_PREFIX } from './domain/webhook-progress.js';
export {
  type IntegrationsConfig,
  readIntegrationsConfig,
  WEBHOOK_DELIVERIES_FILE,
  WEBHOOK_KEY_FILE,
  MAX_DELIVERY_BYTES,
} from './infrastructure/integrations-config.js';
export { IntegrationsModule } from './integrations.module.js';
