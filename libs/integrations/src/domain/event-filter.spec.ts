import { matchesFilter, parseEventFilter, splitList } from './event-filter.js';
import { InvalidFilterError } from './integrations.errors.js';

describe('event filters', () => {
  it('given an unknown category, refuses the whole filter and lists the allowed categories', () => {
    let error: unknown;
    try {
      parseEventFilter({ categories: ['promises', 'gossip'] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidFilterError);
    const refused = error as InvalidFilterError;
    expect(refused.errors).toEqual([
      {
        field: 'filter.categories',
        messages: [expect.stringContaining('"gossip": unknown category')],
      },
    ]);
    expect(refused.details['allowed']).toEqual({
      categories: expect.arrayContaining(['promises', 'other']),
    });
  });

  it('accepts an event type it does not know, but refuses one that cannot be a type name', () => {
    expect(parseEventFilter({ types: ['ClaimChecked'] }).types).toEqual(['ClaimChecked']);
    expect(() => parseEventFilter({ types: ['promise-made'] })).toThrow(InvalidFilterError);
  });

  it('names every bad part with the caller’s own field names', () => {
    expect(() =>
      parseEventFilter(
        { accounts: ['ok', 'not ok'], types: ['1Bad'], categories: ['x'] },
        { accounts: 'account', types: 'type', categories: 'category' },
      ),
    ).toThrow(
      expect.objectContaining({
        errors: [
          expect.objectContaining({ field: 'account' }),
          expect.objectContaining({ field: 'type' }),
          expect.objectContaining({ field: 'category' }),
        ],
      }) as Error,
    );
  });

  it('drops duplicates and bounds the number of values', () => {
    expect(parseEventFilter({ accounts: ['a', 'b', 'a'] }).accounts).toEqual(['a', 'b']);
    const many = Array.from({ length: 101 }, (_, i) => `acct-${i}`);
    expect(() => parseEventFilter({ accounts: many })).toThrow(/at most 100 values/);
  });

  it('combines the parts with AND and the values within a part with OR', () => {
    const filter = parseEventFilter({ accounts: ['acme', 'globex'], categories: ['promises'] });
    expect(
      matchesFilter(filter, { accountId: 'globex', type: 'PromiseMade', category: 'promises' }),
    ).toBe(true);
    expect(
      matchesFilter(filter, { accountId: 'acme', type: 'OrderPlaced', category: 'orders' }),
    ).toBe(false);
    expect(
      matchesFilter(filter, { accountId: 'initech', type: 'PromiseMade', category: 'promises' }),
    ).toBe(false);
  });

  it('given an account filter, leaves out events of no account (the policy stream)', () => {
    const filter = parseEventFilter({ accounts: ['acme'] });
    expect(
      matchesFilter(filter, { accountId: null, type: 'PolicyPublished', category: 'policy' }),
    ).toBe(false);
    expect(
      matchesFilter(parseEventFilter({}), {
        accountId: null,
        type: 'PolicyPublished',
        category: 'policy',
      }),
    ).toBe(true);
  });

  it('reads repeated and comma-separated query values alike', () => {
    expect(splitList(['a,b', ' c ', ''])).toEqual(['a', 'b', 'c']);
    expect(splitList('a')).toEqual(['a']);
    expect(splitList(undefined)).toEqual([]);
  });
});
