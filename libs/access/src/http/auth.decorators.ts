import { type ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { Caller, Role } from '../domain/roles.js';

export const PUBLIC_ROUTE = 'onrecord:public';
export const ALLOWED_ROLES = 'onrecord:roles';

/** The route needs no credential (health checks). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Only these roles may call the route; others get a 403 problem naming them. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ALLOWED_ROLES, roles);

/** The authenticated caller, set by the AuthGuard from the credential. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Caller => {
    const request = context.switchToHttp().getRequest<{ caller?: Caller }>();
    if (!request.caller) throw new Error('CurrentCaller used on a route without authentication');
    return request.caller;
  },
);
