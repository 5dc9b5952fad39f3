import { type AccountState, evolveAccount, initialAccountState } from '@onrecord/commitments';
import { AccountFacts, type FactsMark } from './account-facts.js';
import { type RecordClock, instantOn, visibleAt } from './as-of.js';
import { type RecordEntry, accountEventOf } from './record-entry.js';

/** The account as it stood at an instant on one clock, folded from what was visible then. */
export type AccountThen = {
  readonly state: AccountState;
  readonly facts: AccountFacts;
  /** How many entries were visible. */
  readonly events: number;
};

/**
 * Entries between two checkpoints: an as-of folds at most this many on top
 * of the nearest one. Larger saves memory, smaller saves time per question.
 */
export const CHECKPOINT_EVERY = 128;

/** `entries[from..to)` folded into `state` and into `facts` (which is changed); returns the state. */
function foldInto(
  state: AccountState,
  facts: AccountFacts,
  entries: readonly RecordEntry[],
  from: number,
  to: number,
): AccountState {
  let folded = state;
  for (let at = from; at < to; at++) {
    const entry = entries[at]!;
    const event = accountEventOf(entry);
    if (event !== null) folded = evolveAccount(folded, event);
    facts.add(entry);
  }
  return folded;
}

/**
 * The straightforward as-of: the entries visible at `atMs` on `clock`, folded
 * from the first. Used when the visible entries are not a prefix of the
 * clock's order, and by the specs as the answer the checkpoints must give.
 */
export function foldVisible(
  entries: Iterable<RecordEntry>,
  atMs: number,
  clock: RecordClock,
): AccountThen {
  const visible = visibleAt(entries, atMs, clock);
  const facts = new AccountFacts();
  const state = foldInto(initialAccountState, facts, visible, 0, visible.length);
  return { state, facts, events: visible.length };
}

/** Whether `a` comes before `b` in the order `visibleAt` folds them in on `clock`. */
function before(a: RecordEntry, b: RecordEntry, clock: RecordClock): boolean {
  if (clock === 'occurred' && a.occurredAtMs !== b.occurredAtMs)
    return a.occurredAtMs < b.occurredAtMs;
  return a.revision < b.revision;
}

type Checkpoint = { readonly state: AccountState; readonly mark: FactsMark };

/**
 * One clock's view of an account's history, for answering "as of T" without
 * folding from the first entry. The entries are kept in the order the clock
 * folds them in, so what was visible at any T is a prefix of that order; the
 * commitments state and the view facts are kept every CHECKPOINT_EVERY
 * entries along it. The state is persistent (each version shares all but
 * what changed) and the facts' lists only grow, so a checkpoint costs what
 * the entries since the last one added, not a copy of the account.
 *
 * Checkpoints are made when an as-of first needs them. On the occurred
 * clock an entry recorded late lands in the middle of the order, and the
 * checkpoints after it are dropped (made again when next needed). On the
 * recorded clock entries arrive in order; should a recordedAt ever go
 * backwards (a store clock stepped back), what was known at T is no longer a
 * prefix and every as-of on that clock folds what was visible from the first.
 */
export class ClockHistory {
  private readonly order: RecordEntry[] = [];
  private readonly checkpoints: Checkpoint[];
  /** The facts folded up to the last checkpoint: the checkpoints' marks point into its lists. */
  private facts = new AccountFacts();
  private prefixes = true;

  constructor(private readonly clock: RecordClock) {
    this.checkpoints = [{ state: initialAccountState, mark: this.facts.mark() }];
  }

  add(entry: RecordEntry): void {
    let low = 0;
    let high = this.order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (before(entry, this.order[mid]!, this.clock)) high = mid;
      else low = mid + 1;
    }
    const at = low;
    this.order.splice(at, 0, entry);
    const instant = instantOn(entry, this.clock);
    const previous = this.order[at - 1];
    const next = this.order[at + 1];
    if (
      (previous !== undefined && instantOn(previous, this.clock) > instant) ||
      (next !== undefined && instantOn(next, this.clock) < instant)
    )
      this.prefixes = false;

    // Checkpoint i holds the first i * CHECKPOINT_EVERY entries: those past `at` no longer do.
    const keep = Math.floor(at / CHECKPOINT_EVERY) + 1;
    if (this.checkpoints.length > keep) {
      this.checkpoints.length = keep;
      this.facts = this.facts.upTo(this.checkpoints[keep - 1]!.mark);
    }
  }

  /** The account as it stood at `atMs` on this clock. */
  at(atMs: number): AccountThen {
    if (!this.prefixes) return foldVisible(this.order, atMs, this.clock);
    const visible = this.visibleCount(atMs);
    // At least one entry past the checkpoint: a view reads the state's records into
    // plain objects that the state then keeps, and a checkpoint should not hold them.
    const nearest = visible === 0 ? 0 : Math.floor((visible - 1) / CHECKPOINT_EVERY);
    const checkpoint = this.checkpoint(nearest);
    const facts = this.facts.upTo(checkpoint.mark);
    const state = foldInto(
      checkpoint.state,
      facts,
      this.order,
      nearest * CHECKPOINT_EVERY,
      visible,
    );
    return { state, facts, events: visible };
  }

  /** How many entries the clock shows by `atMs`: the order is sorted by the clock's instant. */
  private visibleCount(atMs: number): number {
    let low = 0;
    let high = this.order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (instantOn(this.order[mid]!, this.clock) <= atMs) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private checkpoint(index: number): Checkpoint {
    while (this.checkpoints.length <= index) {
      const last = this.checkpoints.length - 1;
      const state = foldInto(
        this.checkpoints[last]!.state,
        this.facts,
        this.order,
        last * CHECKPOINT_EVERY,
        (last + 1) * CHECKPOINT_EVERY,
      );
      this.checkpoints.push({ state, mark: this.facts.mark() });
    }
    return this.checkpoints[index]!;
  }
}
