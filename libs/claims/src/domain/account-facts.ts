import type {
  AgreementKind,
  ConcessionKind,
  EarlyPaymentDiscountTerms,
  ExpectationsAgreed,
  Money,
  PromiseCategory,
  PromiseScope,
  TermsContext,
} from '@onrecord/commitments';
import type { ClaimCategory, ClaimScope } from './claim.js';
import type { Verdict } from './claim-check.js';
import { isClaimRecorded } from './claims.events.js';
import { type RecordEntry, accountEventOf } from './record-entry.js';
import { describeRequest } from './summary.js';

/**
 * What the account's views need beyond the commitments state, which keeps
 * business data only: who said each thing and when, payment terms as stated
 * (the state does not keep them), each concession with its GP impact, each
 * special situation, rush decision, correction and claim. Folded from the
 * same entries, in the order given.
 */

/** Who said it and when: the envelope facts every line of a view carries. */
export type Said = {
  readonly eventId: string;
  readonly actorId: string;
  readonly role: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
};

export type PromiseLine = Said & {
  readonly promiseId: string;
  readonly category: PromiseCategory;
  readonly text: string;
  readonly dueDate: string;
  readonly scope: PromiseScope;
};

export type TermsLine = Said & {
  /** `stated` and `granted` (extended terms) put terms in force; the refusals did not. */
  readonly outcome: 'stated' | 'refused' | 'granted' | 'concession-refused';
  readonly netDays: number;
  readonly earlyPaymentDiscount: EarlyPaymentDiscountTerms | null;
  readonly context: TermsContext;
  readonly rule: string | null;
  readonly policyVersion: number;
  readonly occurredAtMs: number;
};

export type ConcessionLine = Said & {
  readonly concessionId: string;
  readonly kind: ConcessionKind;
  readonly outcome: 'granted' | 'refused';
  readonly what: string;
  /** GP given up; null for a refusal. */
  readonly grossProfitImpact: Money | null;
  readonly rule: string | null;
  readonly detail: string | null;
  readonly specialSituationReason: string | null;
  readonly tierCode: string;
  readonly policyVersion: number;
  /** Rebate rate, for a rebate concession. */
  readonly rebateBps: number | null;
};

export type SpecialSituationLine = Said & {
  readonly id: string;
  /** A standalone special situation, or a concession granted outside the tier. */
  readonly source: 'special-situation' | 'concession';
  readonly entitlement: string;
  readonly reason: string | null;
  readonly outcome: 'granted' | 'refused';
  readonly rule: string | null;
  readonly policyVersion: number;
};

export type RushLine = Said & {
  readonly orderId: string;
  readonly outcome: 'requested' | 'approved' | 'refused';
  readonly requestedDeliveryDate: string;
  readonly committedDeliveryDate: string | null;
  readonly reason: string | null;
};

export type CorrectionLine = Said & {
  readonly correctedEventId: string;
  readonly reason: string;
  readonly correction: string | null;
};

export type ClaimLine = Said & {
  readonly claimId: string;
  readonly category: ClaimCategory;
  readonly scope: ClaimScope | null;
  readonly verdict: Verdict;
  readonly evidenceEventIds: readonly string[];
};

export type LeadTimeLine = Said & {
  readonly outcome: 'agreed' | 'refused';
  readonly agreementId: string;
  readonly kind: AgreementKind;
  readonly leadTimeDays: number;
  readonly skus: readonly string[] | null;
  readonly from: string;
  readonly to: string | null;
  readonly occurredAtMs: number;
};

export type ExpectationsLine = Said & {
  readonly occurredAtMs: number;
  readonly expectations: ExpectationsAgreed['data'];
};

export type AssignmentLine = Said & {
  readonly occurredAtMs: number;
  readonly ownerId: string;
  readonly serviceRepIds: readonly string[];
};

/**
 * Where the facts stood after some of their entries: the length of each list
 * and who worked the account then. Cheap to keep (a few numbers), and enough
 * to take the facts back there with `upTo`, because every list only grows.
 */
export type FactsMark = {
  readonly lengths: readonly number[];
  readonly opened: AccountFacts['opened'];
  readonly current: AccountFacts['current'];
};

