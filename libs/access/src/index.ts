export { ROLES, type Role, type Caller, isRole } from './domain/roles.js';
export {
  RoleNotAllowedError,
  UnauthenticatedError,
  ActorNotFoundError,
} from './domain/access-errors.js';
export { ActorDirectory, type ActorView } from './application/actor-directory.js';
export { BOOTSTRAP_MANAGER_ID } from './application/access.service.js';
export { Public, Roles, CurrentCaller } from './http/auth.decorators.js';
export { AccessModule } from './access.module.js';
