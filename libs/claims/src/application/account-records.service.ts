import { Inject, Injectable } from '@nestjs/common';
import type { JsonObject } from '@onrecord/kernel';
import { EventStore, type StoredEvent } from '@onrecord/event-store';
import { CommandHandler, type Fold } from '@onrecord/platform';
import type { Caller } from '@onrecord/access';
import {
  AccountCommandsService,
  AccountNotFoundError,
  type OpenAccountState,
  accountFold,
  accountStreamId,
  assertMayRead,
} from '@onrecord/commitments';
import { AccountIndex } from '../domain/account-index.js';
import { entryOf } from '../domain/record-entry.js';

/**
 * A stored event on its way into the index, or a new claim event on its way
 * to the store (no `stored` yet: the index takes it in once the store has
 * stamped it).
 */
export type IndexedEvent = {
  readonly type: string;
  readonly data: JsonObject;
  readonly stored?: StoredEvent;
};

/**
 * The claims capability's fold over an account stream: the whole record,
 * indexed. The index is mutable and takes each event once (by id), so the
 * command handler's cache can extend it in place from where it stopped; the
 * initial state is null so that no two streams ever share one.
 */
export const accountIndexFold: Fold<AccountIndex | null, IndexedEvent> = {
  name: 'claims-account-index',
  initialState: null,
  evolve: (index, event) => {
    if (event.stored === undefined) return index;
    const target = index ?? new AccountIndex();
    target.add(entryOf(event.stored));
    return target;
  },
  accept: (stored) => ({ type: stored.type, data: stored.data, stored }),
};

/** How often to read again when a write lands between reading the state and the index. */
const SAME_REVISION_ATTEMPTS = 3;

/** Accounts whose index is kept in memory; the least recently used is dropped first. */
export const INDEXED_ACCOUNTS = 512;

/**
 * The per-account record as the claims capability reads it: loaded through
 * the one command path's cached fold, so a question reads only the events
 * stored since the last one.
 */
@Injectable()
export class AccountRecords {
  readonly commands: CommandHandler;

  constructor(
    @Inject(EventStore) store: EventStore,
    @Inject(AccountCommandsService) private readonly accounts: AccountCommandsService,
  ) {
    this.commands = new CommandHandler(store, INDEXED_ACCOUNTS);
  }

  /** The account's index now; empty for an account with no stream. */
  async load(accountId: string): Promise<AccountIndex> {
    const { state } = await this.commands.load(accountStreamId(accountId), accountIndexFold);
    return state ?? new AccountIndex();
  }

  /** The account's index for a caller allowed to read it: 404 for an unknown account, 403 for a rep not on it. */
  async readable(accountId: string, caller: Caller): Promise<AccountIndex> {
    const index = await this.load(accountId);
    mayRead(index, accountId, caller);
    return index;
  }

  /**
   * The index with the commitments state at the same revision. The state
   * comes from the command path's cached fold, so an account is folded once
   * per process for writes and reads alike; when a write lands between the
   * two reads they are read again, and after a few tries the index folds
   * the state itself.
   */
  async readableWithState(
    accountId: string,
    caller: Caller,
  ): Promise<{ index: AccountIndex; state: OpenAccountState }> {
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.accounts.commands.load(
        accountStreamId(accountId),
        accountFold,
      );
      const index = await this.readable(accountId, caller);
      if (index.revision === revision && state.status === 'open') return { index, state };
      if (attempt >= SAME_REVISION_ATTEMPTS) {
        const own = index.openState;
        if (own === null) throw new AccountNotFoundError(accountId);
        return { index, state: own };
      }
    }
  }
}

/** Throws the 404 for an account never opened and the 403 for a rep not on it. */
export function mayRead(
  index: AccountIndex | null,
  accountId: string,
  caller: Caller,
): asserts index is AccountIndex {
  const assignment = index?.assignment ?? null;
  if (assignment === null) throw new AccountNotFoundError(accountId);
  assertMayRead(assignment, caller);
}
