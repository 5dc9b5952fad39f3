import { EVENT_CATEGORIES, type EventCategory, isEventCategory } from './event-category.js';
import { type FieldProblem, InvalidFilterError } from './integrations.errors.js';

/**
 * What a subscriber wants to see. Each part is a list of alternatives (an
 * empty list lets everything through); the parts combine with AND: an
 * event passes when its account, its type and its category each match.
 */
export interface EventFilter {
  readonly accounts: readonly string[];
  readonly types: readonly string[];
  readonly categories: readonly EventCategory[];
}

export const MATCH_EVERYTHING: EventFilter = { accounts: [], types: [], categories: [] };

/** What a filter is checked against: the event's account (null for the policy stream), type and category. */
export interface Filterable {
  readonly accountId: string | null;
  readonly type: string;
  readonly category: EventCategory;
}

/** Account ids as the commitments API accepts them. */
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/**
 * Event type names are PascalCase business names. Unknown names are
 * accepted on purpose: a subscriber may follow a type that a newer
 * capability (claims) emits before this catalogue lists it.
 */
const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{0,99}$/;
/** Bounds the store-side filter a subscription carries. */
export const MAX_FILTER_VALUES = 100;

/** The names the caller used for each part, so problems point at their input. */
export interface FilterFieldNames {
  readonly accounts: string;
  readonly types: string;
  readonly categories: string;
}

const BODY_FIELDS: FilterFieldNames = {
  accounts: 'filter.accounts',
  types: 'filter.types',
  categories: 'filter.categories',
};

/**
 * Checks and normalises a filter (duplicates dropped, order kept). Throws
 * InvalidFilterError naming every bad value, with the allowed categories.
 */
export function parseEventFilter(
  input: {
    readonly accounts?: readonly string[];
    readonly types?: readonly string[];
    readonly categories?: readonly string[];
  },
  fields: FilterFieldNames = BODY_FIELDS,
): EventFilter {
  const problems: FieldProblem[] = [];
  const check = (
    field: string,
    values: readonly string[],
    valid: (value: string) => boolean,
    describe: (bad: string[]) => string,
  ): string[] => {
    const unique = [...new Set(values)];
    const bad = unique.filter((value) => !valid(value));
    const messages: string[] = [];
    if (bad.length > 0) messages.push(describe(bad));
    if (unique.length > MAX_FILTER_VALUES) {
      messages.push(`at most ${MAX_FILTER_VALUES} values, got ${unique.length}`);
    }
    if (messages.length > 0) problems.push({ field, messages });
    return unique;
  };
  const quote = (values: string[]) =>
    values
      .slice(0, 10)
      .map((v) => JSON.stringify(v.slice(0, 100)))
      .join(', ');
  const accounts = check(
    fields.accounts,
    input.accounts ?? [],
    (v) => ACCOUNT_ID.test(v),
    (bad) =>
      `${quote(bad)}: an account id is 1-64 letters, digits, "_", "." or "-", starting with a letter or digit`,
  );
  const types = check(
    fields.types,
    input.types ?? [],
    (v) => EVENT_TYPE.test(v),
    (bad) => `${quote(bad)}: an event type is a PascalCase name such as PromiseMade`,
  );
  const categories = check(
    fields.categories,
    input.categories ?? [],
    isEventCategory,
    (bad) => `${quote(bad)}: unknown category; allowed: ${EVENT_CATEGORIES.join(', ')}`,
  );
  if (problems.length > 0) {
    throw new InvalidFilterError(problems, { categories: EVENT_CATEGORIES });
  }
  return { accounts, types, categories: categories.filter(isEventCategory) };
}

export function matchesFilter(filter: EventFilter, event: Filterable): boolean {
  if (filter.accounts.length > 0) {
    if (event.accountId === null || !filter.accounts.includes(event.accountId)) return false;
  }
  if (filter.types.length > 0 && !filter.types.includes(event.type)) return false;
  if (filter.categories.length > 0 && !filter.categories.includes(event.category)) return false;
  return true;
}

/**
 * A query value as a list: repeated parameters and comma-separated values
 * both work (`?account=a&account=b`, `?account=a,b`). Empty items are dropped.
 */
export function splitList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const parts = typeof value === 'string' ? [value] : value;
  return parts
    .flatMap((part) => part.split(','))
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
