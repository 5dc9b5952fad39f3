import { Inject, Injectable } from '@nestjs/common';
import { Clock, DomainError, type JsonObject } from '@onrecord/kernel';
import type { Caller } from '@onrecord/access';
import {
  type AccountState,
  type Policy,
  PolicyService,
  evolveAccount,
  initialAccountState,
} from '@onrecord/commitments';
import { type AccountView, buildAccountView } from '../domain/account-view.js';
import type { RecordClock } from '../domain/as-of.js';
import { accountEventOf } from '../domain/record-entry.js';
import { decisionOf, policyExcerpt, stateSummary } from '../domain/replay.js';
import { type TimelineQuery, timelinePage } from '../domain/timeline.js';
import { AccountRecords } from './account-records.service.js';
import { type EntryView, RecordPresenter } from './record-presenter.js';

export class AsOfInFutureError extends DomainError {
  readonly code = 'as-of-in-future';
  constructor(asOf: string, now: string) {
    super(
      `asOf ${asOf} is in the future (server time ${now}): the record cannot say what has not happened`,
      {
        asOf,
        now,
      },
    );
  }
}

export class ReplayRangeError extends DomainError {
  readonly code = 'replay-range';
  constructor(from: number, to: number) {
    super(`from (${from}) must not be after to (${to})`, { from, to });
  }
}

export type AccountViewAnswer = AccountView & { revision: number; position: string | null };

export type TimelineEntryView = EntryView & {
  category: string;
  scopes: readonly { kind: string; id: string }[];
  correctedBy: readonly string[];
  data: JsonObject;
};

export type TimelineAnswer = {
  accountId: string;
  revision: number;
  entries: TimelineEntryView[];
  /** Pass as `cursor` for the next (older) page; null on the last. */
  nextCursor: string | null;
};

export type AsOfAnswer = {
  accountId: string;
  asOf: string;
  clock: RecordClock;
  /** Entries visible at asOf on this clock. */
  events: number;
  /** Null when the account had not been opened yet at asOf (on this clock). */
  account: AccountView | null;
  /**
   * Where the two clocks disagree at asOf: statements made by then but
   * recorded later (in the occurred view only) and the reverse. Part of the answer.
   */
  clocksDiffer: {
    saidButNotYetRecorded: EntryView[];
    recordedBeforeSaid: EntryView[];
  };
};

/** One line of a replay: the header, an event with the state after it, or the end. */
export type ReplayLine = JsonObject;

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The per-account views: the account as it stands, its timeline, the account
 * as it stood at a time on either clock, and the auditor's replay.
 */
@Injectable()
export class AccountViewsService {
  constructor(
    @Inject(AccountRecords) private readonly records: AccountRecords,
    @Inject(RecordPresenter) private readonly presenter: RecordPresenter,
    @Inject(PolicyService) private readonly policies: PolicyService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async current(accountId: string, caller: Caller): Promise<AccountViewAnswer> {
    const { index, state } = await this.records.readableWithState(accountId, caller);
    const policy = await this.presenter.currentPolicy();
    const last = index.at(index.size - 1)?.entry ?? null;
    return {
      revision: index.revision,
      position: last?.position ?? null,
      ...buildAccountView(state, index.facts, policy, dayOf(this.clock.now().getTime())),
    };
  }

  async timeline(accountId: string, caller: Caller, query: TimelineQuery): Promise<TimelineAnswer> {
    const index = await this.records.readable(accountId, caller);
    const policy = await this.presenter.currentPolicy();
    const page = timelinePage(index, query, policy);
    return {
      accountId,
      revision: index.revision,
      entries: page.items.map((item) => ({
        ...this.presenter.entry(item.indexed.entry, policy, item.summary),
        category: item.indexed.facets.timelineCategory,
        scopes: item.indexed.scopes,
        correctedBy: item.correctedBy,
        data: item.indexed.entry.data,
      })),
      nextCursor: page.nextBefore === null ? null : `r${page.nextBefore}`,
    };
  }

  async asOf(
    accountId: string,
    caller: Caller,
    asOf: string,
    clock: RecordClock,
  ): Promise<AsOfAnswer> {
    const now = this.clock.now();
    const atMs = Date.parse(asOf);
    if (atMs > now.getTime()) throw new AsOfInFutureError(asOf, now.toISOString());
    const index = await this.records.readable(accountId, caller);
    const then = index.asOf(atMs, clock);
    const policy = await this.presenter.policyAt(new Date(atMs));
    const state = then.state.status === 'open' ? then.state : null;
    const difference = index.clocksDifferAt(atMs);
    return {
      accountId,
      asOf: new Date(atMs).toISOString(),
      clock,
      events: then.events,
      account: state === null ? null : buildAccountView(state, then.facts, policy, dayOf(atMs)),
      clocksDiffer: {
        saidButNotYetRecorded: difference.saidNotYetRecorded.map((e) =>
          this.presenter.entry(e, policy),
        ),
        recordedBeforeSaid: difference.recordedBeforeSaid.map((e) =>
          this.presenter.entry(e, policy),
        ),
      },
    };
  }

  /**
   * The account's events in order from `from` to `to` (revisions, inclusive),
   * each with the state after it and, for a decision, the policy version
   * applied, the rules it quoted and why it went that way. Checks access
   * before the first line, then yields line by line.
   */
  async replay(
    accountId: string,
    caller: Caller,
    range: { from: number; to: number | null; fullState: boolean },
  ): Promise<AsyncIterable<ReplayLine>> {
    const index = await this.records.readable(accountId, caller);
    const to = range.to ?? index.revision;
    if (range.from > to) throw new ReplayRangeError(range.from, to);
    const policy = await this.presenter.currentPolicy();
    const entries = [...index.entries()].filter((i) => i.entry.revision <= to);
    const policies = new Map<number, Policy | null>();
    const policyOf = async (version: number): Promise<Policy | null> => {
      if (!policies.has(version)) {
        policies.set(version, await this.policies.version(version).catch(() => null));
      }
      return policies.get(version) ?? null;
    };
    const presenter = this.presenter;
    const generatedAt = this.clock.now().toISOString();
    async function* lines(): AsyncGenerator<ReplayLine> {
      yield {
        kind: 'replay',
        accountId,
        from: range.from,
        to,
        generatedAt,
        lateEntryThresholdMinutes: policy?.lateEntryThresholdMinutes ?? null,
        note: 'Each event with the account state after it; decisions carry the policy version they were judged under, the rules it quoted, and why.',
      };
      let state: AccountState = initialAccountState;
      let shown = 0;
      for (const { entry, facets } of entries) {
        const event = accountEventOf(entry);
        if (event !== null) state = evolveAccount(state, event);
        if (entry.revision < range.from) continue;
        const decision = decisionOf(entry);
        const applied =
          decision?.policyVersion == null ? null : await policyOf(decision.policyVersion);
        shown += 1;
        yield {
          kind: 'event',
          ...(presenter.entry(entry, policy) as unknown as JsonObject),
          category: facets.timelineCategory,
          correctedBy: index.correctionsFor(entry.id).map((c) => c.entry.id),
          data: entry.data,
          decision:
            decision === null
              ? null
              : {
                  ...decision,
                  policy: applied === null ? null : policyExcerpt(applied, entry),
                },
          stateAfter: range.fullState ? (state as unknown as JsonObject) : stateSummary(state),
        };
      }
      const last = entries.at(-1)?.entry;
      yield {
        kind: 'end',
        events: shown,
        lastRevision: last?.revision ?? -1,
        lastHash: last?.hash ?? null,
      };
    }
    return lines();
  }
}
