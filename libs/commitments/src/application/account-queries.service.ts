import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@onrecord/kernel';
import { EventStore, type StoredEvent } from '@onrecord/event-store';
import type { Caller } from '@onrecord/access';
import { PersonalDataService } from '@onrecord/privacy';
import type { OpenAccountState } from '../domain/account.state.js';
import {
  AccountCommandsService,
  accountFold,
  accountStreamId,
} from './account-commands.service.js';

export class AccountNotFoundError extends DomainError {
  readonly code = 'account-not-found';
  constructor(accountId: string) {
    super(`There is no account ${accountId}`, { accountId });
  }
}

/** A sales or service rep asked about an account they are not assigned to. */
export class NotYourAccountError extends DomainError {
  readonly code = 'not-assigned';
  constructor(actorId: string, accountId: string) {
    super(`${actorId} is not assigned to account ${accountId}`, { actorId, accountId });
  }
}

export class ReadNotAllowedError extends DomainError {
  readonly code = 'role-not-allowed';
  constructor(role: string) {
    super(`A ${role} may not read accounts; integrations subscribe to event streams`, { role });
  }
}

/**
 * Who may see an account: managers and auditors all; a sales or service rep
 * only the accounts they are assigned to now; integrations none (they
 * subscribe to streams instead).
 */
export function assertMayRead(
  account: Pick<OpenAccountState, 'accountId' | 'ownerId' | 'serviceRepIds'>,
  caller: Caller,
): void {
  if (caller.role === 'manager' || caller.role === 'auditor') return;
  if (caller.role === 'integration') throw new ReadNotAllowedError(caller.role);
  if (account.ownerId === caller.actorId || account.serviceRepIds.includes(caller.actorId)) return;
  throw new NotYourAccountError(caller.actorId, account.accountId);
}

@Injectable()
export class AccountQueriesService {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(AccountCommandsService) private readonly accounts: AccountCommandsService,
    @Inject(PersonalDataService) private readonly personalData: PersonalDataService,
  ) {}

  /** The account as it stands, for a caller allowed to see it. Shares the command path's cached fold. */
  async current(
    accountId: string,
    caller: Caller,
  ): Promise<{ state: OpenAccountState; revision: number }> {
    const { state, revision } = await this.accounts.commands.load(
      accountStreamId(accountId),
      accountFold,
    );
    if (state.status !== 'open') throw new AccountNotFoundError(accountId);
    assertMayRead(state, caller);
    return { state, revision };
  }

  /** The account's events in order, a page at a time. */
  async events(
    accountId: string,
    caller: Caller,
    fromRevision: number,
    limit: number,
  ): Promise<StoredEvent[]> {
    await this.current(accountId, caller);
    const events = await this.store.readStream(accountStreamId(accountId), {
      fromRevision,
      maxCount: limit,
    });
    return events.map((event) => this.personalData.revealEvent(event));
  }
}
