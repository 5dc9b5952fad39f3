import {
  type AccountState,
  type OpenAccountState,
  evolveAccount,
  initialAccountState,
} from '@onrecord/commitments';
import { AccountFacts } from './account-facts.js';
import { type ClockDifference, ClockDifferences, type RecordClock } from './as-of.js';
import { type AccountThen, ClockHistory } from './as-of-checkpoints.js';
import type { ClaimCategory, ClaimScope } from './claim.js';
import { type EntryFacets, facetsOf, scopeKey } from './event-facets.js';
import { type RecordEntry, accountEventOf } from './record-entry.js';
import { wordsOf } from './text-match.js';

/** An entry with what the index worked out about it. */
export type IndexedEntry = {
  readonly entry: RecordEntry;
  readonly facets: EntryFacets;
  /** The entry's own scopes plus those it inherits (a promise's outcome is about the promise's order). */
  readonly scopes: readonly ClaimScope[];
};

function push<K>(map: Map<K, number[]>, key: K, at: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [at]);
  else list.push(at);
}

/**
 * Everything said to one account, indexed for answering a claim on the spot:
 * by claim category and scope, by word, by the event a correction points at,
 * with the commitments state and the view facts folded alongside. Built
 * incrementally — `add` takes each new entry once (by id), so a long history
 * is indexed as it grows instead of rescanned per question.
 *
 * It also answers as-of views (`asOf`) from checkpoints kept along each
 * clock, without indexing the entries again.
 */
export class AccountIndex {
  private readonly list: IndexedEntry[] = [];
  private readonly positionOfId = new Map<string, number>();
  private readonly byCategory = new Map<ClaimCategory, number[]>();
  private readonly byCategoryScope = new Map<string, number[]>();
  private readonly byCategoryWide = new Map<ClaimCategory, number[]>();
  private readonly byScope = new Map<string, number[]>();
  private readonly byScopeId = new Map<string, number[]>();
  private readonly byWord = new Map<string, number[]>();
  private readonly correctionsOf = new Map<string, number[]>();
  private readonly promiseEntries = new Map<string, number[]>();
  /** Scopes that later events inherit: `promise:<id>`, `complaint:<id>`, `invoice:<id>`. */
  private readonly inherited = new Map<string, readonly ClaimScope[]>();
  private readonly roles = new Map<string, string>();
  private folded: AccountState = initialAccountState;
  /** How many entries `folded` has taken: the commitments state is folded when first asked for. */
  private foldedCount = 0;
  private highest = -1;
  readonly facts = new AccountFacts();
  /** Each clock's checkpoints, made on the first as-of on that clock. */
  private readonly histories = new Map<RecordClock, ClockHistory>();
  private differences: ClockDifferences | null = null;

  static of(entries: Iterable<RecordEntry>): AccountIndex {
    const index = new AccountIndex();
    for (const entry of entries) index.add(entry);
    return index;
  }

  /** The highest stream revision taken in; -1 when empty. */
  get revision(): number {
    return this.highest;
  }

  get size(): number {
    return this.list.length;
  }

  /**
   * The commitments state folded from the entries taken in. Folded on first
   * use and then only for the entries added since: a claim check never needs
   * it, so a long history is not folded just to answer one.
   */
  get state(): AccountState {
    for (; this.foldedCount < this.list.length; this.foldedCount++) {
      const event = accountEventOf(this.list[this.foldedCount]!.entry);
      if (event !== null) this.folded = evolveAccount(this.folded, event);
    }
    return this.folded;
  }

  get openState(): OpenAccountState | null {
    const state = this.state;
    return state.status === 'open' ? state : null;
  }

  /** Who works the account now; null when it was never opened. Cheap: no fold. */
  get assignment(): {
    accountId: string;
    ownerId: string;
    serviceRepIds: readonly string[];
  } | null {
    return this.facts.current;
  }

  entries(): IterableIterator<IndexedEntry> {
    return this.list.values();
  }

  at(position: number): IndexedEntry | undefined {
    return this.list[position];
  }

  byId(eventId: string): IndexedEntry | undefined {
    const at = this.positionOfId.get(eventId);
    return at === undefined ? undefined : this.list[at];
  }

  /** The role the actor last acted in on this account, if they ever did. */
  roleOf(actorId: string): string | undefined {
    return this.roles.get(actorId);
  }

  /** Takes an entry in; one already taken (same id) changes nothing. */
  add(entry: RecordEntry): void {
    if (this.positionOfId.has(entry.id)) return;
    const facets = facetsOf(entry);
    const scopes = [...facets.scopes, ...this.inheritedScopes(entry)];
    const at = this.list.length;
    this.list.push({ entry, facets, scopes });
    this.positionOfId.set(entry.id, at);
    this.highest = Math.max(this.highest, entry.revision);
    this.roles.set(entry.actor.id, entry.actor.role);

    for (const category of facets.claimCategories) {
      push(this.byCategory, category, at);
      if (scopes.length === 0) push(this.byCategoryWide, category, at);
      for (const scope of scopes) push(this.byCategoryScope, `${category}|${scopeKey(scope)}`, at);
    }
    for (const scope of scopes) {
      push(this.byScope, scopeKey(scope), at);
      push(this.byScopeId, scope.id, at);
    }
    for (const word of wordsOf(facets.texts.join(' '))) push(this.byWord, word, at);
    this.remember(entry, scopes, at);

    this.facts.add(entry);
    for (const history of this.histories.values()) history.add(entry);
    this.differences?.add(entry);
  }

