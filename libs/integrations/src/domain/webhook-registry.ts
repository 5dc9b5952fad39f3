import type { EventFilter } from './event-filter.js';
import { WebhookNotFoundError } from './integrations.errors.js';
import type { SealedSecret } from './sealed-secret.js';
import type { WebhookStatus } from './webhook.js';

/**
 * The one stream that holds every webhook: registrations and every change a
 * manager, or the delivering replica, made to them. Every replica folds it,
 * so each sees the same webhooks; one stream means one expected revision
 * settles any two changes that race. Internal: the integration feed never
 * publishes it (see feedEventOf).
 */
export const WEBHOOK_REGISTRY_STREAM = 'webhooks';

/** A receiver registered: where to send, what, signed with which (sealed) secret, from where. */
export interface WebhookRegistered {
  readonly type: 'WebhookRegistered';
  readonly data: {
    readonly webhookId: string;
    readonly url: string;
    readonly description: string | null;
    readonly filter: EventFilter;
    readonly secret: SealedSecret;
    /** Exclusive cursor the first run starts after; null: from the first event. */
    readonly from: string | null;
    readonly by: string;
    readonly at: string;
  };
}

/** A manager stopped delivery; undelivered events wait. */
export interface WebhookPaused {
  readonly type: 'WebhookPaused';
  readonly data: { readonly webhookId: string; readonly by: string; readonly at: string };
}

/** The delivering replica stopped delivery: too many consecutive failures, or an event it cannot send. */
export interface WebhookPausedAfterFailures {
  readonly type: 'WebhookPausedAfterFailures';
  readonly data: {
    readonly webhookId: string;
    /** The run that failed; a pause decided in an older run is not recorded. */
    readonly run: number;
    readonly failures: number;
    readonly reason: string;
    readonly at: string;
  };
}

/** A manager restarted delivery from where it stood, with a fresh failure count: a new run. */
export interface WebhookResumed {
  readonly type: 'WebhookResumed';
  readonly data: {
    readonly webhookId: string;
    readonly run: number;
    readonly from: string | null;
    readonly by: string;
    readonly at: string;
  };
}

/** A manager moved the webhook's place: a new run from `from`. */
export interface WebhookReplayed {
  readonly type: 'WebhookReplayed';
  readonly data: {
    readonly webhookId: string;
    readonly run: number;
    readonly from: string | null;
    readonly by: string;
    readonly at: string;
  };
}

/** A manager removed the webhook; its secret can no longer be opened through the API. */
export interface WebhookRemoved {
  readonly type: 'WebhookRemoved';
  readonly data: { readonly webhookId: string; readonly by: string; readonly at: string };
}

export type WebhookEvent =
  | WebhookRegistered
  | WebhookPaused
  | WebhookPausedAfterFailures
  | WebhookResumed
  | WebhookReplayed
  | WebhookRemoved;

export const WEBHOOK_EVENT_TYPES: readonly WebhookEvent['type'][] = [
  'WebhookRegistered',
  'WebhookPaused',
  'WebhookPausedAfterFailures',
  'WebhookResumed',
  'WebhookReplayed',
  'WebhookRemoved',
];