export class AccountFacts {
  readonly promises = new Map<string, PromiseLine>();
  readonly terms: TermsLine[] = [];
  readonly concessions: ConcessionLine[] = [];
  readonly specialSituations: SpecialSituationLine[] = [];
  readonly rushes: RushLine[] = [];
  readonly corrections: CorrectionLine[] = [];
  readonly claims: ClaimLine[] = [];
  readonly leadTimes: LeadTimeLine[] = [];
  readonly expectations: ExpectationsLine[] = [];
  /** Owner and service reps over time, in the order they were said (occurredAt). */
  readonly assignments: AssignmentLine[] = [];
  opened: (Said & { readonly occurredAtMs: number; readonly accountId: string }) | null = null;
  /** Who works the account now: the last word in the order it was taken in (as the commitments state has it). */
  current: {
    readonly accountId: string;
    readonly ownerId: string;
    readonly serviceRepIds: readonly string[];
  } | null = null;
  /**
   * Terms that were put in force (stated or granted), by context key
   * (`verbal`, `quote:Q-1`, …) and all together, each kept in occurred order
   * so "the terms in force at T" is a binary search, not a scan.
   */
  private readonly termsInEffect: TermsLine[] = [];
  private readonly termsInEffectByContext = new Map<string, TermsLine[]>();
  /** How many of `terms` the two lists above have taken: they catch up when first asked, as views never ask. */
  private termsSorted = 0;
  /** Every PromiseMade line and every assignment, in the order taken in: `promises` and `assignments` are derived from them. */
  private readonly promiseLog: PromiseLine[] = [];
  private readonly assignmentLog: AssignmentLine[] = [];

  /** The lists that only ever grow, in the order a FactsMark's lengths follow. */
  private logs(): unknown[][] {
    return [
      this.terms,
      this.concessions,
      this.specialSituations,
      this.rushes,
      this.corrections,
      this.claims,
      this.leadTimes,
      this.expectations,
      this.promiseLog,
      this.assignmentLog,
    ];
  }

  mark(): FactsMark {
    return {
      lengths: this.logs().map((log) => log.length),
      opened: this.opened,
      current: this.current,
    };
  }

  /**
   * The facts as they stood at `mark` (taken from these facts, or from facts
   * these have grown from): a new object that shares the lines and can take
   * more entries without changing these.
   */
  upTo(mark: FactsMark): AccountFacts {
    const facts = new AccountFacts();
    const from = this.logs();
    facts.logs().forEach((log, i) => {
      const source = from[i]!;
      const length = mark.lengths[i]!;
      for (let at = 0; at < length; at++) log.push(source[at]);
    });
    facts.opened = mark.opened;
    facts.current = mark.current;
    for (const line of facts.promiseLog) facts.promises.set(line.promiseId, line);
    for (const line of facts.assignmentLog) insertByOccurred(facts.assignments, line);
    return facts;
  }

