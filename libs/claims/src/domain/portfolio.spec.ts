import { COST_TO_SERVE_WEIGHTS, Portfolio, accountRow, sortAccountRows } from './portfolio.js';
import { RecordBuilder, freight, granted, opened, orderPlaced } from './testing/record-builder.js';

const TODAY = '2026-11-23';

function portfolioOf(...records: Array<[string, RecordBuilder]>): Portfolio {
  const portfolio = new Portfolio();
  for (const [streamId, record] of records)
    for (const entry of record.entries) portfolio.apply(streamId, entry);
  return portfolio;
}

function account(build: (record: RecordBuilder) => void): RecordBuilder {
  const record = new RecordBuilder();
  record.add(opened(), { at: '2026-11-01T09:00:00Z' });
  record.add(orderPlaced('O-1'), { at: '2026-11-05T10:00:00Z' });
  build(record);
  return record;
}

describe('the portfolio model', () => {
  it('adds up cost to serve from the record with the documented weights', () => {
    const needy = account((r) => {
      r.add(granted('F-1', freight('O-1', 'C-1'), 5000), { at: '2026-11-07T10:00:00Z' });
      r.add(
        { type: 'ComplaintRaised', data: { complaintId: 'C-1', about: 'x', orderId: 'O-1' } },
        { at: '2026-11-06T10:00:00Z' },
      );
      r.add(
        { type: 'ComplaintAssessed', data: { complaintId: 'C-1', legitimate: true, reason: 'y' } },
        { at: '2026-11-06T11:00:00Z' },
      );
      r.add(
        {
          type: 'InvoiceIssued',
          data: {
            invoiceId: 'I-1',
            amount: { amountMinor: 100_000, currency: 'USD' },
            issuedOn: '2026-10-01',
            dueDate: '2026-10-31',
            orderId: null,
          },
        },
        { at: '2026-10-01T10:00:00Z' },
      );
    });
    const portfolio = portfolioOf(['account-needy', needy]);
    const { line, state } = portfolio.openAccounts()[0]!;
    const row = accountRow(line, state, 'USD', TODAY);
    const w = COST_TO_SERVE_WEIGHTS;
    // Unpaid and 23 days overdue on 23 November.
    const carrying = Math.floor((100_000 * 23 * w.latePaymentBpsPerDay) / 10_000);
    expect(row.costToServe).toEqual({
      concessionsMinor: 5000,
      complaintsMinor: w.complaintMinor + w.legitimateComplaintMinor,
      rushesMinor: 0,
      lateOrdersMinor: 0,
      specialSituationsMinor: 0,
      escalationsMinor: 0,
      latePaymentMinor: carrying,
      forecastErrorMinor: 0,
      totalMinor: 5000 + w.complaintMinor + w.legitimateComplaintMinor + carrying,
    });
    expect(row.netContributionMinor).toBe(35_000 - row.costToServeMinor);
  });

  it('ranks by net contribution, the lowest first, ties in account order', () => {
    const plain = account(() => undefined);
    const costly = account((r) =>
      r.add(granted('F-1', freight('O-1', 'C-1'), 5000), { at: '2026-11-07T10:00:00Z' }),
    );
    const portfolio = portfolioOf(
      ['account-b', plain],
      ['account-a', plain],
      ['account-c', costly],
    );
    const rows = portfolio.openAccounts().map(({ line, state }) => ({
      ...accountRow(line, state, 'USD', TODAY),
      accountId: line.accountId,
    }));
    expect(sortAccountRows(rows, 'netContribution', 'asc').map((r) => r.accountId)).toEqual([
      'c',
      'a',
      'b',
    ]);
  });

  it('passes over events it does not understand and streams that are not accounts', () => {
    const record = account(() => undefined);
    const odd = record.add(
      { type: 'LoyaltyPointsAwarded', data: { points: 5 } },
      { at: '2026-11-08T10:00:00Z' },
    );
    const portfolio = new Portfolio();
    expect(portfolio.apply('policy', record.entries[0]!)).toBe(false);
    for (const entry of record.entries.slice(0, -1))
      expect(portfolio.apply('account-acme', entry)).toBe(true);
    expect(portfolio.apply('account-acme', odd)).toBe(false);
    expect(portfolio.accounts.get('acme')?.events).toBe(2);
  });

  it('replays an account’s events into its own line alone, leaving the rep lines as they are', () => {
    const record = account((r) => {
      r.add(granted('F-1', freight('O-1', null), 5000), { at: '2026-11-07T10:00:00Z' });
    });
    const everything = portfolioOf(['account-acme', record]);
    const replayed = new Portfolio();
    for (const entry of record.entries) replayed.apply('account-acme', entry, true);

    expect(replayed.accounts.get('acme')).toEqual(everything.accounts.get('acme'));
    expect(everything.reps.get('sam-sales')?.concessionsGranted).toBe(1);
    expect(replayed.reps.size).toBe(0);
  });
});
