import { AccountIndex } from './account-index.js';
import { VIEW_LIST_LIMIT, buildAccountView } from './account-view.js';
import { clockDifference, visibleAt } from './as-of.js';
import { timelinePage, type TimelineQuery } from './timeline.js';
import {
  RecordBuilder,
  granted,
  freight,
  opened,
  orderPlaced,
  policyV1,
  promiseMade,
  termsRefused,
  termsStated,
} from './testing/record-builder.js';

function acme(): RecordBuilder {
  const record = new RecordBuilder();
  record.add(opened(), { at: '2026-11-01T09:00:00Z' });
  record.add(orderPlaced('O-1'), { at: '2026-11-05T10:00:00Z' });
  record.add(promiseMade('P-1', 'Pallet ships Friday', '2026-11-13'), {
    at: '2026-11-09T10:00:00Z',
    by: 'sue-service',
    role: 'service',
  });
  record.add(
    {
      type: 'PromiseKept',
      data: {
        promiseId: 'P-1',
        keptOn: '2026-11-13',
        dueDate: '2026-11-13',
        onTime: true,
        note: null,
      },
    },
    { at: '2026-11-13T16:00:00Z', by: 'sue-service', role: 'service' },
  );
  record.add(granted('F-1', freight('O-1', 'C-1'), 5000), { at: '2026-11-14T10:00:00Z' });
  // Said on the 10th, entered on the 20th.
  record.add(termsStated(45, { kind: 'order', referenceId: 'O-1' }), {
    at: '2026-11-10T10:00:00Z',
    recordedAt: '2026-11-20T10:00:00Z',
  });
  return record;
}

describe('the account index', () => {
  it('takes each entry once, however often it is offered', () => {
    const record = acme();
    const index = AccountIndex.of(record.entries);
    for (const entry of record.entries) index.add(entry);
    expect(index.size).toBe(record.entries.length);
    expect(index.revision).toBe(record.entries.length - 1);
    expect(index.openState?.counts.concessionsGranted).toBe(1);
  });

  it('files a promise’s outcome under the promise’s order', () => {
    const index = AccountIndex.of(acme().entries);
    expect(index.forScope('order', 'O-1').map((i) => i.entry.type)).toEqual([
      'OrderPlaced',
      'PromiseMade',
      'PromiseKept',
      'ConcessionGranted',
      'PaymentTermsStated',
    ]);
  });

  it('answers a scoped category with that scope and the whole-account entries only', () => {
    const record = acme();
    record.add(termsStated(30), { at: '2026-11-21T10:00:00Z' });
    record.add(termsStated(60, { kind: 'quote', referenceId: 'Q-7' }), {
      at: '2026-11-21T11:00:00Z',
    });
    const index = AccountIndex.of(record.entries);
    const netDays = index
      .forCategory('payment_terms', { kind: 'order', id: 'O-1' })
      .map((i) => i.entry.data['netDays']);
    expect(netDays).toEqual([45, 30]);
  });
});

describe('the two clocks', () => {
  const record = acme();
  const late = record.entries.at(-1)!;
  const t = Date.parse('2026-11-15T00:00:00Z');

  it('show a statement made before T and entered after T only on the occurred clock', () => {
    expect(visibleAt(record.entries, t, 'occurred').map((e) => e.id)).toContain(late.id);
    expect(visibleAt(record.entries, t, 'recorded').map((e) => e.id)).not.toContain(late.id);
    expect(clockDifference(record.entries, t).saidNotYetRecorded.map((e) => e.id)).toEqual([
      late.id,
    ]);
  });

  it('order the occurred view by when things were said', () => {
    const said = visibleAt(record.entries, Date.parse('2026-12-01T00:00:00Z'), 'occurred');
    expect(said.map((e) => e.type)).toEqual([
      'AccountOpened',
      'OrderPlaced',
      'PromiseMade',
      'PaymentTermsStated',
      'PromiseKept',
      'ConcessionGranted',
    ]);
  });
});

describe('the timeline', () => {
  const index = AccountIndex.of(acme().entries);
  const query = (partial: Partial<TimelineQuery>): TimelineQuery => ({
    categories: null,
    actorId: null,
    scope: null,
    clock: 'recorded',
    fromMs: null,
    toMs: null,
    text: null,
    before: null,
    limit: 50,
    ...partial,
  });

  it('pages newest first and continues below the cursor', () => {
    const first = timelinePage(index, query({ limit: 4 }), policyV1);
    expect(first.items.map((i) => i.indexed.entry.revision)).toEqual([5, 4, 3, 2]);
    const second = timelinePage(index, query({ limit: 4, before: first.nextBefore }), policyV1);
    expect(second.items.map((i) => i.indexed.entry.revision)).toEqual([1, 0]);
    expect(second.nextBefore).toBeNull();
  });

  it('filters by actor, category, text and time on the chosen clock, and flags late entries', () => {
    expect(timelinePage(index, query({ actorId: 'sue-service' }), policyV1).items).toHaveLength(2);
    expect(
      timelinePage(
        index,
        query({ categories: ['concession'], text: 'freight o-1' }),
        policyV1,
      ).items.map((i) => i.indexed.entry.type),
    ).toEqual(['ConcessionGranted']);
    const window = {
      fromMs: Date.parse('2026-11-10T00:00:00Z'),
      toMs: Date.parse('2026-11-10T23:59:59Z'),
    };
    const occurred = timelinePage(index, query({ ...window, clock: 'occurred' }), policyV1).items;
    expect(occurred.map((i) => [i.indexed.entry.type, i.late])).toEqual([
      ['PaymentTermsStated', true],
    ]);
    expect(timelinePage(index, query({ ...window, clock: 'recorded' }), policyV1).items).toEqual(
      [],
    );
  });
});

describe('the account view', () => {
  it('lists the latest terms of the newest contexts only, and counts them all', () => {
    const record = new RecordBuilder();
    record.add(opened(), { at: '2026-01-01T09:00:00Z' });
    const orders = VIEW_LIST_LIMIT + 20;
    for (let i = 0; i < orders; i++) {
      const at = new Date(Date.parse('2026-01-02T00:00:00Z') + i * 3_600_000).toISOString();
      record.add(termsStated(30, { kind: 'order', referenceId: `O-${i}` }), { at });
      record.add(termsRefused(120, `Q-${i}`), { at });
    }
    const index = AccountIndex.of(record.entries);
    const view = buildAccountView(index.openState!, index.facts, null, '2026-03-01');

    expect(view.paymentTerms.contexts).toBe(orders);
    expect(view.paymentTerms.byContext).toHaveLength(VIEW_LIST_LIMIT);
    expect(view.paymentTerms.byContext[0]?.context.referenceId).toBe(`O-${orders - 1}`);
    expect(view.paymentTerms.inForce?.context.referenceId).toBe(`O-${orders - 1}`);
    expect(view.paymentTerms.refusedCount).toBe(orders);
    expect(view.paymentTerms.refused).toHaveLength(VIEW_LIST_LIMIT);
    expect(view.paymentTerms.refused[0]?.context.referenceId).toBe(`Q-${orders - 1}`);
  });
});
