import { type ActorState, decideActor, evolveActor, initialActorState } from './actor.decider.js';
import type { ActorEvent } from './actor.events.js';

function given(...events: ActorEvent[]): ActorState {
  return events.reduce(evolveActor, initialActorState);
}

const janeRegistered: ActorEvent[] = [
  { type: 'ActorRegistered', data: { actorId: 'jane', name: 'Jane Rep', role: 'sales' } },
  { type: 'ApiKeyIssued', data: { actorId: 'jane', keyId: 'k1', keyHash: 'h1' } },
];

describe('actor decider', () => {
  it('given no actor, when registering, then the actor and a first key are recorded', () => {
    expect(
      decideActor(
        {
          type: 'RegisterActor',
          actorId: 'jane',
          name: 'Jane Rep',
          role: 'sales',
          keyId: 'k1',
          keyHash: 'h1',
        },
        given(),
      ),
    ).toEqual(janeRegistered);
  });

  it('given a registered actor, when registering the same id again, then it is refused', () => {
    expect(() =>
      decideActor(
        {
          type: 'RegisterActor',
          actorId: 'jane',
          name: 'J',
          role: 'manager',
          keyId: 'k2',
          keyHash: 'h2',
        },
        given(...janeRegistered),
      ),
    ).toThrow(expect.objectContaining({ code: 'actor-already-exists' }));
  });

  it('given a registered actor, when issuing another key, then it is recorded', () => {
    expect(
      decideActor(
        { type: 'IssueApiKey', actorId: 'jane', keyId: 'k2', keyHash: 'h2' },
        given(...janeRegistered),
      ),
    ).toEqual([{ type: 'ApiKeyIssued', data: { actorId: 'jane', keyId: 'k2', keyHash: 'h2' } }]);
  });

  it('given an active key, when revoking it, then the revocation is recorded; revoking twice is refused', () => {
    const revoked = decideActor(
      { type: 'RevokeApiKey', actorId: 'jane', keyId: 'k1' },
      given(...janeRegistered),
    );
    expect(revoked).toEqual([{ type: 'ApiKeyRevoked', data: { actorId: 'jane', keyId: 'k1' } }]);
    expect(() =>
      decideActor(
        { type: 'RevokeApiKey', actorId: 'jane', keyId: 'k1' },
        given(...janeRegistered, ...revoked),
      ),
    ).toThrow(expect.objectContaining({ code: 'api-key-already-revoked' }));
  });

  it('refuses keys for unknown actors and unknown key ids', () => {
    expect(() =>
      decideActor({ type: 'IssueApiKey', actorId: 'ghost', keyId: 'k', keyHash: 'h' }, given()),
    ).toThrow(expect.objectContaining({ code: 'actor-not-found' }));
    expect(() =>
      decideActor(
        { type: 'RevokeApiKey', actorId: 'jane', keyId: 'nope' },
        given(...janeRegistered),
      ),
    ).toThrow(expect.objectContaining({ code: 'api-key-not-found' }));
  });
});