/** A webhook as the registry stream says it is. Delivery progress lives in its checkpoints. */
export interface WebhookRegistration {
  readonly id: string;
  readonly url: string;
  readonly description: string | null;
  readonly filter: EventFilter;
  readonly secret: SealedSecret;
  readonly status: WebhookStatus;
  /** Why it is paused: failures, an event too large to send, or a manager. */
  readonly pausedReason: string | null;
  /**
   * The delivery run: 1 from the registration, one more at each resume or
   * replay. A progress checkpoint counts only in the run it was written in,
   * so a replica still finishing an older run can never move the place a
   * manager just set.
   */
  readonly run: number;
  /** Exclusive cursor the current run started after; null: from the first event. */
  readonly runFrom: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

/** Every webhook not removed, in registration order. */
export interface WebhookRegistryState {
  readonly webhooks: ReadonlyMap<string, WebhookRegistration>;
}

export const initialWebhookRegistry: WebhookRegistryState = { webhooks: new Map() };

export type WebhookCommand =
  | {
      readonly kind: 'register';
      readonly webhookId: string;
      readonly url: string;
      readonly description: string | null;
      readonly filter: EventFilter;
      readonly secret: SealedSecret;
      readonly from: string | null;
      readonly by: string;
      readonly at: string;
    }
  | { readonly kind: 'pause'; readonly webhookId: string; readonly by: string; readonly at: string }
  | {
      readonly kind: 'resume';
      readonly webhookId: string;
      /** Where the webhook stands now (its last checkpoint): the new run continues after it. */
      readonly from: string | null;
      readonly by: string;
      readonly at: string;
    }
  | {
      readonly kind: 'replay';
      readonly webhookId: string;
      readonly from: string | null;
      readonly by: string;
      readonly at: string;
    }
  | {
      readonly kind: 'remove';
      readonly webhookId: string;
      readonly by: string;
      readonly at: string;
    }
  | {
      readonly kind: 'pause-after-failures';
      readonly webhookId: string;
      readonly run: number;
      readonly failures: number;
      readonly reason: string;
      readonly at: string;
    };

/** A webhook id registered twice: ids are drawn at random, so this is a bug, never a user's doing. */
export class WebhookAlreadyRegisteredError extends Error {
  constructor(readonly webhookId: string) {
    super(`Webhook ${webhookId} is already registered`);
  }
}

function existing(state: WebhookRegistryState, id: string): WebhookRegistration {
  const webhook = state.webhooks.get(id);
  if (!webhook) throw new WebhookNotFoundError(id);
  return webhook;
}

/**
 * What a command records. A manager's command on a webhook that does not
 * exist is refused; the delivering replica's pause is dropped when the
 * webhook moved on (removed, paused, or a new run) since it decided.
 */
export function decideWebhook(
  state: WebhookRegistryState,
  command: WebhookCommand,
): WebhookEvent[] {
  switch (command.kind) {
    case 'register': {
      if (state.webhooks.has(command.webhookId)) {
        throw new WebhookAlreadyRegisteredError(command.webhookId);
      }
      const { kind: _kind, ...data } = command;
      return [{ type: 'WebhookRegistered', data }];
    }
    case 'pause': {
      const webhook = existing(state, command.webhookId);
      if (webhook.status === 'paused') return [];
      return [
        {
          type: 'WebhookPaused',
          data: { webhookId: command.webhookId, by: command.by, at: command.at },
        },
      ];
    }
    case 'resume':
    case 'replay': {
      const webhook = existing(state, command.webhookId);
      const data = {
        webhookId: command.webhookId,
        run: webhook.run + 1,
        from: command.from,
        by: command.by,
        at: command.at,
      };
      return [
        command.kind === 'resume'
          ? { type: 'WebhookResumed', data }
          : { type: 'WebhookReplayed', data },
      ];
    }
    case 'remove': {
      existing(state, command.webhookId);
      return [
        {
          type: 'WebhookRemoved',
          data: { webhookId: command.webhookId, by: command.by, at: command.at },
        },
      ];
    }
    case 'pause-after-failures': {
      const webhook = state.webhooks.get(command.webhookId);
      if (!webhook || webhook.status !== 'active' || webhook.run !== command.run) return [];
      const { kind: _kind, ...data } = command;
      return [{ type: 'WebhookPausedAfterFailures', data }];
    }
  }
}

function withWebhook(
  state: WebhookRegistryState,
  id: string,
  change: (webhook: WebhookRegistration) => WebhookRegistration,
): WebhookRegistryState {
  const webhook = state.webhooks.get(id);
  if (!webhook) return state;
  const webhooks = new Map(state.webhooks);
  webhooks.set(id, change(webhook));
  return { webhooks };
}

export function evolveWebhooks(
  state: WebhookRegistryState,
  event: WebhookEvent,
): WebhookRegistryState {
  switch (event.type) {
    case 'WebhookRegistered': {
      const { data } = event;
      const webhooks = new Map(state.webhooks);
      webhooks.set(data.webhookId, {
        id: data.webhookId,
        url: data.url,
        description: data.description,
        filter: data.filter,
        secret: data.secret,
        status: 'active',
        pausedReason: null,
        run: 1,
        runFrom: data.from,
        createdAt: data.at,
        createdBy: data.by,
        updatedAt: data.at,
      });
      return { webhooks };
    }
    case 'WebhookPaused':
      return withWebhook(state, event.data.webhookId, (webhook) => ({
        ...webhook,
        status: 'paused',
        pausedReason: `paused by ${event.data.by}`,
        updatedAt: event.data.at,
      }));
    case 'WebhookPausedAfterFailures':
      return withWebhook(state, event.data.webhookId, (webhook) => ({
        ...webhook,
        status: 'paused',
        pausedReason: event.data.reason,
        updatedAt: event.data.at,
      }));
    case 'WebhookResumed':
    case 'WebhookReplayed':
      return withWebhook(state, event.data.webhookId, (webhook) => ({
        ...webhook,
        status: 'active',
        pausedReason: null,
        run: event.data.run,
        runFrom: event.data.from,
        updatedAt: event.data.at,
      }));
    case 'WebhookRemoved': {
      if (!state.webhooks.has(event.data.webhookId)) return state;
      const webhooks = new Map(state.webhooks);
      webhooks.delete(event.data.webhookId);
      return { webhooks };
    }
  }
}
