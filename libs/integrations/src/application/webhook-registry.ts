import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@onrecord/kernel';
import { type Actor, EventStore } from '@onrecord/event-store';
import { CommandHandler, type Fold } from '@onrecord/platform';
import {
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_REGISTRY_STREAM,
  type WebhookCommand,
  type WebhookEvent,
  type WebhookRegistration,
  type WebhookRegistryState,
  decideWebhook,
  evolveWebhooks,
  initialWebhookRegistry,
} from '../domain/webhook-registry.js';

const registryFold: Fold<WebhookRegistryState, WebhookEvent> = {
  name: 'webhook-registry',
  initialState: initialWebhookRegistry,
  evolve: evolveWebhooks,
  accept: (stored) =>
    (WEBHOOK_EVENT_TYPES as readonly string[]).includes(stored.type)
      ? ({ type: stored.type, data: stored.data } as unknown as WebhookEvent)
      : null,
};

/** What a command did: the webhook afterwards (null once removed) and whether anything was recorded. */
export interface RegistryChange {
  readonly webhook: WebhookRegistration | null;
  readonly recorded: boolean;
}

/** Webhook ids as the registry stream changes, from after a revision on. */
export interface RegistryChanges extends AsyncIterable<string> {
  close(): Promise<void>;
}

/**
 * The webhooks every replica sees: the `webhooks` stream folded through the
 * one command path. Reads fold forward from the last revision this replica
 * saw, so a read right after a write (here or on another replica) includes
 * it; writes name the exact revision they were decided on and are decided
 * again after a conflict.
 */
@Injectable()
export class WebhookRegistry {
  private readonly commands: CommandHandler;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    // One stream: one cache slot.
    this.commands = new CommandHandler(store, 1);
  }

  /** The registry as the store has it now, and the stream revision it was folded to (-1: empty). */
  load(): Promise<{ state: WebhookRegistryState; revision: number }> {
    return this.commands.load(WEBHOOK_REGISTRY_STREAM, registryFold);
  }

  async list(): Promise<WebhookRegistration[]> {
    return [...(await this.load()).state.webhooks.values()];
  }

  async get(id: string): Promise<WebhookRegistration | null> {
    return (await this.load()).state.webhooks.get(id) ?? null;
  }

  /** Decides `command` on the registry as it is and records what it decided. */
  async decide(command: WebhookCommand, actor: Actor): Promise<RegistryChange> {
    const occurredAt = this.clock.now().toISOString();
    const result = await this.commands.handle({
      streamId: WEBHOOK_REGISTRY_STREAM,
      fold: registryFold,
      decide: (state) => decideWebhook(state, command),
      metadata: () => ({ occurredAt, actor, channel: 'system' }),
      eventId: () => randomUUID(),
    });
    return {
      webhook: result.state.webhooks.get(command.webhookId) ?? null,
      recorded: result.decided.length > 0,
    };
  }

  /** The id of each webhook the registry stream changes after `revision` (-1: from its start), live. */
  changes(revision: number): RegistryChanges {
    const subscription = this.store.subscribeToStream(WEBHOOK_REGISTRY_STREAM, {
      fromRevision: revision < 0 ? 'start' : revision,
    });
    return {
      close: () => subscription.close(),
      async *[Symbol.asyncIterator]() {
        for await (const item of subscription) {
          if (item.kind !== 'event') continue;
          const id = item.event.data['webhookId'];
          if (typeof id === 'string') yield id;
        }
      },
    };
  }
}