  /** Where the clocks disagree at `atMs`, over every entry taken in. */
  clocksDifferAt(atMs: number): ClockDifference {
    if (this.differences === null) {
      this.differences = new ClockDifferences();
      for (const { entry } of this.list) this.differences.add(entry);
    }
    return this.differences.at(atMs);
  }

  /** The account as it stood at `atMs` on `clock`: what was visible then, folded. */
  asOf(atMs: number, clock: RecordClock): AccountThen {
    let history = this.histories.get(clock);
    if (history === undefined) {
      history = new ClockHistory(clock);
      for (const { entry } of this.list) history.add(entry);
      this.histories.set(clock, history);
    }
    return history.at(atMs);
  }

  private inheritedScopes(entry: RecordEntry): readonly ClaimScope[] {
    const id = (field: string): string | null => {
      const value = entry.data[field];
      return typeof value === 'string' ? value : null;
    };
    switch (entry.type) {
      case 'PromiseKept':
      case 'PromiseBroken':
      case 'PromiseWithdrawn':
        return this.inherited.get(`promise:${id('promiseId')}`) ?? [];
      case 'ComplaintAssessed':
        return this.inherited.get(`complaint:${id('complaintId')}`) ?? [];
      case 'PaymentReceived':
        return this.inherited.get(`invoice:${id('invoiceId')}`) ?? [];
      default:
        return [];
    }
  }

  private remember(entry: RecordEntry, scopes: readonly ClaimScope[], at: number): void {
    const event = accountEventOf(entry);
    if (event === null) return;
    switch (event.type) {
      case 'PromiseMade':
        this.inherited.set(`promise:${event.data.promiseId}`, scopes);
        push(this.promiseEntries, event.data.promiseId, at);
        return;
      case 'PromiseKept':
      case 'PromiseBroken':
      case 'PromiseWithdrawn':
        push(this.promiseEntries, event.data.promiseId, at);
        return;
      case 'ComplaintRaised':
        this.inherited.set(`complaint:${event.data.complaintId}`, scopes);
        return;
      case 'InvoiceIssued':
        this.inherited.set(`invoice:${event.data.invoiceId}`, scopes);
        return;
      case 'EventCorrected':
        push(this.correctionsOf, event.data.correctedEventId.toLowerCase(), at);
        return;
      default:
        return;
    }
  }

  private resolve(positions: readonly number[] | undefined): IndexedEntry[] {
    return (positions ?? []).map((at) => this.list[at]!);
  }

  /**
   * Entries that bear on a claim category: in `scope` and those that apply
   * to the whole account, or every one of the category when no scope is given.
   * In the order taken in.
   */
  forCategory(category: ClaimCategory, scope: ClaimScope | null): IndexedEntry[] {
    if (scope === null) return this.resolve(this.byCategory.get(category));
    const scoped = this.byCategoryScope.get(`${category}|${scopeKey(scope)}`) ?? [];
    const wide = this.byCategoryWide.get(category) ?? [];
    return this.resolve(mergeSorted(scoped, wide));
  }

  /** Entries about an order, quote or contract; `kind` null matches the id under any kind. */
  forScope(kind: ClaimScope['kind'] | null, id: string): IndexedEntry[] {
    return this.resolve(
      kind === null ? this.byScopeId.get(id) : this.byScope.get(scopeKey({ kind, id })),
    );
  }

  /**
   * The entries that hold the most of `words` — at least `minShare` of them —
   * among those `keep` accepts, in the order taken in: the records closest to
   * the customer's words. Counted from the word index, so only entries that
   * share a word are looked at.
   */
  bestForWords(
    words: readonly string[],
    keep: (indexed: IndexedEntry) => boolean,
    minShare: number,
  ): IndexedEntry[] {
    const counts = new Map<number, number>();
    for (const word of words)
      for (const at of this.byWord.get(word) ?? []) counts.set(at, (counts.get(at) ?? 0) + 1);
    let best = Math.max(1, Math.ceil(words.length * minShare));
    let chosen: number[] = [];
    for (const [at, count] of counts) {
      if (count < best || !keep(this.list[at]!)) continue;
      if (count > best) {
        best = count;
        chosen = [];
      }
      chosen.push(at);
    }
    return this.resolve(chosen.sort((a, b) => a - b));
  }

  /** Corrections that point at the event. */
  correctionsFor(eventId: string): IndexedEntry[] {
    return this.resolve(this.correctionsOf.get(eventId.toLowerCase()));
  }

  /** A promise's own entry and its outcome, in order. */
  promiseHistory(promiseId: string): IndexedEntry[] {
    return this.resolve(this.promiseEntries.get(promiseId));
  }
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (merged[merged.length - 1] !== next) merged.push(next);
  }
  return merged;
}
