import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '@onrecord/kernel';
import { EventStore } from '@onrecord/event-store';
import { APP_CONFIG, type AppConfig, CommandHandler, type Fold } from '@onrecord/platform';
import {
  type ActorCommand,
  type ActorState,
  decideActor,
  evolveActor,
  initialActorState,
} from '../domain/actor.decider.js';
import { ACTOR_EVENT_TYPES, type ActorEvent, actorStreamId } from '../domain/actor.events.js';
import type { Caller, Role } from '../domain/roles.js';
import { ActorDirectory, hashApiKey } from './actor-directory.js';

const actorFold: Fold<ActorState, ActorEvent> = {
  name: 'actor',
  initialState: initialActorState,
  evolve: evolveActor,
  accept: (stored) =>
    (ACTOR_EVENT_TYPES as readonly string[]).includes(stored.type)
      ? ({ type: stored.type, data: stored.data } as ActorEvent)
      : null,
};

export interface IssuedKey {
  readonly actorId: string;
  readonly keyId: string;
  /** The key itself: shown once, never stored. */
  readonly key: string;
}

/** The actor the server acts as when it creates the first manager. */
const SYSTEM_ACTOR = { id: 'system', role: 'system' } as const;
export const BOOTSTRAP_MANAGER_ID = 'bootstrap-manager';

/** Keys look like `onr_<43 base64url chars>`: 256 bits of randomness. */
function newApiKey(): string {
  return `onr_${randomBytes(32).toString('base64url')}`;
}

@Injectable()
export class AccessService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Access');
  private readonly commands: CommandHandler;

  constructor(
    @Inject(EventStore) store: EventStore,
    @Inject(ActorDirectory) private readonly directory: ActorDirectory,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.commands = new CommandHandler(store, 1000);
  }

  /**
   * On first start with an empty store, create the first manager: with
   * ONRECORD_BOOTSTRAP_KEY when set, otherwise with a random key printed once
   * to the log. A race between replicas is settled by the stream's no_stream
   * expectation: one creates it, the others find it.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.directory.start();
    if (!this.directory.isEmpty()) return;
    const key = this.config.bootstrapKey ?? newApiKey();
    try {
      await this.run(
        {
          type: 'RegisterActor',
          actorId: BOOTSTRAP_MANAGER_ID,
          name: 'First manager',
          role: 'manager',
          keyId: randomUUID(),
          keyHash: hashApiKey(key),
        },
        SYSTEM_ACTOR,
      );
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'actor-already-exists' || code === 'wrong-expected-revision') return;
      throw error;
    }
    if (this.config.bootstrapKey) {
      this.logger.warn(
        `Created the first manager (${BOOTSTRAP_MANAGER_ID}) with the key from ONRECORD_BOOTSTRAP_KEY`,
      );
    } else {
      this.logger.warn(
        `Created the first manager (${BOOTSTRAP_MANAGER_ID}). Its API key is shown this once: ${key} — keep it safe; use it to register actors with POST /actors`,
      );
    }
  }

  async registerActor(
    input: { actorId?: string; name: string; role: Role },
    caller: Caller,
  ): Promise<IssuedKey> {
    const actorId = input.actorId ?? randomUUID();
    const key = newApiKey();
    const keyId = randomUUID();
    await this.run(
      {
        type: 'RegisterActor',
        actorId,
        name: input.name,
        role: input.role,
        keyId,
        keyHash: hashApiKey(key),
      },
      { id: caller.actorId, role: caller.role },
    );
    return { actorId, keyId, key };
  }

  async issueKey(actorId: string, caller: Caller): Promise<IssuedKey> {
    const key = newApiKey();
    const keyId = randomUUID();
    await this.run(
      { type: 'IssueApiKey', actorId, keyId, keyHash: hashApiKey(key) },
      { id: caller.actorId, role: caller.role },
    );
    return { actorId, keyId, key };
  }

  async revokeKey(actorId: string, keyId: string, caller: Caller): Promise<void> {
    await this.run(
      { type: 'RevokeApiKey', actorId, keyId },
      { id: caller.actorId, role: caller.role },
    );
  }

  private async run(command: ActorCommand, actor: { id: string; role: string }): Promise<void> {
    const occurredAt = this.clock.now().toISOString();
    const result = await this.commands.handle({
      streamId: actorStreamId(command.actorId),
      fold: actorFold,
      decide: (state) => decideActor(command, state),
      metadata: () => ({ occurredAt, actor, channel: 'system' }),
      eventId: () => randomUUID(),
    });
    if (result.appended) await this.directory.waitFor(result.appended.position);
  }
}
