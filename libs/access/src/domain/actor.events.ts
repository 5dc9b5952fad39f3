import type { Role } from './roles.js';

/** An actor (a person or a system) was given an identity and a role. */
export interface ActorRegistered {
  readonly type: 'ActorRegistered';
  readonly data: { readonly actorId: string; readonly name: string; readonly role: Role };
}

/** An API key was issued to an actor. Only its SHA-256 is kept; the key itself is shown once. */
export interface ApiKeyIssued {
  readonly type: 'ApiKeyIssued';
  readonly data: { readonly actorId: string; readonly keyId: string; readonly keyHash: string };
}

/** An API key stopped working. */
export interface ApiKeyRevoked {
  readonly type: 'ApiKeyRevoked';
  readonly data: { readonly actorId: string; readonly keyId: string };
}

export type ActorEvent = ActorRegistered | ApiKeyIssued | ApiKeyRevoked;

export const ACTOR_EVENT_TYPES: readonly ActorEvent['type'][] = [
  'ActorRegistered',
  'ApiKeyIssued',
  'ApiKeyRevoked',
];

export const ACTOR_STREAM_PREFIX = 'actor-';

export function actorStreamId(actorId: string): string {
  return `${ACTOR_STREAM_PREFIX}${actorId}`;
}
