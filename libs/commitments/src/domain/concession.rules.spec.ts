import type { AccountCommand } from './account.commands.js';
import type { AccountEvent, ConcessionRequest } from './account.events.js';
import type { OpenAccountState } from './account.state.js';
import {
  CurrencyMismatchError,
  DuplicateIdError,
  FreightAlreadyFreeError,
  InvalidCommandError,
  QuoteNotOpenError,
  UnknownComplaintError,
  UnknownOrderError,
  UnknownQuoteError,
} from './commitments.errors.js';
import {
  acmeOpened,
  catalogueOffered,
  complaintAssessed,
  complaintRaised,
  given,
  goldSpend,
  orderPlaced,
  people,
  quoteIssued,
  SPECIAL_SITUATION_OFFERED,
  standardPolicy,
  stateAfter,
  tenThousandAtThirtyPercent,
  thrownBy,
} from './testing/account.fixtures.js';

const ask = (
  request: ConcessionRequest,
  specialSituationReason?: string,
  concessionId = 'k-1',
): AccountCommand => ({
  type: 'RequestConcession',
  data: { concessionId, request, specialSituationReason: specialSituationReason ?? null },
});

const discountOnOrder = (discountBps: number, orderId = 'o-1'): ConcessionRequest => ({
  kind: 'price_discount',
  target: { kind: 'order', id: orderId },
  discountBps,
});

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

/** Gold-tier Acme with order o-1: $10 000 revenue, $7 000 cost (30 %), shipping at our cost. */
const goldAccountWithOrder: AccountEvent[] = [
  acmeOpened,
  ...goldSpend,
  orderPlaced('o-1', { tierCode: 'gold' }),
];

/** Base-tier Acme with order o-1 ($10 000 at 30 %) and complaint c-1 about it, assessed legitimate. */
const baseAccountWithLegitimateComplaint: AccountEvent[] = [
  acmeOpened,
  orderPlaced('o-1'),
  complaintRaised('c-1', 'o-1'),
  complaintAssessed('c-1', true),
];

