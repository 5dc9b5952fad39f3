import { plainToInstance, Type } from 'class-transformer';
import { toPlain } from './validation.pipe.js';

class LineDto {
  sku!: string;
  quantity!: number;
  note?: string;
}

class QuoteDto {
  quoteId?: string;
  currency!: string;
  @Type(() => LineDto)
  lines!: LineDto[];
  validUntil!: string;
  flags?: unknown;
}

/** What toPlain replaced, and must keep matching. */
const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

describe('a validated DTO as plain data', () => {
  it('is exactly the JSON round trip of the DTO, with no class instances left', () => {
    const dto = plainToInstance(QuoteDto, {
      currency: 'USD',
      lines: [
        { sku: 'W-1', quantity: 100 },
        { sku: 'W-2', quantity: 0.5, note: 'é “quoted” \u2028' },
      ],
      validUntil: '2026-12-31',
      quoteId: undefined,
    });
    const plain = toPlain<Record<string, unknown>>(dto);
    expect(plain).toStrictEqual(roundTrip(dto));
    expect(JSON.stringify(plain)).toBe(JSON.stringify(dto));
    expect(Object.getPrototypeOf((plain['lines'] as object[])[0])).toBe(Object.prototype);
    expect('quoteId' in plain).toBe(false);
  });

  it('treats what JSON cannot hold as JSON.stringify does', () => {
    const odd = {
      missing: undefined,
      fn: () => 1,
      // eslint-disable-next-line no-sparse-arrays -- a hole, as JSON sees it
      list: [undefined, () => 1, Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21, , 'last'],
      when: new Date('2026-11-20T14:05:00Z'),
      nested: { toJSON: (key: string) => `as ${key}` },
      '10': 'index-like',
      ['__proto__']: 'an own member',
    };
    Object.defineProperty(odd, '__proto__', { value: { x: 1 }, enumerable: true });
    const plain = toPlain<Record<string, unknown>>(odd);
    expect(plain).toStrictEqual(roundTrip(odd));
    expect(JSON.stringify(plain)).toBe(JSON.stringify(odd));
    expect(Object.is((plain['list'] as unknown[])[4], 0)).toBe(true);
    expect(Object.keys(plain)).toEqual(Object.keys(roundTrip(odd) as object));
  });
});
