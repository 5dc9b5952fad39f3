import type { AccountCommand } from './account.commands.js';
import { isRefusal, type AccountEvent } from './account.events.js';
import type { OpenAccountState } from './account.state.js';
import {
  DuplicateIdError,
  InvalidCommandError,
  QuoteNotOpenError,
  QuoteStillValidError,
  QuoteValidityLapsedError,
  QuoteVersionSupersededError,
  UnknownQuoteError,
} from './commitments.errors.js';
import type { PricedLine } from './gross-profit.js';
import {
  acmeOpened,
  catalogueOffered,
  given,
  people,
  quoteIssued,
  standardPolicy,
  stateAfter,
  tenThousandAtThirtyPercent,
  thrownBy,
} from './testing/account.fixtures.js';

const issue = (
  quoteId: string,
  lines: PricedLine[],
  validUntil = '2025-06-30',
): AccountCommand => ({
  type: 'IssueQuote',
  data: { quoteId, currency: 'USD', lines, validUntil, terms: 'FCA Cleveland' },
});

const revise = (
  quoteId: string,
  lines: PricedLine[],
  validUntil = '2025-07-15',
): AccountCommand => ({
  type: 'ReviseQuote',
  data: { quoteId, currency: 'USD', lines, validUntil, terms: 'FCA Cleveland' },
});

/** $10 000 of bolts costing $8 000: a 20 % margin, under a 22 % floor. */
const atTwentyPercent: PricedLine[] = [
  { sku: 'BOLT-M8', quantity: 1000, unitPriceMinor: 1000, unitCostMinor: 800 },
];

