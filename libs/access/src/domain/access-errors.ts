import { DomainError } from '@onrecord/kernel';

export class ActorAlreadyExistsError extends DomainError {
  readonly code = 'actor-already-exists';
  constructor(actorId: string) {
    super(`Actor ${actorId} already exists`, { actorId });
  }
}

export class ActorNotFoundError extends DomainError {
  readonly code = 'actor-not-found';
  constructor(actorId: string) {
    super(`Actor ${actorId} does not exist`, { actorId });
  }
}

export class ApiKeyNotFoundError extends DomainError {
  readonly code = 'api-key-not-found';
  constructor(actorId: string, keyId: string) {
    super(`Actor ${actorId} has no key ${keyId}`, { actorId, keyId });
  }
}

export class ApiKeyAlreadyRevokedError extends DomainError {
  readonly code = 'api-key-already-revoked';
  constructor(actorId: string, keyId: string) {
    super(`Key ${keyId} of actor ${actorId} is already revoked`, { actorId, keyId });
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
  constructor(reason: string) {
    super(reason);
  }
}

/** The caller's role may not do this at all. */
export class RoleNotAllowedError extends DomainError {
  readonly code = 'role-not-allowed';
  constructor(role: string, allowed: readonly string[], action: string) {
    super(`A ${role} may not ${action}; allowed roles: ${allowed.join(', ')}`, {
      role,
      allowedRoles: allowed,
    });
  }
}