describe('price discounts', () => {
  describe('given a gold-tier account (8 % entitled) and a $10 000 order at 30 % under a 22 % floor', () => {
    const { when } = given(goldAccountWithOrder);

    it('when Rita grants 5 %, then it is granted with its GP impact and the numbers behind it', () => {
      expect(when(ask(discountOnOrder(500)))).toEqual([
        {
          type: 'ConcessionGranted',
          data: {
            concessionId: 'k-1',
            kind: 'price_discount',
            request: discountOnOrder(500),
            grossProfitImpact: usd(50_000),
            figures: {
              netRevenueBeforeMinor: 1_000_000,
              discountMinor: 50_000,
              grossProfitBpsBefore: 3000,
              grossProfitBpsAfter: 2631,
              floorBps: 2200,
              requestedDiscountBps: 500,
              cumulativeDiscountBps: 500,
              tierMaxDiscountBps: 800,
              roleMaxDiscountBps: 1000,
            },
            specialSituation: null,
            tierCode: 'gold',
            policyVersion: 7,
          },
        },
      ]);
    });

    it('when a manager grants 12 % as a special situation, then it is refused below the floor, offering 10.25 % and the catalogue', () => {
      expect(when(ask(discountOnOrder(1200), 'Competitive bid'), people.maya)).toEqual([
        {
          type: 'ConcessionRefused',
          data: {
            concessionId: 'k-1',
            kind: 'price_discount',
            request: discountOnOrder(1200),
            tierCode: 'gold',
            rule: 'below-gp-floor',
            detail: 'A 1200 bps discount leaves gross profit at 2045 bps, below the 2200 bps floor',
            figures: {
              netRevenueBeforeMinor: 1_000_000,
              discountMinor: 120_000,
              grossProfitBpsBefore: 3000,
              grossProfitBpsAfter: 2045,
              floorBps: 2200,
              requestedDiscountBps: 1200,
              cumulativeDiscountBps: 1200,
              tierMaxDiscountBps: 800,
              roleMaxDiscountBps: 1500,
            },
            alternatives: [{ kind: 'smaller-discount', maxDiscountBps: 1025 }, ...catalogueOffered],
            policyVersion: 7,
          },
        },
      ]);
    });

    it('when Rita offers 10 %, then it is refused as outside the tier, offering the 8 % it entitles and a special situation', () => {
      expect(when(ask(discountOnOrder(1000)))[0]).toEqual({
        type: 'ConcessionRefused',
        data: expect.objectContaining({
          rule: 'outside-tier-entitlement',
          detail:
            'A total discount of 1000 bps is above the 800 bps the gold tier entitles; only a manager can allow it, as a special situation with a reason',
          alternatives: [
            { kind: 'smaller-discount', maxDiscountBps: 800 },
            ...catalogueOffered,
            SPECIAL_SITUATION_OFFERED,
          ],
        }) as unknown,
      });
    });

    it('when Rita offers 10 % with a reason, then it still needs a manager', () => {
      expect(when(ask(discountOnOrder(1000), 'Lost a bid last quarter'))[0]).toMatchObject({
        type: 'ConcessionRefused',
        data: { rule: 'special-situation-needs-manager' },
      });
    });

    it('when a manager grants 10 % with a reason, then it is granted, marked and counted as a special situation', () => {
      const events = when(ask(discountOnOrder(1000), 'Lost a bid last quarter'), people.maya);
      expect(events[0]).toMatchObject({
        type: 'ConcessionGranted',
        data: {
          grossProfitImpact: usd(100_000),
          figures: { grossProfitBpsAfter: 2222 },
          specialSituation: { reason: 'Lost a bid last quarter' },
        },
      });
      const state = stateAfter(goldAccountWithOrder, events) as OpenAccountState;
      expect(state.counts).toMatchObject({ specialSituations: 1, concessionsGranted: 1 });
      expect(state.grossProfitConcededMinor).toEqual({ USD: 100_000 });
    });

    it('when Sam (service, 2 %) offers 5 %, then it is refused beyond his authority, naming Rita', () => {
      expect(when(ask(discountOnOrder(500)), people.sam)[0]).toEqual({
        type: 'ConcessionRefused',
        data: expect.objectContaining({
          rule: 'discount-beyond-role-authority',
          detail: 'A total discount of 500 bps is above the 200 bps a service may grant',
          alternatives: [
            { kind: 'smaller-discount', maxDiscountBps: 200 },
            { kind: 'refer-to', role: 'sales', actorIds: ['rep-rita'] },
            ...catalogueOffered,
          ],
        }) as unknown,
      });
    });

    it('given 5 % already granted, a further 3 % is judged on the revenue left and the total held against the limits', () => {
      const first = when(ask(discountOnOrder(500)));
      const { when: next } = given(goldAccountWithOrder, first);
      expect(next(ask(discountOnOrder(300), undefined, 'k-2'))[0]).toMatchObject({
        type: 'ConcessionGranted',
        data: {
          grossProfitImpact: usd(28_500),
          figures: {
            netRevenueBeforeMinor: 950_000,
            grossProfitBpsBefore: 2631,
            grossProfitBpsAfter: 2403,
            cumulativeDiscountBps: 800,
          },
        },
      });
      expect(next(ask(discountOnOrder(400), undefined, 'k-2'))[0]).toMatchObject({
        type: 'ConcessionRefused',
        data: {
          rule: 'outside-tier-entitlement',
          figures: { cumulativeDiscountBps: 900 },
          alternatives: [
            { kind: 'smaller-discount', maxDiscountBps: 300 },
            ...catalogueOffered,
            SPECIAL_SITUATION_OFFERED,
          ],
        },
      });
    });
  });

  describe('on quotes', () => {
    const history: AccountEvent[] = [acmeOpened, quoteIssued('q-1', tenThousandAtThirtyPercent)];
    const onQuote: ConcessionRequest = {
      kind: 'price_discount',
      target: { kind: 'quote', id: 'q-1' },
      discountBps: 200,
    };

    it('given an open quote, when Sam offers 2 %, then it is granted against the quote', () => {
      const events = given(history).when(ask(onQuote), people.sam);
      expect(events[0]).toMatchObject({
        type: 'ConcessionGranted',
        data: { grossProfitImpact: usd(20_000), tierCode: 'base' },
      });
      expect(
        (stateAfter(history, events) as OpenAccountState).quotes['q-1']?.economics,
      ).toMatchObject({
        revenueGivenBackMinor: 20_000,
        discountBpsGranted: 200,
      });
    });

    it('given a discount on version 1, a revision starts version 2 without it', () => {
      const granted = given(history).when(ask(onQuote));
      const revised = given(history, granted).when({
        type: 'ReviseQuote',
        data: {
          quoteId: 'q-1',
          currency: 'USD',
          lines: tenThousandAtThirtyPercent,
          validUntil: '2025-07-15',
          terms: 'FCA',
        },
      });
      expect(
        (stateAfter(history, granted, revised) as OpenAccountState).quotes['q-1']?.economics,
      ).toMatchObject({
        revenueGivenBackMinor: 0,
        discountBpsGranted: 0,
      });
    });

    it('cannot discount an accepted quote, an unknown quote or an unknown order', () => {
      const accepted: AccountEvent = {
        type: 'QuoteAccepted',
        data: { quoteId: 'q-1', version: 1, acceptedOn: '2025-06-16' },
      };
      expect(() => given(history, accepted).when(ask(onQuote))).toThrow(QuoteNotOpenError);
      expect(() => given(acmeOpened).when(ask(onQuote))).toThrow(UnknownQuoteError);
      expect(() => given(acmeOpened).when(ask(discountOnOrder(100)))).toThrow(UnknownOrderError);
    });
  });

  it('wants a discount of at least 1 bp', () => {
    expect(thrownBy(() => given(goldAccountWithOrder).when(ask(discountOnOrder(0))))).toMatchObject(
      {
        code: 'invalid-command',
        problems: [
          { field: 'request.discountBps', problem: 'must be a whole number of bps in 1..10000' },
        ],
      },
    );
  });
});

