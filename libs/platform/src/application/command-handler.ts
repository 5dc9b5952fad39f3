import type { JsonObject } from '@onrecord/kernel';
import {
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  type StoredEvent,
  WrongExpectedRevisionError,
} from '@onrecord/event-store';

/** A domain event as deciders produce it: a type and plain JSON data. */
export interface DomainEvent {
  readonly type: string;
  readonly data: object;
}

/** How a capability folds its stream: the pure half of a decider. */
export interface Fold<S, E extends DomainEvent> {
  /** Names the cache slot; two folds over one stream must have different names. */
  readonly name: string;
  readonly initialState: S;
  readonly evolve: (state: S, event: E) => S;
  /** Narrows a stored event to the fold's events; null for types the fold does not know. */
  readonly accept: (event: StoredEvent) => E | null;
}

export interface CommandRequest<S, E extends DomainEvent> {
  readonly streamId: string;
  readonly fold: Fold<S, E>;
  /** Pure decision on the folded state; may throw a DomainError. `revision` is -1 for a new stream. */
  readonly decide: (state: S, revision: number) => readonly E[];
  /** The envelope metadata of the i-th new event (actor from the credential, occurredAt, channel…). */
  readonly metadata: (event: E, index: number) => EventMetadata;
  /** The id of the i-th new event; deterministic ids make a retried request idempotent. */
  readonly eventId: (event: E, index: number) => string;
  /**
   * The revision the caller saw (HTTP If-Match). When given, a concurrent
   * write is a conflict for the caller; when absent, the handler re-reads,
   * re-decides and retries, a bounded number of times.
   */
  readonly expectedRevision?: number | 'no_stream';
}

export interface CommandResult<S, E extends DomainEvent> {
  /** The decided events (empty when the decision was to record nothing). */
  readonly decided: readonly E[];
  readonly appended: AppendResult | null;
  /** State after the command (including the new events). */
  readonly state: S;
  /** Stream revision after the command; -1 when the stream does not exist. */
  readonly revision: number;
}

interface CachedFold {
  readonly revision: number;
  readonly state: unknown;
}

export const MAX_COMMAND_ATTEMPTS = 4;

/**
 * The one command path of OnRecord: read the stream, fold, decide, append
 * with the expected revision, retry on conflict with a bound. Folded states
 * are cached by stream and revision, so an account with a long history is
 * read from where the cache stopped, not from revision 0.
 *
 * A command on a cached stream is first decided on the cached state without
 * reading the store at all: the append carries the cached revision as its
 * expected revision, so if anyone (another replica) wrote since, the append
 * fails and the command is decided again on a fresh read — it can never be
 * recorded on a stale state. Any other outcome (nothing to record, a
 * rejection, an If-Match that differs) is only given after a read confirms
 * the cache was current.
 */
export class CommandHandler {
  private readonly cache = new Map<string, CachedFold>();

  constructor(
    private readonly store: EventStore,
    private readonly cacheSize = 10_000,
  ) {}

  async handle<S, E extends DomainEvent>(
    request: CommandRequest<S, E>,
  ): Promise<CommandResult<S, E>> {
    let fromCache = this.cached(request.streamId, request.fold);
    for (let attempt = 1; ;) {
      const { state, revision } = fromCache ?? (await this.load(request.streamId, request.fold));
      const trusted = fromCache === null;
      fromCache = null;
      let decided: readonly E[];
      try {
        if (request.expectedRevision !== undefined) {
          const expected = request.expectedRevision === 'no_stream' ? -1 : request.expectedRevision;
          if (expected !== revision) {
            throw new WrongExpectedRevisionError(
              request.streamId,
              request.expectedRevision,
              revision === -1 ? 'no_stream' : revision,
            );
          }
        }
        decided = request.decide(state, revision);
      } catch (error) {
        if (!trusted) continue; // judge it again on what the store holds now
        throw error;
      }
      if (decided.length === 0) {
        if (!trusted) continue;
        return { decided, appended: null, state, revision };
      }
      const events: NewEvent[] = decided.map((event, index) => ({
        id: request.eventId(event, index),
        type: event.type,
        data: event.data as JsonObject,
        metadata: request.metadata(event, index),
      }));
      try {
        const appended = await this.store.appendToStream(request.streamId, events, {
          expectedRevision: revision === -1 ? 'no_stream' : revision,
        });
        if (appended.events[0]?.revision !== revision + 1) {
          // The store answered with an earlier append of the same event ids
          // (a retry that raced its original): those events are not new to
          // `state`, so read what the stream holds instead of folding them again.
          const now = await this.load(request.streamId, request.fold);
          return { decided, appended, state: now.state, revision: appended.nextExpectedRevision };
        }
        const after = appended.events.reduce((folded, stored) => {
          const event = request.fold.accept(stored);
          return event ? request.fold.evolve(folded, event) : folded;
        }, state);
        this.remember(request.streamId, request.fold, appended.nextExpectedRevision, after);
        return { decided, appended, state: after, revision: appended.nextExpectedRevision };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        // The cache was behind: not a conflict the caller made.
        if (!trusted) continue;
        const retry = request.expectedRevision === undefined && attempt < MAX_COMMAND_ATTEMPTS;
        if (!retry) throw error;
        attempt += 1;
      }
    }
  }

  /** The cached state of a stream as it was last seen, without reading the store; null when none. */
  private cached<S, E extends DomainEvent>(
    streamId: string,
    fold: Fold<S, E>,
  ): { state: S; revision: number } | null {
    const cached = this.cache.get(`${fold.name}\u0000${streamId}`);
    return cached ? { state: cached.state as S, revision: cached.revision } : null;
  }

  /** The folded state of a stream now, read from where the cache stopped. */
  async load<S, E extends DomainEvent>(
    streamId: string,
    fold: Fold<S, E>,
  ): Promise<{ state: S; revision: number }> {
    const key = `${fold.name}\u0000${streamId}`;
    const cached = this.cache.get(key);
    let state = (cached?.state as S | undefined) ?? fold.initialState;
    let revision = cached?.revision ?? -1;
    for (;;) {
      const page = await this.store.readStream(streamId, {
        fromRevision: revision + 1,
        maxCount: 1000,
      });
      for (const stored of page) {
        const event = fold.accept(stored);
        if (event) state = fold.evolve(state, event);
        revision = stored.revision;
      }
      if (page.length < 1000) break;
    }
    if (revision >= 0) this.remember(streamId, fold, revision, state);
    return { state, revision };
  }

  private remember<S, E extends DomainEvent>(
    streamId: string,
    fold: Fold<S, E>,
    revision: number,
    state: S,
  ): void {
    const key = `${fold.name}\u0000${streamId}`;
    const cached = this.cache.get(key);
    if (cached && cached.revision > revision) return;
    this.cache.delete(key);
    this.cache.set(key, { revision, state });
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
