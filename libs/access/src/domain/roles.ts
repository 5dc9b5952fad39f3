/**
 * Who a caller is to OnRecord.
 * - service: customer service rep — records and checks for assigned accounts.
 * - sales: sales rep — owns accounts; the end of the escalation chain.
 * - manager: publishes policies, registers actors, grants special situations, sees all.
 * - auditor: reads and replays everything, writes nothing.
 * - integration: subscribes to event streams, writes nothing.
 */
export const ROLES = ['service', 'sales', 'manager', 'auditor', 'integration'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The authenticated caller: the only source of the actor stamped on events. */
export interface Caller {
  readonly actorId: string;
  readonly role: Role;
  readonly name: string;
  readonly keyId: string;
}
