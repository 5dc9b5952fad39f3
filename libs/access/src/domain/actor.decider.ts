import type { ActorEvent } from './actor.events.js';
import {
  ActorAlreadyExistsError,
  ActorNotFoundError,
  ApiKeyAlreadyRevokedError,
  ApiKeyNotFoundError,
} from './access-errors.js';
import type { Role } from './roles.js';

export interface ActorState {
  readonly exists: boolean;
  readonly actorId: string | null;
  readonly role: Role | null;
  /** keyId → revoked? */
  readonly keys: ReadonlyMap<string, boolean>;
}

export const initialActorState: ActorState = {
  exists: false,
  actorId: null,
  role: null,
  keys: new Map(),
};

export type ActorCommand =
  | {
      readonly type: 'RegisterActor';
      readonly actorId: string;
      readonly name: string;
      readonly role: Role;
      readonly keyId: string;
      readonly keyHash: string;
    }
  | {
      readonly type: 'IssueApiKey';
      readonly actorId: string;
      readonly keyId: string;
      readonly keyHash: string;
    }
  | { readonly type: 'RevokeApiKey'; readonly actorId: string; readonly keyId: string };

/** Registration always comes with a first key, so a new actor can act at once. */
export function decideActor(command: ActorCommand, state: ActorState): ActorEvent[] {
  switch (command.type) {
    case 'RegisterActor':
      if (state.exists) throw new ActorAlreadyExistsError(command.actorId);
      return [
        {
          type: 'ActorRegistered',
          data: { actorId: command.actorId, name: command.name, role: command.role },
        },
        {
          type: 'ApiKeyIssued',
          data: { actorId: command.actorId, keyId: command.keyId, keyHash: command.keyHash },
        },
      ];
    case 'IssueApiKey':
      if (!state.exists) throw new ActorNotFoundError(command.actorId);
      return [
        {
          type: 'ApiKeyIssued',
          data: { actorId: command.actorId, keyId: command.keyId, keyHash: command.keyHash },
        },
      ];
    case 'RevokeApiKey': {
      if (!state.exists) throw new ActorNotFoundError(command.actorId);
      const revoked = state.keys.get(command.keyId);
      if (revoked === undefined) throw new ApiKeyNotFoundError(command.actorId, command.keyId);
      if (revoked) throw new ApiKeyAlreadyRevokedError(command.actorId, command.keyId);
      return [{ type: 'ApiKeyRevoked', data: { actorId: command.actorId, keyId: command.keyId } }];
    }
  }
}

export function evolveActor(state: ActorState, event: ActorEvent): ActorState {
  switch (event.type) {
    case 'ActorRegistered':
      return { ...state, exists: true, actorId: event.data.actorId, role: event.data.role };
    case 'ApiKeyIssued':
      return { ...state, keys: new Map(state.keys).set(event.data.keyId, false) };
    case 'ApiKeyRevoked':
      return { ...state, keys: new Map(state.keys).set(event.data.keyId, true) };
  }
}
