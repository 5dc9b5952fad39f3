import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RoleNotAllowedError, UnauthenticatedError } from '../domain/access-errors.js';
import type { Caller, Role } from '../domain/roles.js';
import { ActorDirectory } from '../application/actor-directory.js';
import { ALLOWED_ROLES, PUBLIC_ROUTE } from './auth.decorators.js';

const BEARER = /^Bearer\s+(\S{16,512})$/i;

/**
 * Every route is authenticated unless marked @Public(): the caller comes from
 * the API key, and it is the only actor that will be stamped on events.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ActorDirectory) private readonly directory: ActorDirectory,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, unknown>; caller?: Caller }>();
    const header = request.headers['authorization'];
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) throw new UnauthenticatedError('Send an API key as "Authorization: Bearer <key>"');
    const caller = this.directory.authenticate(match[1]!);
    if (!caller) throw new UnauthenticatedError('The API key is unknown or revoked');
    request.caller = caller;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (allowed && !allowed.includes(caller.role)) {
      throw new RoleNotAllowedError(
        caller.role,
        allowed,
        `${context.getClass().name.replace(/Controller$/, '')}.${context.getHandler().name}`,
      );
    }
    return true;
  }
}
