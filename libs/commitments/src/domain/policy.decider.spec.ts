import {
  InvalidPolicyError,
  RoleMayNotWriteError,
  RoleNotPermittedError,
} from './commitments.errors.js';
import {
  currentPolicy,
  decidePolicy,
  evolvePolicy,
  initialPolicyState,
  type PolicyEvent,
  type PolicyState,
} from './policy.decider.js';
import { people, policyTerms, thrownBy } from './testing/account.fixtures.js';

function givenPolicyEvents(...events: PolicyEvent[]): PolicyState {
  return events.reduce(evolvePolicy, initialPolicyState);
}

const published = (version: number): PolicyEvent => ({
  type: 'PolicyPublished',
  data: { version, policy: policyTerms, note: null },
});

describe('the policy decider', () => {
  it('given no policy, when a manager publishes one, then it is version 1', () => {
    const events = decidePolicy(
      { type: 'PublishPolicy', data: { policy: policyTerms, note: 'FY25 floor' } },
      initialPolicyState,
      { actor: people.maya },
    );
    expect(events).toEqual([
      { type: 'PolicyPublished', data: { version: 1, policy: policyTerms, note: 'FY25 floor' } },
    ]);
  });

  it('given version 3 in force, when a manager publishes, then it is version 4', () => {
    const state = givenPolicyEvents(published(1), published(2), published(3));
    const events = decidePolicy({ type: 'PublishPolicy', data: { policy: policyTerms } }, state, {
      actor: people.maya,
    });
    expect(events).toEqual([
      { type: 'PolicyPublished', data: { version: 4, policy: policyTerms, note: null } },
    ]);
  });

  it('lets only a manager publish', () => {
    for (const actor of [people.rita, people.sam]) {
      const error = thrownBy(() =>
        decidePolicy({ type: 'PublishPolicy', data: { policy: policyTerms } }, initialPolicyState, {
          actor,
        }),
      );
      expect(error).toBeInstanceOf(RoleNotPermittedError);
      expect(error).toMatchObject({ code: 'role-not-permitted', role: actor.role });
    }
    expect(() =>
      decidePolicy({ type: 'PublishPolicy', data: { policy: policyTerms } }, initialPolicyState, {
        actor: people.auditor,
      }),
    ).toThrow(RoleMayNotWriteError);
  });

  it('refuses to publish a policy with problems, listing them', () => {
    const error = thrownBy(() =>
      decidePolicy(
        { type: 'PublishPolicy', data: { policy: { ...policyTerms, grossProfitFloorBps: -1 } } },
        initialPolicyState,
        { actor: people.maya },
      ),
    );
    expect(error).toBeInstanceOf(InvalidPolicyError);
    expect(error).toMatchObject({
      code: 'invalid-policy',
      problems: [
        { path: 'grossProfitFloorBps', problem: 'must be a whole number of bps in 0..10000' },
      ],
    });
  });

  it('folds to the policy in force with its version', () => {
    expect(currentPolicy(initialPolicyState)).toBeNull();
    expect(currentPolicy(givenPolicyEvents(published(1), published(2)))).toEqual({
      ...policyTerms,
      version: 2,
    });
  });
});
