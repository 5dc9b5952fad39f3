import { EVENT_CATEGORIES, categoryOf, eventCatalogue } from './event-category.js';

describe('event categories', () => {
  it('places every account event type the catalogue lists, none in "other"', () => {
    const catalogue = eventCatalogue();
    const placed = catalogue.flatMap((c) => c.types);
    expect(placed).toHaveLength(35);
    expect(catalogue.find((c) => c.category === 'other')?.types).toEqual([]);
    expect(new Set(placed).size).toBe(placed.length);
  });

  it('puts refusals with what was refused, and payment terms apart from payments', () => {
    expect(categoryOf('QuoteRefusedBelowFloor')).toBe('quotes');
    expect(categoryOf('RushRefused')).toBe('orders');
    expect(categoryOf('PaymentTermsRefused')).toBe('terms');
    expect(categoryOf('PaymentReceived')).toBe('billing');
    expect(categoryOf('SpecialSituationRefused')).toBe('special-situations');
    expect(categoryOf('PolicyPublished')).toBe('policy');
  });

  it('given a type the catalogue does not know yet, places it by its business noun, else in "other"', () => {
    expect(categoryOf('ClaimChecked')).toBe('claims');
    expect(categoryOf('PaymentTermsRenegotiated')).toBe('terms');
    expect(categoryOf('InvoiceVoided')).toBe('billing');
    expect(categoryOf('WeatherObserved')).toBe('other');
  });

  it('lists each category once, "other" last', () => {
    expect(new Set(EVENT_CATEGORIES).size).toBe(EVENT_CATEGORIES.length);
    expect(EVENT_CATEGORIES.at(-1)).toBe('other');
  });
});
