import { Inject, Injectable } from '@nestjs/common';
import { ACCOUNT_STREAM_PREFIX, POLICY_STREAM } from '@onrecord/commitments';
import {
  type AllFilter,
  EventStore,
  type Position,
  type StoredEvent,
  comparePositions,
  formatPosition,
} from '@onrecord/event-store';
import { categoryOf } from '../domain/event-category.js';
import { type EventFilter, type Filterable, matchesFilter } from '../domain/event-filter.js';
import { type CloudEventJson, type FeedStreamKind, cloudEventOf } from '../domain/cloud-event.js';
import { PositionBeyondHeadError } from '../domain/integrations.errors.js';
import type { StreamStart } from '../domain/stream-start.js';

/** A stored event the feed publishes, with what filters and CloudEvents need. */
export interface FeedEvent extends Filterable {
  readonly event: StoredEvent;
  readonly kind: FeedStreamKind;
  /** The global position as written on the wire: the SSE id and the resume point. */
  readonly position: string;
}

export type FeedItem =
  { readonly kind: 'event'; readonly feed: FeedEvent } | { readonly kind: 'caught-up' };

/** A pull-based subscription to the feed: history, one `caught-up`, then live. */
export interface FeedSubscription extends AsyncIterable<FeedItem> {
  close(): Promise<void>;
}

export interface FeedOptions {
  /** The CloudEvents `source` of every published event. */
  readonly source: string;
}

/** Injection token of FeedOptions. */
export const FEED_OPTIONS = Symbol('FeedOptions');

/**
 * Which events leave the server: the account streams (everything said to an
 * account) and the policy stream (the rules in force). Actor streams (keys),
 * contact streams (personal data), the webhooks' own registry and progress
 * streams (so delivering can never feed delivery), leases and anything else
 * stay inside.
 */
export function feedEventOf(event: StoredEvent): FeedEvent | null {
  let kind: FeedStreamKind;
  let accountId: string | null;
  if (event.streamId.startsWith(ACCOUNT_STREAM_PREFIX)) {
    kind = 'account';
    accountId = event.streamId.slice(ACCOUNT_STREAM_PREFIX.length);
  } else if (event.streamId === POLICY_STREAM) {
    kind = 'policy';
    accountId = null;
  } else {
    return null;
  }
  return {
    event,
    kind,
    accountId,
    type: event.type,
    category: categoryOf(event.type),
    position: formatPosition(event.position),
  };
}

/**
 * The integration feed over the event store's catch-up subscription: the
 * one place that decides what is published, how it is filtered and how it
 * looks as a CloudEvent, for live streams and webhooks alike.
 */
@Injectable()
export class EventFeed {
  private readonly feedEvents = new WeakMap<StoredEvent, FeedEvent | null>();

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(FEED_OPTIONS) private readonly options: FeedOptions,
  ) {}

  /** Position of the last event in the store, or null when it is empty. */
  async head(): Promise<Position | null> {
    const [last] = await this.store.readAll({
      direction: 'backwards',
      fromPosition: 'end',
      maxCount: 1,
    });
    return last?.position ?? null;
  }

  /**
   * Pins a start to the log as it is now: `now` becomes "after the current
   * last event", so nothing recorded after the request is missed; a position
   * after the last stored event is refused — it cannot have come from this
   * store, and waiting there would silently skip what comes first.
   */
  async resolveStart(start: StreamStart): Promise<Exclude<StreamStart, { kind: 'now' }>> {
    if (start.kind === 'start') return start;
    const head = await this.head();
    if (start.kind === 'now')
      return head === null ? { kind: 'start' } : { kind: 'after', position: head };
    const { position } = start;
    if (position.commit === 0n && position.prepare === 0n) return { kind: 'start' };
    if (head === null || comparePositions(position, head) > 0) {
      throw new PositionBeyondHeadError(
        formatPosition(position),
        head === null ? null : formatPosition(head),
      );
    }
    return start;
  }

  subscribe(filter: EventFilter, start: StreamStart): FeedSubscription {
    const published = (event: StoredEvent) => this.published(event);
    const subscription = this.store.subscribeToAll({
      fromPosition:
        start.kind === 'start' ? 'start' : start.kind === 'now' ? 'end' : start.position,
      filter: storeFilterOf(filter),
    });
    return {
      close: () => subscription.close(),
      async *[Symbol.asyncIterator]() {
        for await (const item of subscription) {
          if (item.kind === 'caught-up') {
            yield item;
            continue;
          }
          const feed = published(item.event);
          if (feed && matchesFilter(filter, feed)) yield { kind: 'event', feed };
        }
      },
    };
  }

  /**
   * feedEventOf, once per StoredEvent object: the embedded store hands the
   * same object to every live subscription, so a hundred streams make one.
   */
  private published(event: StoredEvent): FeedEvent | null {
    let feed = this.feedEvents.get(event);
    if (feed === undefined) {
      feed = feedEventOf(event);
      this.feedEvents.set(event, feed);
    }
    return feed;
  }

  cloudEvent(feed: FeedEvent): CloudEventJson {
    return cloudEventOf(feed.event, {
      source: this.options.source,
      kind: feed.kind,
      accountId: feed.accountId,
      position: feed.position,
    });
  }
}

/**
 * What the store can filter on its side, so a narrow subscriber does not pull
 * every event through: stream prefixes for the accounts, and the exact
 * types. Categories are checked here (unknown types fall in by name), and
 * an account prefix (`account-acme` also matches `account-acme2`) is
 * narrowed by the exact match above.
 */
function storeFilterOf(filter: EventFilter): AllFilter {
  return {
    streamPrefixes:
      filter.accounts.length > 0
        ? filter.accounts.map((account) => `${ACCOUNT_STREAM_PREFIX}${account}`)
        : [ACCOUNT_STREAM_PREFIX, POLICY_STREAM],
    ...(filter.types.length > 0 ? { eventTypes: filter.types } : {}),
  };
}