  add(entry: RecordEntry): void {
    const said: Said = {
      eventId: entry.id,
      actorId: entry.actor.id,
      role: entry.actor.role,
      occurredAt: entry.occurredAt,
      recordedAt: entry.recordedAt,
    };
    if (isClaimRecorded(entry)) {
      const d = entry.data;
      this.claims.push({
        ...said,
        claimId: d.claimId,
        category: d.category,
        scope: d.scope,
        verdict: d.verdict,
        evidenceEventIds: d.evidenceEventIds,
      });
      return;
    }
    const event = accountEventOf(entry);
    if (event === null) return;
    switch (event.type) {
      case 'AccountOpened': {
        if (this.opened !== null) return;
        const { accountId, ownerId, serviceRepIds } = event.data;
        this.opened = { ...said, occurredAtMs: entry.occurredAtMs, accountId };
        this.current = { accountId, ownerId, serviceRepIds };
        this.addAssignment(said, entry.occurredAtMs, ownerId, serviceRepIds);
        return;
      }
      case 'AccountReassigned': {
        if (this.current === null) return;
        const { ownerId, serviceRepIds } = event.data;
        this.current = { accountId: this.current.accountId, ownerId, serviceRepIds };
        this.addAssignment(said, entry.occurredAtMs, ownerId, serviceRepIds);
        return;
      }
      case 'ExpectationsAgreed':
        this.expectations.push({
          ...said,
          occurredAtMs: entry.occurredAtMs,
          expectations: event.data,
        });
        return;
      case 'PromiseMade': {
        const { promiseId, category, text, dueDate, scope } = event.data;
        const line: PromiseLine = { ...said, promiseId, category, text, dueDate, scope };
        this.promiseLog.push(line);
        this.promises.set(promiseId, line);
        return;
      }
      case 'PaymentTermsStated':
      case 'PaymentTermsRefused': {
        const d = event.data;
        this.terms.push({
          ...said,
          outcome: event.type === 'PaymentTermsStated' ? 'stated' : 'refused',
          netDays: d.netDays,
          earlyPaymentDiscount: d.earlyPaymentDiscount,
          context: d.context,
          rule: event.type === 'PaymentTermsRefused' ? event.data.rule : null,
          policyVersion: d.policyVersion,
          occurredAtMs: entry.occurredAtMs,
        });
        return;
      }
      case 'ConcessionGranted': {
        const d = event.data;
        this.concessions.push({
          ...said,
          concessionId: d.concessionId,
          kind: d.kind,
          outcome: 'granted',
          what: describeRequest(d.request),
          grossProfitImpact: d.grossProfitImpact,
          rule: null,
          detail: null,
          specialSituationReason: d.specialSituation?.reason ?? null,
          tierCode: d.tierCode,
          policyVersion: d.policyVersion,
          rebateBps: d.request.kind === 'rebate' ? d.request.rebateBps : null,
        });
        if (d.request.kind === 'extended_terms') {
          this.terms.push({
            ...said,
            outcome: 'granted',
            netDays: d.request.netDays,
            earlyPaymentDiscount: null,
            context: d.request.context,
            rule: null,
            policyVersion: d.policyVersion,
            occurredAtMs: entry.occurredAtMs,
          });
        }
        if (d.specialSituation !== null) {
          this.specialSituations.push({
            ...said,
            id: d.concessionId,
            source: 'concession',
            entitlement: describeRequest(d.request),
            reason: d.specialSituation.reason,
            outcome: 'granted',
            rule: null,
            policyVersion: d.policyVersion,
          });
        }
        return;
      }
      case 'ConcessionRefused': {
        const d = event.data;
        this.concessions.push({
          ...said,
          concessionId: d.concessionId,
          kind: d.kind,
          outcome: 'refused',
          what: describeRequest(d.request),
          grossProfitImpact: null,
          rule: d.rule,
          detail: d.detail,
          specialSituationReason: null,
          tierCode: d.tierCode,
          policyVersion: d.policyVersion,
          rebateBps: d.request.kind === 'rebate' ? d.request.rebateBps : null,
        });
        if (d.request.kind === 'extended_terms') {
          this.terms.push({
            ...said,
            outcome: 'concession-refused',
            netDays: d.request.netDays,
            earlyPaymentDiscount: null,
            context: d.request.context,
            rule: d.rule,
            policyVersion: d.policyVersion,
            occurredAtMs: entry.occurredAtMs,
          });
        }
        return;
      }
      case 'LeadTimeAgreed':
      case 'LeadTimeAgreementRefused': {
        const d = event.data;
        this.leadTimes.push({
          ...said,
          outcome: event.type === 'LeadTimeAgreed' ? 'agreed' : 'refused',
          agreementId: d.agreementId,
          kind: d.kind,
          leadTimeDays: d.leadTimeDays,
          skus: d.skus,
          from: d.from,
          to: d.to,
          occurredAtMs: entry.occurredAtMs,
        });
        return;
      }
      case 'RushRequested':
        this.rushes.push({
          ...said,
          orderId: event.data.orderId,
          outcome: 'requested',
          requestedDeliveryDate: event.data.requestedDeliveryDate,
          committedDeliveryDate: null,
          reason: event.data.reason,
        });
        return;
      case 'RushApproved':
        this.rushes.push({
          ...said,
          orderId: event.data.orderId,
          outcome: 'approved',
          requestedDeliveryDate: event.data.requestedDeliveryDate,
          committedDeliveryDate: event.data.committedDeliveryDate,
          reason: event.data.reason,
        });
        return;
      case 'RushRefused':
        this.rushes.push({
          ...said,
          orderId: event.data.orderId,
          outcome: 'refused',
          requestedDeliveryDate: event.data.requestedDeliveryDate,
          committedDeliveryDate: null,
          reason: event.data.detail,
        });
        return;
      case 'SpecialSituationGranted':
      case 'SpecialSituationRefused':
        this.specialSituations.push({
          ...said,
          id: event.data.situationId,
          source: 'special-situation',
          entitlement: event.data.entitlement,
          reason: event.data.reason,
          outcome: event.type === 'SpecialSituationGranted' ? 'granted' : 'refused',
          rule: event.type === 'SpecialSituationRefused' ? event.data.rule : null,
          policyVersion: event.data.policyVersion,
        });
        return;
      case 'EventCorrected':
        this.corrections.push({
          ...said,
          correctedEventId: event.data.correctedEventId,
          reason: event.data.reason,
          correction: event.data.correction,
        });
        return;
      default:
        return;
    }
  }