describe('freight paid by the company', () => {
  const freight = (
    amountMinor: number,
    complaintId: string | null = 'c-1',
    orderId = 'o-1',
  ): ConcessionRequest => ({
    kind: 'freight_paid',
    orderId,
    complaintId,
    freightCost: usd(amountMinor),
  });

  describe('given a $10 000 order at 30 % and a complaint about it assessed legitimate', () => {
    const { when } = given(baseAccountWithLegitimateComplaint);

    it('when Rita pays $400 of freight, then it is granted: within a fifth of the order’s GP and above the floor', () => {
      expect(when(ask(freight(40_000)))).toEqual([
        {
          type: 'ConcessionGranted',
          data: {
            concessionId: 'k-1',
            kind: 'freight_paid',
            request: freight(40_000),
            grossProfitImpact: usd(40_000),
            figures: {
              freightCostMinor: 40_000,
              orderGrossProfitMinor: 300_000,
              maxShareOfOrderGrossProfitBps: 2000,
              maxFreightMinor: 60_000,
              grossProfitBpsBefore: 3000,
              grossProfitBpsAfter: 2600,
              floorBps: 2200,
            },
            specialSituation: null,
            tierCode: 'base',
            policyVersion: 7,
          },
        },
      ]);
    });

    it('when the freight is $700, then it is refused for exceeding the GP share, offering $600', () => {
      expect(when(ask(freight(70_000)))[0]).toMatchObject({
        type: 'ConcessionRefused',
        data: {
          rule: 'freight-exceeds-gp-share',
          detail:
            "Freight of 70000 is above 60000, the 2000 bps share of the order's 300000 gross profit the policy allows",
          alternatives: [{ kind: 'smaller-amount', maxAmountMinor: 60_000 }, ...catalogueOffered],
        },
      });
    });

    it('when Sam pays freight, then it is refused beyond his authority, naming Rita', () => {
      expect(when(ask(freight(40_000)), people.sam)[0]).toMatchObject({
        type: 'ConcessionRefused',
        data: {
          rule: 'freight-beyond-role-authority',
          alternatives: [
            { kind: 'refer-to', role: 'sales', actorIds: ['rep-rita'] },
            ...catalogueOffered,
          ],
        },
      });
    });

    it('given the complaint already righted with freight, then a second freight concession is refused', () => {
      const first = when(ask(freight(40_000)));
      expect(
        given(baseAccountWithLegitimateComplaint, first).when(
          ask(freight(10_000), undefined, 'k-2'),
        )[0],
      ).toMatchObject({
        type: 'ConcessionRefused',
        data: {
          rule: 'complaint-already-compensated',
          detail: 'Complaint c-1 was already righted with freight (concession k-1)',
        },
      });
    });

    it('cannot judge freight in another currency or against an unknown complaint', () => {
      expect(() =>
        when(
          ask({
            ...freight(1),
            freightCost: { amountMinor: 1, currency: 'EUR' },
          } as ConcessionRequest),
        ),
      ).toThrow(CurrencyMismatchError);
      expect(() => when(ask(freight(1, 'c-9')))).toThrow(UnknownComplaintError);
    });
  });

  it('given no complaint referenced, then freight is refused: it only rights a complaint', () => {
    expect(
      given(baseAccountWithLegitimateComplaint).when(ask(freight(10_000, null)))[0],
    ).toMatchObject({
      type: 'ConcessionRefused',
      data: {
        rule: 'freight-needs-complaint',
        detail:
          'Freight is paid only to right a legitimate, assessed complaint, and none was referenced',
        alternatives: catalogueOffered,
      },
    });
  });

  it('given a complaint not yet assessed, then freight is refused', () => {
    const { when } = given(acmeOpened, orderPlaced('o-1'), complaintRaised('c-1', 'o-1'));
    expect(when(ask(freight(10_000)))[0]).toMatchObject({
      data: { rule: 'complaint-not-assessed' },
    });
  });

  it('given a complaint assessed as not legitimate, then freight is refused with the assessment’s reason', () => {
    const { when } = given(
      acmeOpened,
      orderPlaced('o-1'),
      complaintRaised('c-1', 'o-1'),
      complaintAssessed('c-1', false, 'Damage caused on site'),
    );
    expect(when(ask(freight(10_000)))[0]).toMatchObject({
      data: {
        rule: 'complaint-not-legitimate',
        detail: 'Complaint c-1 was assessed as not legitimate: Damage caused on site',
      },
    });
  });

  it('given a legitimate complaint about another order, then freight on this one is refused', () => {
    const { when } = given(
      acmeOpened,
      orderPlaced('o-1'),
      orderPlaced('o-2'),
      complaintRaised('c-1', 'o-2'),
      complaintAssessed('c-1', true),
    );
    expect(when(ask(freight(10_000)))[0]).toMatchObject({
      data: {
        rule: 'complaint-about-other-order',
        detail: 'Complaint c-1 is about order o-2, not o-1',
      },
    });
  });

  it('given a thin order at 24 %, when freight within the share would breach the floor, then it is refused below the floor, offering what fits', () => {
    const { when } = given(
      acmeOpened,
      orderPlaced('o-1', { costMinor: 760_000 }),
      complaintRaised('c-1', 'o-1'),
      complaintAssessed('c-1', true),
    );
    expect(when(ask(freight(30_000)))[0]).toMatchObject({
      type: 'ConcessionRefused',
      data: {
        rule: 'below-gp-floor',
        figures: { maxFreightMinor: 48_000, grossProfitBpsAfter: 2100 },
        alternatives: [{ kind: 'smaller-amount', maxAmountMinor: 20_000 }, ...catalogueOffered],
      },
    });
  });

  it('given an order that already ships free under the gold tier, then there is no freight to concede', () => {
    const error = thrownBy(() =>
      given(
        acmeOpened,
        ...goldSpend,
        orderPlaced('o-1', { freeFreightByTier: true, tierCode: 'gold' }),
        complaintRaised('c-1', 'o-1'),
        complaintAssessed('c-1', true),
      ).when(ask(freight(10_000))),
    );
    expect(error).toBeInstanceOf(FreightAlreadyFreeError);
    expect(error).toMatchObject({ code: 'freight-already-free', orderId: 'o-1', tierCode: 'gold' });
  });
});

