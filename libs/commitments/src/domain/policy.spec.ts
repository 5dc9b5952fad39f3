import { isRecordedLate, tierForSpend, validatePolicy, type Policy } from './policy.js';
import { policyTerms } from './testing/account.fixtures.js';

function withChanges(change: (policy: Policy) => void): Policy {
  const policy = structuredClone(policyTerms);
  change(policy);
  return policy;
}

describe('validatePolicy', () => {
  it('finds nothing wrong with the standard policy', () => {
    expect(validatePolicy(policyTerms)).toEqual([]);
  });

  it('keeps the floor within 0..10000 bps', () => {
    expect(validatePolicy({ ...policyTerms, grossProfitFloorBps: 12_000 })).toEqual([
      { path: 'grossProfitFloorBps', problem: 'must be a whole number of bps in 0..10000' },
    ]);
    expect(validatePolicy({ ...policyTerms, grossProfitFloorBps: 22.5 })).toHaveLength(1);
  });

  it('wants tiers ascending by spend, starting at zero', () => {
    const problems = validatePolicy(
      withChanges((p) => {
        p.entitlementTiers[0]!.minTrailingSpendMinor = 100;
        p.entitlementTiers[2]!.minTrailingSpendMinor = 5_000_000;
      }),
    );
    expect(problems).toEqual([
      {
        path: 'entitlementTiers[0].minTrailingSpendMinor',
        problem: 'must be 0: the first tier is the minimum commitment to every account',
      },
      {
        path: 'entitlementTiers[2].minTrailingSpendMinor',
        problem: "must be above silver's: tiers ascend by spend",
      },
    ]);
  });

  it('does not let a higher tier entitle less than a lower one', () => {
    const problems = validatePolicy(
      withChanges((p) => (p.entitlementTiers[2]!.entitlements.rebateBps = 50)),
    );
    expect(problems).toEqual([
      { path: 'entitlementTiers[2].entitlements.rebateBps', problem: "must not be below silver's" },
    ]);
  });

  it('does not give a higher role less authority than a lower one', () => {
    const problems = validatePolicy(
      withChanges((p) => {
        p.authority.sales.maxDiscountBps = 100;
        p.authority.manager.mayPayFreight = false;
      }),
    );
    expect(problems).toEqual([
      { path: 'authority.sales.maxDiscountBps', problem: "must not be below service's" },
      { path: 'authority.manager.mayPayFreight', problem: "must be true when sales's is" },
    ]);
  });

  it('ends the escalation chain at sales, without managers in it', () => {
    const problems = validatePolicy(
      withChanges((p) => (p.escalationChain = ['service', 'sales', 'manager' as 'sales'])),
    );
    expect(problems).toEqual([
      { path: 'escalationChain[2]', problem: 'must be service or sales' },
      { path: 'escalationChain', problem: "must end at the account's sales rep" },
    ]);
  });

  it('wants unique catalogue codes, some payment terms and sane numbers', () => {
    const problems = validatePolicy(
      withChanges((p) => {
        p.concessionCatalogue.push({ code: 'EXT-WARRANTY', description: 'again' });
        p.paymentTerms.allowedNetDays = [];
        p.paymentTerms.earlyPaymentDiscounts = [{ bps: 0, withinDays: 10 }];
        p.freight.maxShareOfOrderGrossProfitBps = -1;
        p.defaultLeadTimeDays.kanban = 2.5;
        p.lateEntryThresholdMinutes = -5;
        p.currency = 'usd';
      }),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'currency',
      'freight.maxShareOfOrderGrossProfitBps',
      'concessionCatalogue',
      'defaultLeadTimeDays.kanban',
      'lateEntryThresholdMinutes',
      'paymentTerms.allowedNetDays',
      'paymentTerms.earlyPaymentDiscounts[0].bps',
    ]);
  });
});

describe('tiers and late entries', () => {
  it('places spend in the highest tier it reaches', () => {
    expect(tierForSpend(policyTerms, 0).code).toBe('base');
    expect(tierForSpend(policyTerms, 9_999_999).code).toBe('base');
    expect(tierForSpend(policyTerms, 10_000_000).code).toBe('silver');
    expect(tierForSpend(policyTerms, 49_999_999).code).toBe('silver');
    expect(tierForSpend(policyTerms, 50_000_000).code).toBe('gold');
  });

  it('counts a record stored more than the threshold after it was said as late', () => {
    expect(isRecordedLate(policyTerms, '2025-06-16T10:00:00Z', '2025-06-16T11:00:00Z')).toBe(false);
    expect(isRecordedLate(policyTerms, '2025-06-16T10:00:00Z', '2025-06-16T11:00:01Z')).toBe(true);
  });
});
