import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock, DomainError, type JsonObject } from '@onrecord/kernel';
import {
  EventStore,
  type EventMetadata,
  type StoredEvent,
  WrongExpectedRevisionError,
  formatPosition,
} from '@onrecord/event-store';
import { CommandHandler, type Fold, deterministicEventId } from '@onrecord/platform';
import type { Caller } from '@onrecord/access';
import { PersonalDataService } from '@onrecord/privacy';
import type { AccountCommand } from '../domain/account.commands.js';
import { type AccountEvent, isRefusal } from '../domain/account.events.js';
import type { AccountState } from '../domain/account.state.js';
import {
  decideAccount,
  evolveAccount,
  initialAccountState,
  isAccountEventType,
} from '../domain/account.decider.js';
import type { RefusalData } from '../domain/refusal.js';
import { PolicyService } from './policy.service.js';

export const ACCOUNT_STREAM_PREFIX = 'account-';
export const accountStreamId = (accountId: string): string =>
  `${ACCOUNT_STREAM_PREFIX}${accountId}`;

/** How long into the future an occurredAt may be, for clock skew between a rep's device and the server. */
export const OCCURRED_AT_SKEW_MS = 60_000;

export const accountFold: Fold<AccountState, AccountEvent> = {
  name: 'account',
  initialState: initialAccountState,
  evolve: evolveAccount,
  accept: (stored) =>
    isAccountEventType(stored.type)
      ? ({ type: stored.type, data: stored.data } as AccountEvent)
      : null,
};

/** How a statement was made: everything a recording request carries besides the command. */
export interface Recording {
  /** When it was said (ISO 8601); defaults to now; never in the future. */
  readonly occurredAt?: string;
  readonly channel: string;
  readonly counterparty?: JsonObject;
  readonly evidence?: ReadonlyArray<{ uri: string; sha256: string }>;
}

export interface RequestContext {
  /** The revision the caller last saw (If-Match); a different one is 412. */
  readonly ifMatch?: number;
  /** Idempotency-Key: makes the new events' ids deterministic. */
  readonly idempotencyKey?: string;
  readonly requestId?: string;
  readonly route: string;
}

export interface RecordedEvent {
  readonly id: string;
  readonly type: string;
  readonly revision: number;
  readonly position: string;
  readonly hash: string;
  readonly recordedAt: string;
  readonly data: JsonObject;
}

export interface RecordingResult {
  readonly accountId: string;
  /** The account stream's revision after the command: the ETag. */
  readonly revision: number;
  /** Global position of the last event: reads that reached it reflect this write. */
  readonly position: string | null;
  readonly policyVersion: number;
  readonly events: readonly RecordedEvent[];
}

/** The decision was "no", and the "no" is on the record. Answered as 422. */
export class RecordedRefusalError extends DomainError {
  readonly code: string;
  constructor(refusal: RefusalData & { type: string }, result: RecordingResult) {
    super(refusal.detail, {
      recorded: true,
      rule: refusal.rule,
      refusal: refusal.type,
      figures: refusal.figures,
      alternatives: refusal.alternatives,
      policyVersion: refusal.policyVersion,
      accountId: result.accountId,
      revision: result.revision,
      events: result.events,
    });
    this.code = refusal.rule;
  }
}

export class PreconditionFailedError extends DomainError {
  readonly code = 'precondition-failed';
  constructor(streamId: string, expected: number, actual: number | 'no_stream') {
    super(`If-Match expected revision ${expected} but the account is at ${String(actual)}`, {
      streamId,
      expectedRevision: expected,
      actualRevision: actual,
    });
  }
}

export class OccurredInFutureError extends DomainError {
  readonly code = 'occurred-in-future';
  constructor(occurredAt: string, now: string) {
    super(`occurredAt ${occurredAt} is in the future (server time ${now})`, { occurredAt, now });
  }
}