describe('expedite costs absorbed', () => {
  const expedite = (amountMinor: number): ConcessionRequest => ({
    kind: 'expedite',
    orderId: 'o-1',
    expediteCost: usd(amountMinor),
  });
  const { when } = given(acmeOpened, orderPlaced('o-1'));

  it('lets Rita absorb $300 on a 30 % order', () => {
    expect(when(ask(expedite(30_000)))[0]).toMatchObject({
      type: 'ConcessionGranted',
      data: {
        grossProfitImpact: usd(30_000),
        figures: { expediteCostMinor: 30_000, grossProfitBpsAfter: 2700 },
      },
    });
  });

  it('refuses $900 below the floor, offering $800', () => {
    expect(when(ask(expedite(90_000)))[0]).toMatchObject({
      data: {
        rule: 'below-gp-floor',
        alternatives: [{ kind: 'smaller-amount', maxAmountMinor: 80_000 }, ...catalogueOffered],
      },
    });
  });

  it('refuses Sam, naming Rita', () => {
    expect(when(ask(expedite(30_000)), people.sam)[0]).toMatchObject({
      data: {
        rule: 'expedite-beyond-role-authority',
        alternatives: [
          { kind: 'refer-to', role: 'sales', actorIds: ['rep-rita'] },
          ...catalogueOffered,
        ],
      },
    });
  });
});

