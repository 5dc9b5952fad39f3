import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  EventStore,
  type Position,
  type StoredEvent,
  type Subscription,
  comparePositions,
} from '@onrecord/event-store';
import { ACTOR_STREAM_PREFIX, type ActorEvent } from '../domain/actor.events.js';
import type { Caller, Role } from '../domain/roles.js';

export interface ActorView {
  readonly actorId: string;
  readonly name: string;
  readonly role: Role;
  readonly keys: ReadonlyArray<{ readonly keyId: string; readonly revoked: boolean }>;
}

interface KeyEntry {
  readonly actorId: string;
  readonly keyId: string;
  revoked: boolean;
}

/** SHA-256 of an API key: keys are long random secrets, so a fast hash is enough. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Who holds which key, kept in memory from the actor streams by a catch-up
 * subscription: revocations reach every replica as soon as they are stored.
 */
@Injectable()
export class ActorDirectory implements OnModuleDestroy {
  private readonly logger = new Logger('ActorDirectory');
  private readonly actors = new Map<
    string,
    { name: string; role: Role; keys: Map<string, boolean> }
  >();
  private readonly byHash = new Map<string, KeyEntry>();
  private readonly byKeyId = new Map<string, KeyEntry>();
  private applied: Position | null = null;
  private subscription: Subscription | null = null;
  private readonly waiters = new Set<{ position: Position; resolve: () => void }>();
  private ready: Promise<void> | null = null;

  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  /** Starts following the actor streams; resolves once history is loaded. */
  start(): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      this.subscription = this.store.subscribeToAll({
        filter: { streamPrefixes: [ACTOR_STREAM_PREFIX] },
      });
      const subscription = this.subscription;
      void (async () => {
        try {
          for await (const item of subscription) {
            if (item.kind === 'caught-up') resolve();
            else this.apply(item.event);
          }
        } catch (error) {
          this.logger.error({ err: error }, 'actor directory subscription stopped');
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      })();
    });
    return this.ready;
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.close();
  }

  /** Resolves once the directory reflects everything up to `position` (read-your-writes). */
  waitFor(position: Position): Promise<void> {
    if (this.applied && comparePositions(this.applied, position) >= 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ position, resolve }));
  }

  authenticate(key: string): Caller | null {
    const entry = this.byHash.get(hashApiKey(key));
    if (!entry || entry.revoked) return null;
    const actor = this.actors.get(entry.actorId);
    if (!actor) return null;
    return { actorId: entry.actorId, role: actor.role, name: actor.name, keyId: entry.keyId };
  }

  get(actorId: string): ActorView | null {
    const actor = this.actors.get(actorId);
    if (!actor) return null;
    return {
      actorId,
      name: actor.name,
      role: actor.role,
      keys: [...actor.keys].map(([keyId, revoked]) => ({ keyId, revoked })),
    };
  }

  list(): ActorView[] {
    return [...this.actors.keys()].sort().map((id) => this.get(id)!);
  }

  isEmpty(): boolean {
    return this.actors.size === 0;
  }

  /** Projections never throw on an event: unknown types are skipped. */
  private apply(stored: StoredEvent): void {
    const event = { type: stored.type, data: stored.data } as ActorEvent;
    switch (event.type) {
      case 'ActorRegistered':
        this.actors.set(event.data.actorId, {
          name: event.data.name,
          role: event.data.role,
          keys: new Map(),
        });
        break;
      case 'ApiKeyIssued': {
        const entry: KeyEntry = {
          actorId: event.data.actorId,
          keyId: event.data.keyId,
          revoked: false,
        };
        this.byHash.set(event.data.keyHash, entry);
        this.byKeyId.set(`${event.data.actorId}/${event.data.keyId}`, entry);
        this.actors.get(event.data.actorId)?.keys.set(event.data.keyId, false);
        break;
      }
      case 'ApiKeyRevoked': {
        const entry = this.byKeyId.get(`${event.data.actorId}/${event.data.keyId}`);
        if (entry) entry.revoked = true;
        this.actors.get(event.data.actorId)?.keys.set(event.data.keyId, true);
        break;
      }
      default:
        break;
    }
    this.applied = stored.position;
    for (const waiter of this.waiters) {
      if (comparePositions(stored.position, waiter.position) >= 0) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}
