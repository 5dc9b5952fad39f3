import { canonicalJson, findNonJson, isJsonObject } from '@onrecord/kernel';
import type {
  AppendResult,
  EventMetadata,
  ExpectedRevision,
  NewEvent,
  Position,
  StoredEvent,
} from './envelope.js';
import {
  EventIdConflictError,
  InvalidEventError,
  WrongExpectedRevisionError,
} from './event-store-errors.js';
import { GENESIS_HASH, canonicalBodyText, sha256Link } from './hash-chain.js';

/** Largest accepted `data` + `metadata` of one event, as UTF-8 JSON. */
export const MAX_EVENT_BYTES = 256 * 1024;
/** Largest number of events in one append. */
export const MAX_EVENTS_PER_APPEND = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;
const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Metadata as it will be stored: optional fields left undefined are dropped, not hashed. */
export function normalizeMetadata(metadata: NewEvent['metadata']): NewEvent['metadata'] {
  return JSON.parse(JSON.stringify(metadata)) as NewEvent['metadata'];
}

/**
 * An event that passed every envelope rule, with what validating it had to
 * work out anyway: its metadata as stored, that metadata's JSON text, and the
 * canonical (RFC 8785) text of its data and metadata. Chaining, storing and
 * hashing reuse these instead of serialising the event again.
 */
export interface PreparedEvent {
  readonly event: NewEvent;
  /** normalizeMetadata(event.metadata). */
  readonly metadata: EventMetadata;
  /** JSON.stringify(metadata): the stored text. */
  readonly metadataJson: string;
  readonly canonicalData: string;
  readonly canonicalMetadata: string;
}

/** The stream's last event as the store sees it when the append is judged. */
export interface StreamHead {
  readonly revision: number;
  readonly hash: string;
}

export function validateStreamId(streamId: unknown): string[] {
  return typeof streamId === 'string' && STREAM_ID.test(streamId)
    ? []
    : [`streamId must match ${STREAM_ID.source}`];
}

export function validateExpectedRevision(expected: unknown): string[] {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return [];
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return [];
  return ['expectedRevision must be any, no_stream, stream_exists or a revision >= 0'];
}

/**
 * Every envelope rule, checked before anything is written. Returns the events
 * prepared for chainEvents, in the same order.
 */
export function validateNewEvents(streamId: string, events: readonly NewEvent[]): PreparedEvent[] {
  const problems = [...validateStreamId(streamId)];
  if (!Array.isArray(events) || events.length === 0)
    problems.push('at least one event is required');
  else if (events.length > MAX_EVENTS_PER_APPEND)
    problems.push(`at most ${MAX_EVENTS_PER_APPEND} events per append`);
  const seen = new Set<string>();
  const list: readonly NewEvent[] = Array.isArray(events) ? events : [];
  const prepared: PreparedEvent[] = [];
  list.forEach((event, i) => {
    const at = `events[${i}]`;
    if (typeof event !== 'object' || event === null) {
      problems.push(`${at} is not an object`);
      return;
    }
    if (typeof event.id !== 'string' || !UUID.test(event.id))
      problems.push(`${at}.id must be a UUID`);
    else if (seen.has(event.id.toLowerCase()))
      problems.push(`${at}.id repeats an id in the same append`);
    else seen.add(event.id.toLowerCase());
    if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type))
      problems.push(`${at}.type must match ${EVENT_TYPE.source}`);
    if (
      event.schemaVersion !== undefined &&
      !(Number.isSafeInteger(event.schemaVersion) && event.schemaVersion >= 1)
    ) {
      problems.push(`${at}.schemaVersion must be an integer >= 1`);
    }
    if (!isJsonObject(event.data)) {
      problems.push(
        `${at}.data must be a JSON object${event.data === undefined ? '' : ` (${findNonJson(event.data) ?? 'not an object'})`}`,
      );
    }
    const meta = event.metadata as Partial<NewEvent['metadata']> | undefined;
    if (!meta || typeof meta !== 'object') {
      problems.push(`${at}.metadata is required`);
      return;
    }
    const metadataJson = JSON.stringify(meta);
    const metadata = JSON.parse(metadataJson) as EventMetadata;
    const nonJson = findNonJson(metadata);
    if (nonJson) problems.push(`${at}.metadata is not JSON: ${nonJson}`);
    if (
      typeof meta.occurredAt !== 'string' ||
      !ISO_INSTANT.test(meta.occurredAt) ||
      Number.isNaN(Date.parse(meta.occurredAt))
    ) {
      problems.push(`${at}.metadata.occurredAt must be an ISO 8601 instant`);
    }
    if (
      !meta.actor ||
      typeof meta.actor.id !== 'string' ||
      !meta.actor.id ||
      typeof meta.actor.role !== 'string' ||
      !meta.actor.role
    ) {
      problems.push(`${at}.metadata.actor must have an id and a role`);
    }
    if (problems.length === 0) {
      // Plain JSON (checked above) has canonical text exactly as long as its
      // JSON.stringify text: the same tokens, members in another order.
      const canonicalData = canonicalJson(event.data);
      const size = Buffer.byteLength(canonicalData) + Buffer.byteLength(metadataJson);
      if (size > MAX_EVENT_BYTES)
        problems.push(`${at} is ${size} bytes; the limit is ${MAX_EVENT_BYTES}`);
      else
        prepared.push({
          event,
          metadata,
          metadataJson,
          canonicalData,
          canonicalMetadata: canonicalJson(metadata),
        });
    }
  });
  if (problems.length > 0) throw new InvalidEventError(problems);
  return prepared;
}