  private putInEffect(line: TermsLine): void {
    if (line.outcome !== 'stated' && line.outcome !== 'granted') return;
    insertByOccurred(this.termsInEffect, line);
    const key = contextKey(line.context);
    const list = this.termsInEffectByContext.get(key);
    if (list === undefined) this.termsInEffectByContext.set(key, [line]);
    else insertByOccurred(list, line);
  }

  /**
   * The latest terms put in force by `ms` (occurred clock): in any context, or
   * — with a scope — in that quote, order or contract or for the whole
   * account (verbal, or a context without a reference).
   */
  termsInForceAt(ms: number, scope: { kind: string; id: string } | null = null): TermsLine | null {
    for (; this.termsSorted < this.terms.length; this.termsSorted++)
      this.putInEffect(this.terms[this.termsSorted]!);
    if (scope === null) return lastAtOrBefore(this.termsInEffect, ms);
    const candidates = [
      lastAtOrBefore(this.termsInEffectByContext.get('verbal') ?? [], ms),
      lastAtOrBefore(this.termsInEffectByContext.get(`${scope.kind}:`) ?? [], ms),
      lastAtOrBefore(this.termsInEffectByContext.get(`${scope.kind}:${scope.id}`) ?? [], ms),
    ];
    return candidates.reduce<TermsLine | null>(
      (best, line) =>
        line !== null && (best === null || line.occurredAtMs >= best.occurredAtMs) ? line : best,
      null,
    );
  }

  private addAssignment(
    said: Said,
    occurredAtMs: number,
    ownerId: string,
    serviceRepIds: readonly string[],
  ): void {
    const line: AssignmentLine = { ...said, occurredAtMs, ownerId, serviceRepIds };
    this.assignmentLog.push(line);
    // Kept in occurred order: a reassignment recorded late still took effect when it was said.
    insertByOccurred(this.assignments, line);
  }

  /** Who worked the account at `ms` on the occurred clock; null before it was opened. */
  assignmentAt(ms: number): AssignmentLine | null {
    let found: AssignmentLine | null = null;
    for (const line of this.assignments) {
      if (line.occurredAtMs <= ms) found = line;
      else break;
    }
    return found;
  }

  /** Whether the actor was ever the owner or a service rep. */
  everAssigned(actorId: string): boolean {
    return this.assignments.some((a) => a.ownerId === actorId || a.serviceRepIds.includes(actorId));
  }
}

function contextKey(context: TermsContext): string {
  return context.kind === 'verbal' ? 'verbal' : `${context.kind}:${context.referenceId ?? ''}`;
}

/** Inserts keeping occurred order; equal instants keep the order they were taken in. */
function insertByOccurred<T extends { readonly occurredAtMs: number }>(list: T[], line: T): void {
  let at = list.length;
  while (at > 0 && list[at - 1]!.occurredAtMs > line.occurredAtMs) at -= 1;
  list.splice(at, 0, line);
}

/** The last line said at or before `ms`, by binary search over a list in occurred order. */
function lastAtOrBefore<T extends { readonly occurredAtMs: number }>(
  list: readonly T[],
  ms: number,
): T | null {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid]!.occurredAtMs <= ms) low = mid + 1;
    else high = mid;
  }
  return low === 0 ? null : list[low - 1]!;
}
