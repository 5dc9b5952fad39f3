import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock, DomainError } from '@onrecord/kernel';
import { EventStore } from '@onrecord/event-store';
import { CommandHandler, type Fold } from '@onrecord/platform';
import type { Caller } from '@onrecord/access';
import {
  type PolicyEvent,
  type PolicyState,
  currentPolicy,
  decidePolicy,
  evolvePolicy,
  initialPolicyState,
} from '../domain/policy.decider.js';
import type { Policy, PublishedPolicy } from '../domain/policy.js';

export const POLICY_STREAM = 'policy';

export class PolicyVersionNotFoundError extends DomainError {
  readonly code = 'policy-version-not-found';
  constructor(version: number) {
    super(`There is no policy version ${version}`, { version });
  }
}

/** Recording needs a policy: until a manager publishes one there is nothing to judge by. */
export class NoPolicyInForceError extends DomainError {
  readonly code = 'no-policy-in-force';
  constructor() {
    super('No policy has been published yet: a manager publishes one with POST /policies');
  }
}

export const policyFold: Fold<PolicyState, PolicyEvent> = {
  name: 'policy',
  initialState: initialPolicyState,
  evolve: evolvePolicy,
  accept: (stored) =>
    stored.type === 'PolicyPublished'
      ? ({ type: stored.type, data: stored.data } as PolicyEvent)
      : null,
};

export interface PolicyRecord extends PublishedPolicy {
  readonly publishedAt: string;
  readonly publishedBy: string;
  readonly note: string | null;
  readonly eventId: string;
}

@Injectable()
export class PolicyService {
  private readonly commands: CommandHandler;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.commands = new CommandHandler(store, 10);
  }

  async publish(policy: Policy, note: string | undefined, caller: Caller): Promise<PolicyRecord> {
    const occurredAt = this.clock.now().toISOString();
    const result = await this.commands.handle({
      streamId: POLICY_STREAM,
      fold: policyFold,
      decide: (state) =>
        decidePolicy({ type: 'PublishPolicy', data: { policy, note: note ?? null } }, state, {
          actor: { id: caller.actorId, role: caller.role },
        }),
      metadata: () => ({
        occurredAt,
        actor: { id: caller.actorId, role: caller.role },
        channel: 'portal',
      }),
      eventId: () => randomUUID(),
    });
    return this.version(currentPolicy(result.state)!.version);
  }

  /** The policy in force now; reads only what was published since the last call. */
  async current(): Promise<PublishedPolicy | null> {
    const { state } = await this.commands.load(POLICY_STREAM, policyFold);
    return currentPolicy(state);
  }

  async requireCurrent(): Promise<PublishedPolicy> {
    const policy = await this.current();
    if (!policy) throw new NoPolicyInForceError();
    return policy;
  }

  /**
   * The policy a statement made at `instant` is judged under: the last version
   * published (recorded) at or before it. A statement older than the first
   * policy is judged under the first one; its decision cites that version.
   */
  async requireInForceAt(instant: Date): Promise<PublishedPolicy> {
    await this.refreshHistory();
    const at = instant.getTime();
    let chosen = this.history[0];
    if (!chosen) throw new NoPolicyInForceError();
    for (const entry of this.history) {
      if (entry.recordedAtMs <= at) chosen = entry;
      else break;
    }
    return chosen.policy;
  }

  private readonly history: Array<{ recordedAtMs: number; policy: PublishedPolicy }> = [];

  /** Reads only the versions published since the last call. */
  private async refreshHistory(): Promise<void> {
    for (;;) {
      const page = await this.store.readStream(POLICY_STREAM, {
        fromRevision: this.history.length,
        maxCount: 100,
      });
      for (const event of page) {
        if (event.revision !== this.history.length) continue;
        const data = event.data as unknown as { version: number; policy: Policy };
        this.history.push({
          recordedAtMs: Date.parse(event.recordedAt),
          policy: { ...data.policy, version: data.version },
        });
      }
      if (page.length < 100) return;
    }
  }

  /** Version n is the n-th PolicyPublished event (revision n − 1 of the policy stream). */
  async version(version: number): Promise<PolicyRecord> {
    const [event] =
      version >= 1
        ? await this.store.readStream(POLICY_STREAM, { fromRevision: version - 1, maxCount: 1 })
        : [];
    if (!event || event.type !== 'PolicyPublished') throw new PolicyVersionNotFoundError(version);
    const data = event.data as unknown as { version: number; policy: Policy; note: string | null };
    return {
      ...data.policy,
      version: data.version,
      note: data.note,
      publishedAt: event.recordedAt,
      publishedBy: event.metadata.actor.id,
      eventId: event.id,
    };
  }
}