export function checkExpectedRevision(
  streamId: string,
  expected: ExpectedRevision,
  head: StreamHead | null,
): void {
  const actual = head ? head.revision : 'no_stream';
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && head === null) ||
    (expected === 'stream_exists' && head !== null) ||
    (typeof expected === 'number' && head !== null && head.revision === expected);
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, actual);
}

/** What makes two sends of the same event id "the same event". */
function sameContent(stored: StoredEvent, sent: NewEvent, streamId: string): string | null {
  if (stored.streamId !== streamId) return `it is stored in stream ${stored.streamId}`;
  if (stored.type !== sent.type) return `stored type is ${stored.type}`;
  if (stored.schemaVersion !== (sent.schemaVersion ?? 1))
    return `stored schema version is ${stored.schemaVersion}`;
  if (canonicalJson(stored.data) !== canonicalJson(sent.data)) return 'stored data differs';
  if (canonicalJson(stored.metadata) !== canonicalJson(normalizeMetadata(sent.metadata)))
    return 'stored metadata differs';
  return null;
}

/**
 * Idempotency: when every event id of the append is already stored with the
 * same content, the append is a retry and gets the original result. A partial
 * overlap or changed content is an error, never a silent merge.
 */
export function replayedAppend(
  streamId: string,
  events: readonly NewEvent[],
  stored: ReadonlyMap<string, StoredEvent>,
): AppendResult | null {
  if (stored.size === 0) return null;
  const originals: StoredEvent[] = [];
  for (const event of events) {
    const original = stored.get(event.id.toLowerCase());
    if (!original) {
      const [someId] = stored.keys();
      throw new EventIdConflictError(
        someId!,
        'part of this append is already stored; re-send the original append unchanged',
      );
    }
    const difference = sameContent(original, event, streamId);
    if (difference) throw new EventIdConflictError(event.id, difference);
    originals.push(original);
  }
  originals.sort((a, b) => a.revision - b.revision);
  const last = originals[originals.length - 1]!;
  return {
    streamId,
    nextExpectedRevision: last.revision,
    position: last.position,
    events: originals,
  };
}

/**
 * Builds the stored envelopes of an accepted append: revisions after the head,
 * the hash chain, and recordedAt from the store's clock. Positions come from
 * the caller, which owns the global order. Each event is hashed from the
 * canonical text its validation prepared, not serialised again.
 */
export function chainEvents(
  streamId: string,
  events: readonly PreparedEvent[],
  head: StreamHead | null,
  recordedAt: string,
  positionOf: (index: number) => Position,
): StoredEvent[] {
  let revision = head ? head.revision : -1;
  let prevHash = head ? head.hash : GENESIS_HASH;
  return events.map((prepared, index) => {
    revision += 1;
    const { event } = prepared;
    const body = {
      id: event.id.toLowerCase(),
      type: event.type,
      schemaVersion: event.schemaVersion ?? 1,
      streamId,
      revision,
      data: event.data,
      metadata: prepared.metadata,
      recordedAt,
      prevHash,
    };
    const hash = sha256Link(
      prevHash,
      canonicalBodyText(body, prepared.canonicalData, prepared.canonicalMetadata),
    );
    prevHash = hash;
    return { ...body, position: positionOf(index), hash };
  });
}
