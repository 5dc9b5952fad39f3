import type { JsonObject } from '@onrecord/kernel';
import type { StoredEvent } from '@onrecord/event-store';

/** The streams the integration feed publishes, and what each event is about. */
export type FeedStreamKind = 'account' | 'policy';

/**
 * One ledger event as a CloudEvents 1.0 JSON object (structured mode).
 * Extension attributes carry the envelope an integration needs to order,
 * resume and trust an event without a second call.
 */
export interface CloudEventJson {
  readonly specversion: '1.0';
  /** The event id: stable, the consumer's idempotency key. */
  readonly id: string;
  readonly source: string;
  /** `com.onrecord.<stream kind>.<EventType>.v<schemaVersion>`. */
  readonly type: string;
  /** The account id; absent for the policy stream. */
  readonly subject?: string;
  /** recordedAt: when the store accepted the event. */
  readonly time: string;
  readonly datacontenttype: 'application/json';
  /** The event's business payload, as stored. */
  readonly data: JsonObject;
  /** Global position (`42` or `42:40`): the SSE id and the resume point. */
  readonly position: string;
  /**
   * Sequence extension: the event's revision in its stream, zero-padded to
   * 16 digits so it orders as a string, as the extension requires.
   */
  readonly sequence: string;
  /** When it was said (ISO 8601); `time` is when it was recorded. */
  readonly occurredat: string;
  readonly actorid: string;
  readonly actorrole: string;
  readonly channel?: string;
  readonly correlationid?: string;
  readonly causationid?: string;
  /** The event's hash in its stream's chain (SHA-256, hex). */
  readonly eventhash: string;
}

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

export function cloudEventType(kind: FeedStreamKind, type: string, schemaVersion: number): string {
  return `com.onrecord.${kind}.${type}.v${schemaVersion}`;
}

export function cloudEventOf(
  event: StoredEvent,
  published: {
    readonly source: string;
    readonly kind: FeedStreamKind;
    readonly accountId: string | null;
    readonly position: string;
  },
): CloudEventJson {
  const { metadata } = event;
  return {
    specversion: '1.0',
    id: event.id,
    source: published.source,
    type: cloudEventType(published.kind, event.type, event.schemaVersion),
    ...(published.accountId === null ? {} : { subject: published.accountId }),
    time: event.recordedAt,
    datacontenttype: 'application/json',
    data: event.data,
    position: published.position,
    sequence: String(event.revision).padStart(16, '0'),
    occurredat: metadata.occurredAt,
    actorid: metadata.actor.id,
    actorrole: metadata.actor.role,
    ...(metadata.channel ? { channel: metadata.channel } : {}),
    ...(metadata.correlationId ? { correlationid: metadata.correlationId } : {}),
    ...(metadata.causationId ? { causationid: metadata.causationId } : {}),
    eventhash: event.hash,
  };
}