describe('extended terms', () => {
  const net = (netDays: number): ConcessionRequest => ({
    kind: 'extended_terms',
    netDays,
    context: { kind: 'contract', referenceId: 'MSA-2025' },
  });
  const { when } = given(acmeOpened);

  it('given the longest standard terms are Net 60, when a manager grants Net 90 with a reason, then it is granted as a special situation', () => {
    expect(when(ask(net(90), 'Public-sector buyer, statutory terms'), people.maya)[0]).toEqual({
      type: 'ConcessionGranted',
      data: {
        concessionId: 'k-1',
        kind: 'extended_terms',
        request: net(90),
        grossProfitImpact: usd(0),
        figures: { netDays: 90, longestAllowedNetDays: 60, roleMaxNetDays: 120 },
        specialSituation: { reason: 'Public-sector buyer, statutory terms' },
        tierCode: 'base',
        policyVersion: 7,
      },
    });
  });

  it('refuses Rita Net 90: outside the standard terms, offering Net 60', () => {
    expect(when(ask(net(90)))[0]).toMatchObject({
      data: {
        rule: 'outside-tier-entitlement',
        alternatives: [
          { kind: 'payment-terms', netDays: 60 },
          ...catalogueOffered,
          SPECIAL_SITUATION_OFFERED,
        ],
      },
    });
    expect(when(ask(net(90), 'Big customer'))[0]).toMatchObject({
      data: { rule: 'special-situation-needs-manager' },
    });
  });

  it('refuses even a manager beyond the manager’s own limit', () => {
    expect(when(ask(net(150), 'Very big customer'), people.maya)[0]).toMatchObject({
      data: {
        rule: 'terms-beyond-role-authority',
        detail: 'Net 150 is beyond the net 120 a manager may grant',
        alternatives: [{ kind: 'payment-terms', netDays: 120 }, ...catalogueOffered],
      },
    });
  });

  it('sends standard terms to be stated, not conceded', () => {
    expect(() => when(ask(net(45)), people.maya)).toThrow(InvalidCommandError);
  });
});

describe('rebates', () => {
  const rebate = (rebateBps: number): ConcessionRequest => ({ kind: 'rebate', rebateBps });

  it('given a gold account ($600 000 trailing spend), when Sam confirms its 2 % rebate, then it is granted with an estimated impact', () => {
    expect(given(acmeOpened, goldSpend).when(ask(rebate(200)), people.sam)[0]).toEqual({
      type: 'ConcessionGranted',
      data: {
        concessionId: 'k-1',
        kind: 'rebate',
        request: rebate(200),
        grossProfitImpact: usd(1_200_000),
        figures: {
          rebateBps: 200,
          tierRebateBps: 200,
          trailingSpendMinor: 60_000_000,
          estimatedRebateMinor: 1_200_000,
        },
        specialSituation: null,
        tierCode: 'gold',
        policyVersion: 7,
      },
    });
  });

  it('refuses 3 % to Rita as outside the tier, and grants it to a manager with a reason', () => {
    const { when } = given(acmeOpened, goldSpend);
    expect(when(ask(rebate(300)))[0]).toMatchObject({
      type: 'ConcessionRefused',
      data: { rule: 'outside-tier-entitlement' },
    });
    expect(when(ask(rebate(300), 'Three-year volume commitment'), people.maya)[0]).toMatchObject({
      type: 'ConcessionGranted',
      data: {
        grossProfitImpact: usd(1_800_000),
        specialSituation: { reason: 'Three-year volume commitment' },
      },
    });
  });
});

