import type { JsonObject } from '@onrecord/kernel';
import { requireRole, requireWriter, type Actor } from './access.js';
import { InvalidPolicyError } from './commitments.errors.js';
import { assertNever } from './exhaustive.js';
import { validatePolicy, type Policy, type PublishedPolicy } from './policy.js';
import { blankToNull } from './validation.js';

/**
 * The policy stream (`policy`): one decider for the company's boundaries.
 * Versions count up from 1; decisions on accounts cite the version they were
 * judged under, so a replay shows the rule that applied then.
 */

/** Publish a new version of the policy. Only a sales manager may. */
export type PublishPolicy = {
  type: 'PublishPolicy';
  data: { policy: Policy; note?: string | null };
};
export type PolicyCommand = PublishPolicy;

/** A new version of the policy is in force from this event on. */
export type PolicyPublished = {
  type: 'PolicyPublished';
  data: { version: number; policy: Policy; note: string | null };
};
export type PolicyEvent = PolicyPublished;

export type PolicyState = { version: number; policy: Policy | null };

export const initialPolicyState: PolicyState = { version: 0, policy: null };

export type PolicyDecideContext = { readonly actor: Actor };

/**
 * @throws RoleMayNotWriteError for auditors and integrations
 * @throws RoleNotPermittedError for service and sales
 * @throws InvalidPolicyError listing every problem validatePolicy finds
 */
export function decidePolicy(
  command: PolicyCommand,
  state: PolicyState,
  context: PolicyDecideContext,
): PolicyEvent[] {
  const role = requireWriter(context.actor);
  switch (command.type) {
    case 'PublishPolicy': {
      requireRole(role, ['manager'], 'publish a policy');
      const problems = validatePolicy(command.data.policy);
      if (problems.length > 0) throw new InvalidPolicyError(problems);
      return [
        {
          type: 'PolicyPublished',
          data: {
            version: state.version + 1,
            policy: command.data.policy,
            note: blankToNull(command.data.note),
          },
        },
      ];
    }
    default:
      return assertNever(command.type);
  }
}

export function evolvePolicy(state: PolicyState, event: PolicyEvent): PolicyState {
  switch (event.type) {
    case 'PolicyPublished':
      return { version: event.data.version, policy: event.data.policy };
    default:
      return assertNever(event.type);
  }
}

/** The policy in force at the end of the stream, with its version; null before the first publication. */
export function currentPolicy(state: PolicyState): PublishedPolicy | null {
  return state.policy === null ? null : { ...state.policy, version: state.version };
}

export const policyDecider = {
  initialState: initialPolicyState,
  decide: decidePolicy,
  evolve: evolvePolicy,
};

/** Fails to compile if the published policy stops being plain JSON (it is stored and hashed). */
type AssertJson<T extends JsonObject> = T;
type _PolicyEventDataIsJson = AssertJson<PolicyEvent['data']>;
