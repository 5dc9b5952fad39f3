import {
  NotAssignedError,
  RoleMayNotWriteError,
  RoleNotPermittedError,
} from './commitments.errors.js';
import { WRITER_ROLES, type WriterRole } from './policy.js';

/**
 * Who is acting, as the application read it from the credential (never from a
 * request body). The role is a plain string here because credentials may carry
 * roles that never write (auditor, integration).
 */
export type Actor = { readonly id: string; readonly role: string };

function isWriterRole(role: string): role is WriterRole {
  return (WRITER_ROLES as readonly string[]).includes(role);
}

/** The actor's role if it may write at all; auditors, integrations and unknown roles may not. */
export function requireWriter(actor: Actor): WriterRole {
  if (!isWriterRole(actor.role)) throw new RoleMayNotWriteError(actor.role);
  return actor.role;
}

export function requireRole(
  role: WriterRole,
  allowed: readonly WriterRole[],
  action: string,
): void {
  if (!allowed.includes(role)) throw new RoleNotPermittedError(role, action, allowed);
}

/** Who works an account: its owning sales rep and its service reps. */
export type Assignment = {
  readonly accountId: string;
  readonly ownerId: string;
  readonly serviceRepIds: readonly string[];
};

/**
 * Sales and service act only on accounts they are assigned to; managers act on
 * every account. The application checks this too, before it even reads the stream.
 */
export function requireAssigned(account: Assignment, actor: Actor, role: WriterRole): void {
  if (role === 'manager') return;
  if (actor.id === account.ownerId || account.serviceRepIds.includes(actor.id)) return;
  throw new NotAssignedError(actor.id, account.accountId);
}