describe('quotes against the gross-profit floor', () => {
  describe('given a policy with a 22 % floor', () => {
    it('when a quote at 30 % is issued, then the domain computes its GP and issues it', () => {
      expect(given(acmeOpened).when(issue('q-1', tenThousandAtThirtyPercent))).toEqual([
        {
          type: 'QuoteIssued',
          data: {
            quoteId: 'q-1',
            version: 1,
            currency: 'USD',
            lines: tenThousandAtThirtyPercent,
            validUntil: '2025-06-30',
            terms: 'FCA Cleveland',
            revenueMinor: 1_000_000,
            costMinor: 700_000,
            grossProfitMinor: 300_000,
            grossProfitBps: 3000,
            floorBps: 2200,
            policyVersion: 7,
          },
        },
      ]);
    });

    it('rounds GP bps down across lines, and a quote exactly at the floor passes', () => {
      const mixed: PricedLine[] = [
        { sku: 'BOLT-M8', quantity: 10, unitPriceMinor: 12_345, unitCostMinor: 9_600 },
        { sku: 'NUT-M8', quantity: 3, unitPriceMinor: 4_999, unitCostMinor: 3_100 },
      ];
      expect(given(acmeOpened).when(issue('q-1', mixed))[0]).toMatchObject({
        type: 'QuoteIssued',
        data: {
          revenueMinor: 138_447,
          costMinor: 105_300,
          grossProfitMinor: 33_147,
          grossProfitBps: 2394,
        },
      });
      const atFloor: PricedLine[] = [
        { sku: 'BOLT-M8', quantity: 1, unitPriceMinor: 10_000, unitCostMinor: 7_800 },
      ];
      expect(given(acmeOpened).when(issue('q-2', atFloor))[0]).toMatchObject({
        type: 'QuoteIssued',
        data: { grossProfitBps: 2200 },
      });
    });

    it('when a quote at 20 % is issued, then it is refused below the floor, with the price that would pass and the catalogue', () => {
      const events = given(acmeOpened).when(issue('q-1', atTwentyPercent), people.sam);
      expect(events).toEqual([
        {
          type: 'QuoteRefusedBelowFloor',
          data: {
            quoteId: 'q-1',
            version: 1,
            revisionOf: null,
            currency: 'USD',
            lines: atTwentyPercent,
            validUntil: '2025-06-30',
            terms: 'FCA Cleveland',
            rule: 'below-gp-floor',
            detail: 'Gross profit of 2000 bps is below the 2200 bps floor',
            figures: {
              revenueMinor: 1_000_000,
              costMinor: 800_000,
              grossProfitMinor: 200_000,
              grossProfitBps: 2000,
              floorBps: 2200,
              revenueNeededAtFloorMinor: 1_025_642,
            },
            alternatives: [
              { kind: 'price-at-floor', revenueMinor: 1_025_642 },
              ...catalogueOffered,
            ],
            policyVersion: 7,
          },
        },
      ]);
      expect(isRefusal(events[0]!)).toBe(true);
    });

    it('given a refused quote, the quote id stays free and the refusal is counted', () => {
      const refused = given(acmeOpened).when(issue('q-1', atTwentyPercent));
      const state = stateAfter(acmeOpened, refused) as OpenAccountState;
      expect(state.quotes['q-1']).toBeUndefined();
      expect(state.counts.refusals).toBe(1);
      expect(
        given(acmeOpened, refused).when(issue('q-1', tenThousandAtThirtyPercent))[0]?.type,
      ).toBe('QuoteIssued');
    });
  });

  it('given a policy with a 32 % floor published as version 8, the same quote is refused and cites version 8', () => {
    const stricter = { ...standardPolicy, grossProfitFloorBps: 3200, version: 8 };
    expect(
      given(acmeOpened).when(issue('q-1', tenThousandAtThirtyPercent), people.rita, {
        policy: stricter,
      })[0],
    ).toMatchObject({
      type: 'QuoteRefusedBelowFloor',
      data: { figures: { grossProfitBps: 3000, floorBps: 3200 }, policyVersion: 8 },
    });
  });

  it('does not issue the same quote id twice: a new price is a revision', () => {
    const error = thrownBy(() =>
      given(acmeOpened, quoteIssued('q-1', tenThousandAtThirtyPercent)).when(
        issue('q-1', tenThousandAtThirtyPercent),
      ),
    );
    expect(error).toBeInstanceOf(DuplicateIdError);
    expect(error).toMatchObject({ entity: 'quote', id: 'q-1' });
  });

  it('lists every malformed line, and wants some revenue and a validity not in the past', () => {
    const error = thrownBy(() =>
      given(acmeOpened).when(
        issue(
          'q-1',
          [{ sku: '', quantity: 0, unitPriceMinor: -1, unitCostMinor: 1.5 }],
          '2025-06-15',
        ),
      ),
    );
    expect(error).toBeInstanceOf(InvalidCommandError);
    expect(error).toMatchObject({
      problems: [
        { field: 'validUntil', problem: 'must not be before today (2025-06-16)' },
        { field: 'lines[0].sku', problem: 'must not be blank' },
        { field: 'lines[0].quantity', problem: 'must be a whole number above 0' },
        {
          field: 'lines[0].unitPriceMinor',
          problem: 'must be a whole number of minor units, 0 or more',
        },
        {
          field: 'lines[0].unitCostMinor',
          problem: 'must be a whole number of minor units, 0 or more',
        },
      ],
    });
    expect(
      thrownBy(() =>
        given(acmeOpened).when(
          issue('q-1', [{ sku: 'X', quantity: 1, unitPriceMinor: 0, unitCostMinor: 0 }]),
        ),
      ),
    ).toMatchObject({
      problems: [{ field: 'lines', problem: 'must add up to some revenue' }],
    });
  });

  describe('revisions', () => {
    const history: AccountEvent[] = [acmeOpened, quoteIssued('q-1', tenThousandAtThirtyPercent)];
    const cheaper: PricedLine[] = [
      { sku: 'BOLT-M8', quantity: 1000, unitPriceMinor: 950, unitCostMinor: 700 },
    ];

    it('given quote q-1, when it is revised, then version 2 supersedes version 1', () => {
      const events = given(...history).when(revise('q-1', cheaper));
      expect(events).toEqual([
        {
          type: 'QuoteRevised',
          data: {
            quoteId: 'q-1',
            version: 2,
            previousVersion: 1,
            currency: 'USD',
            lines: cheaper,
            validUntil: '2025-07-15',
            terms: 'FCA Cleveland',
            revenueMinor: 950_000,
            costMinor: 700_000,
            grossProfitMinor: 250_000,
            grossProfitBps: 2631,
            floorBps: 2200,
            policyVersion: 7,
          },
        },
      ]);
      expect((stateAfter(...history, events) as OpenAccountState).quotes['q-1']).toMatchObject({
        version: 2,
        validUntil: '2025-07-15',
      });
    });

    it('given quote q-1, when a revision falls below the floor, then it is refused and version 1 stays in force', () => {
      const events = given(...history).when(revise('q-1', atTwentyPercent));
      expect(events[0]).toMatchObject({
        type: 'QuoteRefusedBelowFloor',
        data: { quoteId: 'q-1', version: 2, revisionOf: 1 },
      });
      expect((stateAfter(...history, events) as OpenAccountState).quotes['q-1']).toMatchObject({
        version: 1,
        economics: { revenueMinor: 1_000_000, costMinor: 700_000 },
      });
    });

    it('cannot revise a quote the account does not have', () => {
      const error = thrownBy(() => given(acmeOpened).when(revise('q-9', cheaper)));
      expect(error).toBeInstanceOf(UnknownQuoteError);
      expect(error).toMatchObject({ code: 'unknown-quote', quoteId: 'q-9' });
    });

    it('cannot revise an accepted quote', () => {
      const accepted: AccountEvent = {
        type: 'QuoteAccepted',
        data: { quoteId: 'q-1', version: 1, acceptedOn: '2025-06-16' },
      };
      expect(
        thrownBy(() => given(...history, accepted).when(revise('q-1', cheaper))),
      ).toMatchObject({
        code: 'quote-not-open',
        status: 'accepted',
      });
    });
  });

  describe('acceptance and expiry', () => {
    const history: AccountEvent[] = [
      acmeOpened,
      quoteIssued('q-1', tenThousandAtThirtyPercent, '2025-06-30'),
    ];
    const accept = (version: number): AccountCommand => ({
      type: 'AcceptQuote',
      data: { quoteId: 'q-1', version },
    });

    it('given a valid quote, when the customer accepts its current version, then it is accepted today', () => {
      expect(given(...history).when(accept(1))).toEqual([
        { type: 'QuoteAccepted', data: { quoteId: 'q-1', version: 1, acceptedOn: '2025-06-16' } },
      ]);
      expect(
        given(...history).when(accept(1), people.sam, { now: '2025-06-30T23:59:59Z' })[0],
      ).toMatchObject({
        data: { acceptedOn: '2025-06-30' },
      });
    });

    it('refuses to accept a superseded version', () => {
      const revised = given(...history).when(revise('q-1', tenThousandAtThirtyPercent));
      const error = thrownBy(() => given(...history, revised).when(accept(1)));
      expect(error).toBeInstanceOf(QuoteVersionSupersededError);
      expect(error).toMatchObject({
        code: 'quote-version-superseded',
        version: 1,
        currentVersion: 2,
      });
    });

    it('refuses to accept once the validity has lapsed', () => {
      const error = thrownBy(() =>
        given(...history).when(accept(1), people.rita, { now: '2025-07-01T00:00:00Z' }),
      );
      expect(error).toBeInstanceOf(QuoteValidityLapsedError);
      expect(error).toMatchObject({
        code: 'quote-validity-lapsed',
        validUntil: '2025-06-30',
        today: '2025-07-01',
      });
    });

    it('expires a quote only after its validity', () => {
      const expire: AccountCommand = { type: 'ExpireQuote', data: { quoteId: 'q-1' } };
      expect(() => given(...history).when(expire)).toThrow(QuoteStillValidError);
      const expired = given(...history).when(expire, people.rita, { now: '2025-07-01T08:00:00Z' });
      expect(expired).toEqual([
        { type: 'QuoteExpired', data: { quoteId: 'q-1', version: 1, validUntil: '2025-06-30' } },
      ]);
      expect(() => given(...history, expired).when(accept(1))).toThrow(QuoteNotOpenError);
    });
  });
});