/** A correction must point at an event that is on this account's record. */
export class CorrectedEventNotFoundError extends DomainError {
  readonly code = 'corrected-event-not-found';
  constructor(accountId: string, eventId: string) {
    super(`Account ${accountId} has no event ${eventId} to correct`, { accountId, eventId });
  }
}

export function toRecordedEvent(event: StoredEvent): RecordedEvent {
  return {
    id: event.id,
    type: event.type,
    revision: event.revision,
    position: formatPosition(event.position),
    hash: event.hash,
    recordedAt: event.recordedAt,
    data: event.data,
  };
}

/**
 * Records what reps say to an account through the one command path: the
 * account is folded, the decider judges the command under the policy in force
 * when it was said, and the events (including refusals) are appended with the
 * expected revision. The actor is always the authenticated caller.
 */
@Injectable()
export class AccountCommandsService {
  readonly commands: CommandHandler;

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(PolicyService) private readonly policies: PolicyService,
    @Inject(PersonalDataService) private readonly personalData: PersonalDataService,
  ) {
    this.commands = new CommandHandler(store);
  }

  async record(
    accountId: string,
    command: AccountCommand,
    caller: Caller,
    recording: Recording,
    request: RequestContext,
  ): Promise<RecordingResult> {
    const now = this.clock.now();
    const occurredAt = recording.occurredAt ? new Date(recording.occurredAt) : now;
    if (occurredAt.getTime() > now.getTime() + OCCURRED_AT_SKEW_MS) {
      throw new OccurredInFutureError(occurredAt.toISOString(), now.toISOString());
    }
    if (command.type === 'CorrectEvent')
      await this.requireEventOnRecord(accountId, command.data.correctedEventId);
    const policy = await this.policies.requireInForceAt(occurredAt);
    const actor = { id: caller.actorId, role: caller.role };
    const metadata: EventMetadata = {
      occurredAt: occurredAt.toISOString(),
      actor,
      channel: recording.channel,
      ...(recording.counterparty
        ? { counterparty: this.personalData.seal(recording.counterparty) }
        : {}),
      ...(request.requestId ? { correlationId: request.requestId } : {}),
      ...(recording.evidence && recording.evidence.length > 0
        ? { evidence: recording.evidence }
        : {}),
    };
    const streamId = accountStreamId(accountId);
    let result;
    try {
      result = await this.commands.handle({
        streamId,
        fold: accountFold,
        decide: (state) => decideAccount(command, state, { now: occurredAt, actor, policy }),
        metadata: () => metadata,
        eventId: (_event, index) =>
          request.idempotencyKey
            ? deterministicEventId([caller.actorId, request.idempotencyKey, request.route], index)
            : randomUUID(),
        ...(request.ifMatch !== undefined ? { expectedRevision: request.ifMatch } : {}),
      });
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && request.ifMatch !== undefined) {
        throw new PreconditionFailedError(streamId, request.ifMatch, error.actual);
      }
      throw error;
    }
    const recorded: RecordingResult = {
      accountId,
      revision: result.revision,
      position: result.appended ? formatPosition(result.appended.position) : null,
      policyVersion: policy.version,
      events: result.appended ? result.appended.events.map(toRecordedEvent) : [],
    };
    const refusal = result.decided.find(isRefusal);
    if (refusal) throw new RecordedRefusalError({ ...refusal.data, type: refusal.type }, recorded);
    return recorded;
  }

  /** Corrections are rare: a scan of the account's stream is cheaper than an index kept for them. */
  private async requireEventOnRecord(accountId: string, eventId: string): Promise<void> {
    const wanted = eventId.toLowerCase();
    for (let from = 0; ; from += 1000) {
      const page = await this.store.readStream(accountStreamId(accountId), {
        fromRevision: from,
        maxCount: 1000,
      });
      if (page.some((event) => event.id === wanted)) return;
      if (page.length < 1000) throw new CorrectedEventNotFoundError(accountId, eventId);
    }
  }
}
