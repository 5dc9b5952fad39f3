import { requireWriter, type Actor } from './access.js';
import type { OpenAccountState } from './account.state.js';
import { utcDateOf, type IsoDate } from './calendar.js';
import type { PublishedPolicy, RoleAuthority, WriterRole } from './policy.js';
import type { Refusal, RefusalAlternative } from './refusal.js';

/**
 * What an account decision is judged with, passed in by the application.
 *
 * - `now`: when it was said (the event's occurredAt), as a Date or an ISO 8601
 *   instant. Dates are judged on its UTC calendar day: quote validity, the
 *   tier's trailing-12-month window, default outcome dates.
 * - `actor`: from the credential, never from the request body.
 * - `policy`: the policy in force at `now`, with its version; every decision
 *   event records that version.
 */
export type AccountDecideContext = {
  readonly now: Date | string;
  readonly actor: Actor;
  readonly policy: PublishedPolicy;
};

/** The context, read once per command: the actor's writing role, their authority, today's date. */
export type Judgement = {
  readonly actor: Actor;
  readonly role: WriterRole;
  readonly today: IsoDate;
  readonly policy: PublishedPolicy;
  readonly authority: RoleAuthority;
};

export function judgementOf(context: AccountDecideContext): Judgement {
  const role = requireWriter(context.actor);
  return {
    actor: context.actor,
    role,
    today: utcDateOf(context.now),
    policy: context.policy,
    authority: context.policy.authority[role],
  };
}

/** The concessions that do not touch GP, always offered when a GP concession or quote is refused. */
export function catalogueAlternatives(j: Judgement): RefusalAlternative[] {
  return j.policy.concessionCatalogue.map(({ code, description }) => ({
    kind: 'catalogue-concession',
    code,
    description,
  }));
}

/**
 * Who could grant what the actor may not: for service, the account's sales
 * rep (the next and last step of the chain) if their authority covers it;
 * otherwise a manager if theirs does. Nobody when nobody could.
 */
export function referralAlternatives(
  state: OpenAccountState,
  j: Judgement,
  covers: (authority: RoleAuthority) => boolean,
): RefusalAlternative[] {
  if (j.role === 'service' && covers(j.policy.authority.sales)) {
    return [{ kind: 'refer-to', role: 'sales', actorIds: [state.ownerId] }];
  }
  if (j.role !== 'manager' && covers(j.policy.authority.manager)) {
    return [{ kind: 'refer-to', role: 'manager', actorIds: [] }];
  }
  return [];
}

export const SPECIAL_SITUATION: RefusalAlternative = {
  kind: 'special-situation',
  role: 'manager',
  reasonRequired: true,
};

/**
 * The gate for anything outside the account's tier (or outside the policy's
 * standard terms): allowed only as a special situation, by a manager, with a
 * reason. Returns the refusal, or the special situation to record.
 */
export function specialSituationGate(
  j: Judgement,
  reason: string | null,
  what: string,
  alternatives: RefusalAlternative[],
): { refusal: Omit<Refusal, 'figures'> } | { specialSituation: { reason: string } } {
  if (reason === null) {
    return {
      refusal: {
        rule: 'outside-tier-entitlement',
        detail: `${what}; only a manager can allow it, as a special situation with a reason`,
        alternatives: [...alternatives, SPECIAL_SITUATION],
      },
    };
  }
  if (j.role !== 'manager') {
    return {
      refusal: {
        rule: 'special-situation-needs-manager',
        detail: `${what}; a special situation needs a manager, not ${j.role}`,
        alternatives: [...alternatives, SPECIAL_SITUATION],
      },
    };
  }
  return { specialSituation: { reason } };
}
