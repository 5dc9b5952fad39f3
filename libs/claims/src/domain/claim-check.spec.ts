import { AccountIndex } from './account-index.js';
import { type Claim, claimProblems } from './claim.js';
import { checkClaim } from './claim-check.js';
import {
  RecordBuilder,
  delivered,
  discount,
  freight,
  granted,
  opened,
  orderPlaced,
  policyV1,
  promiseMade,
  refused,
  termsRefused,
  termsStated,
} from './testing/record-builder.js';

const NOW = Date.parse('2026-12-15T10:00:00Z');

const claim = (partial: Partial<Claim> & Pick<Claim, 'category'>): Claim => ({
  scope: null,
  allegedActorId: null,
  allegedAt: null,
  allegedWindow: null,
  assertion: {},
  ...partial,
});

function acme(): RecordBuilder {
  const record = new RecordBuilder();
  record.add(opened(), { at: '2026-11-01T09:00:00Z' });
  return record;
}

const check = (record: RecordBuilder, c: Claim, policy = policyV1) =>
  checkClaim(AccountIndex.of(record.entries), c, { policy, nowMs: NOW });

describe('checking a claim against the record', () => {
  describe('payment terms', () => {
    const record = acme();
    const net30 = record.add(termsStated(30), { at: '2026-11-02T10:00:00Z' });
    const net45 = record.add(termsStated(45, { kind: 'quote', referenceId: 'Q-1' }), {
      at: '2026-11-03T10:00:00Z',
    });
    const net60 = record.add(termsRefused(60, 'Q-1'), { at: '2026-11-03T11:00:00Z' });
    const onQ1 = { kind: 'quote', id: 'Q-1' } as const;

    it('is supported by the statement that grants it, and shows what said otherwise', () => {
      const result = check(
        record,
        claim({ category: 'payment_terms', scope: onQ1, assertion: { netDays: 45 } }),
      );
      expect(result.verdict).toBe('supported');
      expect(result.evidence.filter((e) => e.decisive).map((e) => e.entry.id)).toEqual([net45.id]);
      expect(result.evidence.find((e) => e.entry.id === net30.id)).toMatchObject({
        bearing: 'contradicts',
        decisive: false,
      });
    });

    it('is contradicted by a recorded refusal of exactly what is claimed', () => {
      const result = check(
        record,
        claim({ category: 'payment_terms', scope: onQ1, assertion: { netDays: 60 } }),
      );
      expect(result.verdict).toBe('contradicted');
      const refusal = result.evidence.find((e) => e.entry.id === net60.id);
      expect(refusal).toMatchObject({ decisive: true, bearing: 'contradicts' });
      expect(refusal?.reason).toContain('terms-not-allowed');
    });

    it('is judged on what had been said by the alleged time, and notes a grant made later', () => {
      const result = check(
        record,
        claim({
          category: 'payment_terms',
          scope: onQ1,
          allegedAt: '2026-11-02T12:00:00.000Z',
          assertion: { netDays: 45 },
        }),
      );
      expect(result.verdict).toBe('contradicted');
      expect(result.inForce.paymentTermsInScope?.netDays).toBe(30);
      expect(result.notes).toContainEqual(
        expect.objectContaining({ code: 'granted-later', eventId: net45.id }),
      );
    });

    it('notes that a supported statement was superseded by a later one', () => {
      const later = acme();
      later.add(termsStated(45), { at: '2026-11-02T10:00:00Z' });
      const net30Later = later.add(termsStated(30), { at: '2026-11-05T10:00:00Z' });
      const result = check(later, claim({ category: 'payment_terms', assertion: { netDays: 45 } }));
      expect(result.verdict).toBe('supported');
      expect(result.notes).toContainEqual(
        expect.objectContaining({ code: 'superseded', eventId: net30Later.id }),
      );
    });
  });

  describe('freight', () => {
    it('is contradicted by a refusal alone, and supported once a grant is on the record', () => {
      const record = acme();
      record.add(orderPlaced('O-1'), { at: '2026-11-05T10:00:00Z' });
      record.add(refused('F-1', freight('O-1')), { at: '2026-11-06T10:00:00Z' });
      const onO1 = claim({ category: 'freight', scope: { kind: 'order', id: 'O-1' } });
      expect(check(record, onO1).verdict).toBe('contradicted');

      const grant = record.add(granted('F-2', freight('O-1', 'C-1'), 5000), {
        at: '2026-11-07T10:00:00Z',
      });
      const result = check(record, onO1);
      expect(result.verdict).toBe('supported');
      expect(result.decidingActorIds).toEqual(['sam-sales']);
      expect(result.evidence[0]?.entry.id).toBe(grant.id);
    });

    it('takes an order that ships free under its tier as a grant', () => {
      const record = acme();
      record.add(orderPlaced('O-1', { freeFreightByTier: true, tierCode: 'gold' }), {
        at: '2026-11-05T10:00:00Z',
      });
      expect(
        check(record, claim({ category: 'freight', scope: { kind: 'order', id: 'O-1' } })).verdict,
      ).toBe('supported');
    });

    it('is answered no_record for an order the record knows nothing about', () => {
      const record = acme();
      record.add(refused('F-1', freight('O-1')), { at: '2026-11-06T10:00:00Z' });
      expect(
        check(record, claim({ category: 'freight', scope: { kind: 'order', id: 'O-2' } })).verdict,
      ).toBe('no_record');
    });
  });

  describe('discounts', () => {
    it('adds discounts granted on the same quote, not across quotes', () => {
      const record = acme();
      record.add(granted('D-1', discount('Q-1', 500)), { at: '2026-11-04T10:00:00Z' });
      record.add(granted('D-2', discount('Q-1', 500)), { at: '2026-11-04T11:00:00Z' });
      record.add(granted('D-3', discount('Q-2', 500)), { at: '2026-11-04T12:00:00Z' });
      const tenPercent = (id: string) =>
        claim({
          category: 'price',
          scope: { kind: 'quote', id },
          assertion: { discountBps: 1000 },
        });
      expect(check(record, tenPercent('Q-1')).verdict).toBe('supported');
      expect(check(record, tenPercent('Q-2')).verdict).toBe('contradicted');
    });

    it('counts only what had been granted by the alleged time', () => {
      const record = acme();
      record.add(granted('D-1', discount('Q-1', 500)), { at: '2026-11-04T10:00:00Z' });
      const later = record.add(granted('D-2', discount('Q-1', 500)), {
        at: '2026-11-10T10:00:00Z',
      });
      const result = check(
        record,
        claim({
          category: 'price',
          scope: { kind: 'quote', id: 'Q-1' },
          allegedAt: '2026-11-05T10:00:00.000Z',
          assertion: { discountBps: 1000 },
        }),
      );
      expect(result.verdict).toBe('contradicted');
      expect(result.notes).toContainEqual(
        expect.objectContaining({ code: 'granted-later', eventId: later.id }),
      );
    });
  });

  describe('the record’s own weaknesses', () => {
    it('flags a deciding entry stored later than the policy threshold, and only under a policy', () => {
      const record = acme();
      const late = record.add(termsStated(60), {
        at: '2026-11-02T10:00:00Z',
        recordedAt: '2026-11-09T10:00:00Z',
      });
      const c = claim({ category: 'payment_terms', assertion: { netDays: 60 } });
      const result = check(record, c);
      expect(result.evidence[0]).toMatchObject({ late: true, lagMinutes: 7 * 24 * 60 });
      expect(result.notes).toContainEqual(
        expect.objectContaining({ code: 'recorded-late', eventId: late.id }),
      );
      expect(
        checkClaim(AccountIndex.of(record.entries), c, { policy: null, nowMs: NOW }).evidence[0]
          ?.late,
      ).toBe(false);
    });

    it('shows a later correction of the deciding entry without changing the verdict', () => {
      const record = acme();
      const promise = record.add(
        promiseMade('P-1', 'Replacement pallet ships Friday', '2026-11-13'),
        {
          at: '2026-11-09T10:00:00Z',
        },
      );
      const correction = record.add(
        {
          type: 'EventCorrected',
          data: { correctedEventId: promise.id, reason: 'It was Monday', correction: null },
        },
        { at: '2026-11-10T10:00:00Z' },
      );
      const result = check(
        record,
        claim({ category: 'promise', assertion: { text: 'pallet ships Friday' } }),
      );
      expect(result.verdict).toBe('supported');
      expect(result.evidence.find((e) => e.entry.id === promise.id)?.correctedBy).toEqual([
        correction.id,
      ]);
      expect(result.notes).toContainEqual(
        expect.objectContaining({ code: 'corrected', eventId: correction.id }),
      );
    });
  });

  describe('the claim’s own weaknesses', () => {
    const record = acme();
    record.add(granted('F-1', freight('O-1', 'C-1'), 5000), { at: '2026-11-07T10:00:00Z' });
    record.add(
      {
        type: 'AccountReassigned',
        data: {
          previousOwnerId: 'sam-sales',
          ownerId: 'sam-sales',
          previousServiceRepIds: ['sue-service'],
          serviceRepIds: ['sue-service', 'val-service'],
          reason: null,
        },
      },
      { at: '2026-11-15T10:00:00Z' },
    );
    const byVal = (allegedAt: string) =>
      claim({
        category: 'freight',
        scope: { kind: 'order', id: 'O-1' },
        allegedActorId: 'val-service',
        allegedAt,
      });

    it('notes that the alleged rep was not assigned at the alleged time, and not once they were', () => {
      const codes = (at: string) => check(record, byVal(at)).notes.map((n) => n.code);
      expect(codes('2026-11-10T10:00:00.000Z')).toContain('actor-not-assigned');
      expect(codes('2026-11-16T10:00:00.000Z')).not.toContain('actor-not-assigned');
    });

    it('notes an alleged time before the account was opened', () => {
      expect(check(record, byVal('2026-10-01T00:00:00.000Z')).notes.map((n) => n.code)).toContain(
        'before-account-opened',
      );
    });
  });

  describe('service level', () => {
    const record = acme();
    record.add(delivered('O-1', true), { at: '2026-11-30T10:00:00Z' });
    record.add(delivered('O-2', false), { at: '2026-12-03T10:00:00Z' });

    it('answers "always late" with the on-time record', () => {
      const result = check(record, claim({ category: 'service_level' }));
      expect(result.verdict).toBe('contradicted');
      expect(result.measure).toMatchObject({ delivered: 2, onTime: 1, late: 1, onTimeBps: 5000 });
    });

    it('supports "late half the time" on the same record', () => {
      const result = check(
        record,
        claim({ category: 'service_level', assertion: { onTimeBpsAtMost: 5000 } }),
      );
      expect(result.verdict).toBe('supported');
      expect(result.evidence.filter((e) => e.decisive)).toHaveLength(1);
    });
  });

  describe('odd and empty histories', () => {
    it('answers no_record on an account with nothing but its opening', () => {
      const result = check(
        acme(),
        claim({ category: 'rush', scope: { kind: 'order', id: 'O-1' } }),
      );
      expect(result.verdict).toBe('no_record');
      expect(result.notes.map((n) => n.code)).toContain('empty-history');
    });

    it('passes over event types it does not know', () => {
      const record = acme();
      record.add(
        { type: 'LoyaltyPointsAwarded', data: { points: 5 } },
        { at: '2026-11-02T10:00:00Z' },
      );
      record.add(termsStated(30), { at: '2026-11-03T10:00:00Z' });
      expect(
        check(record, claim({ category: 'payment_terms', assertion: { netDays: 30 } })).verdict,
      ).toBe('supported');
    });
  });
});

describe('what a claim must say for its category', () => {
  it('refuses a field the category does not take and a value it cannot be judged without', () => {
    expect(
      claimProblems(claim({ category: 'freight', assertion: { netDays: 60 } })).map((p) => p.field),
    ).toEqual(['assertion.netDays']);
    expect(claimProblems(claim({ category: 'payment_terms' })).map((p) => p.field)).toEqual([
      'assertion.netDays',
    ]);
  });

  it('refuses a window that ends before it starts, and a time given twice', () => {
    const problems = claimProblems(
      claim({
        category: 'freight',
        allegedAt: '2026-11-01T00:00:00Z',
        allegedWindow: { from: '2026-11-05T00:00:00Z', to: '2026-11-01T00:00:00Z' },
      }),
    );
    expect(problems.map((p) => p.field)).toEqual(['allegedWindow', 'allegedWindow']);
  });
});
