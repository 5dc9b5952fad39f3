import type { Policy } from '@onrecord/commitments';
import type { AccountIndex, IndexedEntry } from './account-index.js';
import { type RecordClock, instantOn } from './as-of.js';
import type { ScopeKind } from './claim.js';
import type { TimelineCategory } from './event-facets.js';
import { isLate, lagMinutes } from './record-entry.js';
import { summarize } from './summary.js';

/** Which entries a timeline page shows. Every given filter must hold. */
export type TimelineQuery = {
  readonly categories: readonly TimelineCategory[] | null;
  readonly actorId: string | null;
  /** An order, quote or contract id; `kind` null matches the id under any kind. */
  readonly scope: { readonly kind: ScopeKind | null; readonly id: string } | null;
  /** The clock `fromMs` and `toMs` are read on. */
  readonly clock: RecordClock;
  readonly fromMs: number | null;
  readonly toMs: number | null;
  /** Words that must all appear in the entry's summary, texts, type or actor. */
  readonly text: string | null;
  /** Continue below this stream revision (exclusive); null starts from the newest. */
  readonly before: number | null;
  readonly limit: number;
};

export type TimelineItem = {
  readonly indexed: IndexedEntry;
  readonly summary: string;
  readonly late: boolean;
  readonly lagMinutes: number;
  /** Ids of later corrections pointing at this entry. */
  readonly correctedBy: readonly string[];
};

export type TimelinePage = {
  readonly items: TimelineItem[];
  /** Pass as `before` for the next page; null when there is none. */
  readonly nextBefore: number | null;
};

function matchesText(indexed: IndexedEntry, summary: string, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const haystack =
    `${summary} ${indexed.facets.texts.join(' ')} ${indexed.entry.type} ${indexed.entry.actor.id}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/**
 * One page of the account's timeline, newest first (by stream revision, the
 * order the company learnt things in). Corrections are shown where they
 * were recorded and on the entry they correct (`correctedBy`).
 */
export function timelinePage(
  index: AccountIndex,
  query: TimelineQuery,
  policy: Policy | null,
): TimelinePage {
  const pool =
    query.scope === null ? [...index.entries()] : index.forScope(query.scope.kind, query.scope.id);
  const words = (query.text ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const items: TimelineItem[] = [];
  let nextBefore: number | null = null;
  for (let i = pool.length - 1; i >= 0; i--) {
    const indexed = pool[i]!;
    const { entry } = indexed;
    if (query.before !== null && entry.revision >= query.before) continue;
    if (query.categories !== null && !query.categories.includes(indexed.facets.timelineCategory))
      continue;
    if (query.actorId !== null && entry.actor.id !== query.actorId) continue;
    const at = instantOn(entry, query.clock);
    if (query.fromMs !== null && at < query.fromMs) continue;
    if (query.toMs !== null && at > query.toMs) continue;
    const summary = summarize(entry);
    if (!matchesText(indexed, summary, words)) continue;
    if (items.length === query.limit) {
      nextBefore = items[items.length - 1]!.indexed.entry.revision;
      break;
    }
    items.push({
      indexed,
      summary,
      late: isLate(entry, policy),
      lagMinutes: lagMinutes(entry),
      correctedBy: index.correctionsFor(entry.id).map((c) => c.entry.id),
    });
  }
  return { items, nextBefore };
}
