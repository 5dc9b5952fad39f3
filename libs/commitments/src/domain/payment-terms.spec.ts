import type { AccountCommand, StatePaymentTerms } from './account.commands.js';
import { InvalidCommandError, UnknownOrderError, UnknownQuoteError } from './commitments.errors.js';
import {
  acmeOpened,
  given,
  people,
  quoteIssued,
  tenThousandAtThirtyPercent,
} from './testing/account.fixtures.js';

const state = (data: StatePaymentTerms['data']): AccountCommand => ({
  type: 'StatePaymentTerms',
  data,
});
const verbal = { kind: 'verbal' as const, referenceId: null };

describe('payment terms, stated by an authorised role', () => {
  it('given Rita on quote q-1, when she states Net 45 with 2/10, then the terms are stated with their context', () => {
    const events = given(acmeOpened, quoteIssued('q-1', tenThousandAtThirtyPercent)).when(
      state({
        netDays: 45,
        earlyPaymentDiscount: { bps: 200, withinDays: 10 },
        context: { kind: 'quote', referenceId: 'q-1' },
      }),
    );
    expect(events).toEqual([
      {
        type: 'PaymentTermsStated',
        data: {
          netDays: 45,
          earlyPaymentDiscount: { bps: 200, withinDays: 10 },
          context: { kind: 'quote', referenceId: 'q-1' },
          policyVersion: 7,
        },
      },
    ]);
  });

  it('given a verbal statement within Sam’s authority, then it is stated', () => {
    expect(given(acmeOpened).when(state({ netDays: 30, context: verbal }), people.sam)).toEqual([
      {
        type: 'PaymentTermsStated',
        data: { netDays: 30, earlyPaymentDiscount: null, context: verbal, policyVersion: 7 },
      },
    ]);
  });

  it('when Net 90 is stated, then it is refused: not among the allowed terms, with the ones that are', () => {
    expect(given(acmeOpened).when(state({ netDays: 90, context: verbal }))).toEqual([
      {
        type: 'PaymentTermsRefused',
        data: {
          netDays: 90,
          earlyPaymentDiscount: null,
          context: verbal,
          rule: 'terms-not-allowed',
          detail:
            'Net 90 is not among the terms the policy allows (net 15, net 30, net 45, net 60)',
          figures: { netDays: 90, roleMaxNetDays: 60, longestAllowedNetDays: 60 },
          alternatives: [
            { kind: 'payment-terms', netDays: 15 },
            { kind: 'payment-terms', netDays: 30 },
            { kind: 'payment-terms', netDays: 45 },
            { kind: 'payment-terms', netDays: 60 },
            { kind: 'early-payment-discount', bps: 200, withinDays: 10 },
          ],
          policyVersion: 7,
        },
      },
    ]);
  });

  it('when an early-payment discount the policy does not offer is stated, then it is refused', () => {
    expect(
      given(acmeOpened).when(
        state({ netDays: 30, earlyPaymentDiscount: { bps: 300, withinDays: 10 }, context: verbal }),
      )[0],
    ).toMatchObject({
      type: 'PaymentTermsRefused',
      data: {
        rule: 'early-payment-discount-not-allowed',
        figures: {
          netDays: 30,
          roleMaxNetDays: 60,
          longestAllowedNetDays: 60,
          discountBps: 300,
          discountWithinDays: 10,
        },
      },
    });
  });

  it('given Sam (service, up to Net 30), when he states Net 45, then it is refused and Rita is named as who could', () => {
    expect(given(acmeOpened).when(state({ netDays: 45, context: verbal }), people.sam)).toEqual([
      {
        type: 'PaymentTermsRefused',
        data: {
          netDays: 45,
          earlyPaymentDiscount: null,
          context: verbal,
          rule: 'terms-beyond-role-authority',
          detail: 'Net 45 is beyond the net 30 a service may state',
          figures: { netDays: 45, roleMaxNetDays: 30, longestAllowedNetDays: 60 },
          alternatives: [
            { kind: 'payment-terms', netDays: 15 },
            { kind: 'payment-terms', netDays: 30 },
            { kind: 'refer-to', role: 'sales', actorIds: ['rep-rita'] },
          ],
          policyVersion: 7,
        },
      },
    ]);
  });

  it('given Sam, when he offers 2/10, then it is refused: service may not state a discount', () => {
    expect(
      given(acmeOpened).when(
        state({ netDays: 30, earlyPaymentDiscount: { bps: 200, withinDays: 10 }, context: verbal }),
        people.sam,
      )[0],
    ).toMatchObject({
      type: 'PaymentTermsRefused',
      data: {
        rule: 'early-payment-discount-beyond-role-authority',
        alternatives: [
          { kind: 'payment-terms', netDays: 15 },
          { kind: 'payment-terms', netDays: 30 },
          { kind: 'refer-to', role: 'sales', actorIds: ['rep-rita'] },
        ],
      },
    });
  });

  it('cannot judge terms stated on a quote or an order the account does not have', () => {
    expect(() =>
      given(acmeOpened).when(
        state({ netDays: 30, context: { kind: 'quote', referenceId: 'q-9' } }),
      ),
    ).toThrow(UnknownQuoteError);
    expect(() =>
      given(acmeOpened).when(
        state({ netDays: 30, context: { kind: 'order', referenceId: 'o-9' } }),
      ),
    ).toThrow(UnknownOrderError);
  });

  it('wants a reference for quote and order terms, and a discount window within the net days', () => {
    const error = (data: StatePaymentTerms['data']): unknown => {
      try {
        given(acmeOpened).when(state(data));
      } catch (e) {
        return e;
      }
      return null;
    };
    expect(error({ netDays: 30, context: { kind: 'order', referenceId: null } })).toMatchObject({
      problems: [{ field: 'context.referenceId', problem: 'must name the order' }],
    });
    expect(
      error({ netDays: 5, earlyPaymentDiscount: { bps: 200, withinDays: 10 }, context: verbal }),
    ).toBeInstanceOf(InvalidCommandError);
  });
});