describe('credits', () => {
  const credit = (
    amountMinor: number,
    orderId: string | null = 'o-1',
    currency = 'USD',
  ): ConcessionRequest => ({
    kind: 'credit',
    amount: { amountMinor, currency },
    orderId,
    complaintId: 'c-1',
  });
  const { when } = given(baseAccountWithLegitimateComplaint);

  it('lets Rita credit $500 against the order, judged on the order’s margin', () => {
    expect(when(ask(credit(50_000)))[0]).toMatchObject({
      type: 'ConcessionGranted',
      data: {
        grossProfitImpact: usd(50_000),
        figures: {
          creditMinor: 50_000,
          roleMaxCreditMinor: 100_000,
          grossProfitBpsBefore: 3000,
          grossProfitBpsAfter: 2631,
          floorBps: 2200,
        },
      },
    });
  });

  it('refuses a $1 500 credit that takes the order below the floor, offering what Rita may and the floor allows', () => {
    expect(when(ask(credit(150_000)))[0]).toMatchObject({
      data: {
        rule: 'below-gp-floor',
        alternatives: [{ kind: 'smaller-amount', maxAmountMinor: 100_000 }, ...catalogueOffered],
      },
    });
  });

  it('refuses Sam a $200 credit beyond his $100, naming Rita', () => {
    expect(when(ask(credit(20_000, null)), people.sam)[0]).toMatchObject({
      data: {
        rule: 'credit-beyond-role-authority',
        figures: { creditMinor: 20_000, roleMaxCreditMinor: 10_000 },
        alternatives: [
          { kind: 'smaller-amount', maxAmountMinor: 10_000 },
          { kind: 'refer-to', role: 'sales', actorIds: ['rep-rita'] },
          ...catalogueOffered,
        ],
      },
    });
  });

  it('cannot judge a credit in another currency than the policy’s', () => {
    expect(() => when(ask(credit(5_000, null, 'EUR')))).toThrow(CurrencyMismatchError);
  });
});

describe('other concessions', () => {
  const { when } = given(acmeOpened);

  it('grants a catalogue concession to anyone, touching no GP', () => {
    const warranty: ConcessionRequest = {
      kind: 'other',
      description: 'Extended warranty',
      catalogueCode: 'EXT-WARRANTY',
      cost: null,
    };
    expect(when(ask(warranty), people.sam)[0]).toMatchObject({
      type: 'ConcessionGranted',
      data: { grossProfitImpact: usd(0), figures: {}, specialSituation: null },
    });
  });

  it('refuses a code the catalogue does not have, offering the catalogue', () => {
    const unknown: ConcessionRequest = {
      kind: 'other',
      description: 'Free pallets',
      catalogueCode: 'FREE-PALLETS',
      cost: null,
    };
    expect(when(ask(unknown))[0]).toMatchObject({
      data: {
        rule: 'not-in-catalogue',
        detail: 'The concession catalogue has no entry FREE-PALLETS',
        alternatives: catalogueOffered,
      },
    });
  });

  it('treats anything else as a special situation, with its declared cost as GP impact', () => {
    const custom: ConcessionRequest = {
      kind: 'other',
      description: 'Consignment stock at their plant',
      catalogueCode: null,
      cost: usd(250_000),
    };
    expect(when(ask(custom))[0]).toMatchObject({ data: { rule: 'outside-tier-entitlement' } });
    expect(when(ask(custom, 'Plant launch'), people.maya)[0]).toMatchObject({
      type: 'ConcessionGranted',
      data: { grossProfitImpact: usd(250_000), specialSituation: { reason: 'Plant launch' } },
    });
  });

  it('refuses a cost on a catalogue concession: they do not touch GP', () => {
    const warranty: ConcessionRequest = {
      kind: 'other',
      description: 'Warranty',
      catalogueCode: 'EXT-WARRANTY',
      cost: usd(1),
    };
    expect(() => when(ask(warranty))).toThrow(InvalidCommandError);
  });
});

describe('every concession decision', () => {
  it('is recorded once per id, granted or refused, and refusals are counted', () => {
    const refused = given(goldAccountWithOrder).when(ask(discountOnOrder(500)), people.sam);
    const state = stateAfter(goldAccountWithOrder, refused) as OpenAccountState;
    expect(state.counts).toMatchObject({
      concessionsRefused: 1,
      refusals: 1,
      concessionsGranted: 0,
    });
    expect(state.concessions['k-1']).toEqual({
      concessionId: 'k-1',
      kind: 'price_discount',
      outcome: 'refused',
    });
    expect(
      thrownBy(() => given(goldAccountWithOrder, refused).when(ask(discountOnOrder(100)))),
    ).toMatchObject({
      code: 'duplicate-id',
      entity: 'concession',
    });
    expect(() => given(goldAccountWithOrder, refused).when(ask(discountOnOrder(100)))).toThrow(
      DuplicateIdError,
    );
  });

  it('cites the policy version it was judged under', () => {
    const version9 = { ...standardPolicy, version: 9 };
    expect(
      given(goldAccountWithOrder).when(ask(discountOnOrder(100)), people.rita, {
        policy: version9,
      })[0],
    ).toMatchObject({
      type: 'ConcessionGranted',
      data: { policyVersion: 9 },
    });
  });
});
