import { BPS_WHOLE, type AccountEvent, type PublishedPolicy } from '@onrecord/commitments';
import type { AccountIndex, IndexedEntry } from './account-index.js';
import type { AssignmentLine, ExpectationsLine, LeadTimeLine, TermsLine } from './account-facts.js';
import { type Claim, type ClaimScope, claimCutoffMs, claimStartMs } from './claim.js';
import { scopeKey } from './event-facets.js';
import { type RecordEntry, accountEventOf, isLate, lagMinutes } from './record-entry.js';
import { summarize } from './summary.js';
import { MATCH_THRESHOLD, matches, wordsOf } from './text-match.js';

/**
 * The claim check: given an account's indexed record and a customer's claim,
 * the verdict, the events that decide it, what was in force at the alleged
 * time, and the facts that weaken the claim or the record. Pure: the policy
 * in force and "now" come in as arguments.
 *
 * The rule, for every category: a recorded statement that grants what is
 * claimed makes it `supported`; otherwise recorded statements in its scope
 * that say otherwise (refusals included) make it `contradicted`; otherwise
 * `no_record`. When the claim names a time, only what had been said by then
 * (the occurred clock) decides; a grant made later is a note. A correction
 * or a late entry does not change the verdict; it is a note, because the
 * record keeps both and a person weighs them.
 */

export const VERDICTS = ['supported', 'contradicted', 'no_record'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** How one event bears on the claim. `context` events are shown but decide nothing. */
export type Bearing = 'supports' | 'contradicts' | 'context';

export type NoteCode =
  | 'empty-history'
  | 'before-account-opened'
  | 'actor-not-assigned'
  | 'actor-never-assigned'
  | 'said-by-someone-else'
  | 'recorded-late'
  | 'recorded-after-alleged-time'
  | 'corrected'
  | 'superseded'
  | 'granted-later'
  | 'promise-outcome'
  | 'service-level-target';

/** A fact that weakens the claim or the record. */
export type ClaimNote = { code: NoteCode; detail: string; eventId: string | null };

export type Evidence = {
  readonly entry: RecordEntry;
  readonly bearing: Bearing;
  /** Whether it is one of the events the verdict rests on (the others are shown for the full picture). */
  readonly decisive: boolean;
  /** Why it bears on the claim, in one line. */
  readonly reason: string;
  readonly summary: string;
  readonly late: boolean;
  readonly lagMinutes: number;
  /** Ids of later corrections pointing at it. */
  readonly correctedBy: readonly string[];
};

/** The on-time record a service-level claim is answered with. */
export type ServiceLevelMeasure = {
  delivered: number;
  onTime: number;
  late: number;
  /** On-time deliveries as bps of deliveries; null when nothing was delivered. */
  onTimeBps: number | null;
  /** The on-time target agreed in the expectations, when one was. */
  agreedTargetBps: number | null;
};

/** What was in force at the alleged time (or now, when the claim names no time). */
export type InForce = {
  at: string;
  policyVersion: number | null;
  assignment: { ownerId: string; serviceRepIds: readonly string[] } | null;
  /** The latest terms stated or granted by then, in any context. */
  paymentTerms: TermsLine | null;
  /** The latest terms stated or granted by then in the claim's scope or for the whole account. */
  paymentTermsInScope: TermsLine | null;
  leadTimeAgreements: LeadTimeLine[];
  expectations: ExpectationsLine | null;
};

export type ClaimCheck = {
  verdict: Verdict;
  evidence: Evidence[];
  notes: ClaimNote[];
  inForce: InForce;
  measure: ServiceLevelMeasure | null;
  /** Who made the deciding statements. */
  decidingActorIds: string[];
  /** Deciding events on the record beyond the MAX_DECIDING_EVIDENCE listed. */
  moreDecidingEvents: number;
  checkedAtRevision: number;
};

export type ClaimCheckContext = {
  /** The policy in force at the alleged time (or now): its late-entry threshold and version. */
  readonly policy: PublishedPolicy | null;
  readonly nowMs: number;
};

/** Most deciding events listed; the rest are counted in a note. */
export const MAX_DECIDING_EVIDENCE = 25;
export const MAX_CONTEXT_EVIDENCE = 10;

type Judged = { bearing: Bearing; reason: string };

const supports = (reason: string): Judged => ({ bearing: 'supports', reason });
const contradicts = (reason: string): Judged => ({ bearing: 'contradicts', reason });
const context = (reason: string): Judged => ({ bearing: 'context', reason });

const later = (a: string, b: string): string => (a >= b ? a : b);

/** Bearing of a statement that says yes (true) or no (false) to what the customer wants. */
function yesNo(says: boolean, wants: boolean, reason: string): Judged {
  return says === wants ? supports(reason) : contradicts(reason);
}

const FREIGHT_WORDS = /freight|shipping|carriage|delivery charge/i;

function judgeFreight(event: AccountEvent, claim: Claim): Judged | null {
  const wants = claim.assertion.freightPaid ?? true;
  switch (event.type) {
    case 'ConcessionGranted':
      if (event.data.request.kind === 'freight_paid' || event.data.request.kind === 'other')
        return yesNo(true, wants, 'freight concession granted');
      return null;
    case 'ConcessionRefused':
      if (event.data.request.kind === 'freight_paid' || event.data.request.kind === 'other')
        return yesNo(false, wants, `freight concession refused (${event.data.rule})`);
      return null;
    case 'OrderPlaced':
      if (event.data.freeFreightByTier)
        return yesNo(true, wants, `ships free under tier ${event.data.tierCode}`);
      return claim.scope === null
        ? null
        : yesNo(false, wants, `recorded without free freight (tier ${event.data.tierCode})`);
    case 'SpecialSituationGranted':
      return yesNo(true, wants, 'special situation granted');
    case 'SpecialSituationRefused':
      return yesNo(false, wants, `special situation refused (${event.data.rule})`);
    case 'PromiseMade':
      return FREIGHT_WORDS.test(event.data.text) ? yesNo(true, wants, 'promise made') : null;
    default:
      return null;
  }
}

function judgePrice(event: AccountEvent, claim: Claim): Judged | null {
  const asserted = claim.assertion.discountBps;
  switch (event.type) {
    case 'ConcessionGranted': {
      const request = event.data.request;
      // Price discounts are judged together, per quote or order (see discountTotals).
      if (request.kind === 'price_discount') return null;
      if (request.kind === 'other' && asserted === undefined) return supports('concession granted');
      return context(`${request.kind} concession granted`);
    }
    case 'ConcessionRefused': {
      const request = event.data.request;
      if (request.kind !== 'price_discount') return context(`${request.kind} concession refused`);
      return asserted === undefined || request.discountBps <= asserted
        ? contradicts(`discount of ${request.discountBps} bps refused (${event.data.rule})`)
        : context(`a larger discount (${request.discountBps} bps) was refused`);
    }
    case 'QuoteIssued':
    case 'QuoteRevised':
      return claim.scope === null
        ? null
        : contradicts(`quote v${event.data.version} issued at its stated prices`);
    case 'QuoteRefusedBelowFloor':
      return context('quote refused below the GP floor');
    case 'SpecialSituationGranted':
      return asserted === undefined
        ? supports('special situation granted')
        : context('special situation granted');
    case 'SpecialSituationRefused':
      return contradicts(`special situation refused (${event.data.rule})`);
    case 'PromiseMade':
      return context('price promise');
    default:
      return null;
  }
}

/**
 * Discounts add up per quote or order (as the decider holds them against a
 * limit): a claim of 10 % is supported by 5 % + 5 % on the same quote. Only
 * what had been granted by the claim's cutoff counts for the verdict; a grant
 * after it is judged on the total it brought, for the "granted later" note.
 */
function judgeDiscounts(
  candidates: readonly IndexedEntry[],
  claim: Claim,
  cutoffMs: number,
): Map<string, Judged> {
  const asserted = claim.assertion.discountBps;
  const byTarget = new Map<string, { byCutoff: number; total: number; grants: RecordEntry[] }>();
  for (const { entry } of candidates) {
    const event = accountEventOf(entry);
    if (event?.type !== 'ConcessionGranted' || event.data.request.kind !== 'price_discount')
      continue;
    const { target, discountBps } = event.data.request;
    const key = scopeKey(target);
    const sum = byTarget.get(key) ?? { byCutoff: 0, total: 0, grants: [] };
    sum.total += discountBps;
    if (entry.occurredAtMs <= cutoffMs) sum.byCutoff += discountBps;
    sum.grants.push(entry);
    byTarget.set(key, sum);
  }
  const judged = new Map<string, Judged>();
  for (const [target, { byCutoff, total, grants }] of byTarget) {
    for (const entry of grants) {
      const sum = entry.occurredAtMs <= cutoffMs ? byCutoff : total;
      const reason = `discounts granted on ${target.replace(':', ' ')} total ${sum} bps`;
      judged.set(
        entry.id,
        asserted === undefined || sum >= asserted ? supports(reason) : contradicts(reason),
      );
    }
  }
  return judged;
}

function judgePaymentTerms(event: AccountEvent, claim: Claim): Judged | null {
  const wanted = claim.assertion.netDays;
  switch (event.type) {
    case 'PaymentTermsStated':
      return event.data.netDays === wanted
        ? supports(`Net ${event.data.netDays} stated`)
        : contradicts(`Net ${event.data.netDays} stated, not Net ${wanted}`);
    case 'PaymentTermsRefused':
      return event.data.netDays === wanted
        ? contradicts(`Net ${wanted} refused (${event.data.rule})`)
        : context(`Net ${event.data.netDays} refused`);
    case 'ConcessionGranted':
      if (event.data.request.kind !== 'extended_terms') return null;
      return event.data.request.netDays === wanted
        ? supports(`extended terms Net ${wanted} granted`)
        : contradicts(
            `extended terms Net ${event.data.request.netDays} granted, not Net ${wanted}`,
          );
    case 'ConcessionRefused':
      if (event.data.request.kind !== 'extended_terms') return null;
      return event.data.request.netDays === wanted
        ? contradicts(`extended terms Net ${wanted} refused (${event.data.rule})`)
        : context(`extended terms Net ${event.data.request.netDays} refused`);
    default:
      return null;
  }
}

function judgeDeliveryDate(event: AccountEvent, claim: Claim): Judged | null {
  const by = claim.assertion.deliverBy ?? '';
  switch (event.type) {
    case 'OrderPlaced': {
      const d = event.data;
      const due = later(d.requestedDeliveryDate, d.earliestDeliveryDate);
      if (due <= by) return supports(`order accepted for delivery on ${due}`);
      return contradicts(
        d.insideLeadTime
          ? `placed inside the ${d.leadTimeDays}-day lead time: due ${due} at the earliest, flagged late`
          : `order due ${due}`,
      );
    }
    case 'RushApproved':
      return event.data.committedDeliveryDate <= by
        ? supports(`rush approved for ${event.data.committedDeliveryDate}`)
        : contradicts(`rush approved for ${event.data.committedDeliveryDate}, later than ${by}`);
    case 'RushRefused':
      return event.data.requestedDeliveryDate >= by
        ? contradicts(`rush for ${event.data.requestedDeliveryDate} refused`)
        : context(`rush for ${event.data.requestedDeliveryDate} refused`);
    case 'PromiseMade':
      return event.data.dueDate <= by
        ? supports(`delivery promised by ${event.data.dueDate}`)
        : contradicts(`delivery promised by ${event.data.dueDate}, not ${by}`);
    case 'OrderDelivered':
      return context(
        event.data.onTime
          ? `delivered on ${event.data.deliveredOn}, on time`
          : `delivered on ${event.data.deliveredOn}, ${event.data.daysLate} days late`,
      );
    case 'ConcessionGranted':
    case 'ConcessionRefused':
      return context('expedite concession');
    default:
      return null;
  }
}

function judgeLeadTime(event: AccountEvent, claim: Claim): Judged | null {
  const days = claim.assertion.leadTimeDays;
  switch (event.type) {
    case 'LeadTimeAgreed':
      return event.data.leadTimeDays === days
        ? supports(`${event.data.leadTimeDays}-day ${event.data.kind} lead time agreed`)
        : contradicts(
            `${event.data.leadTimeDays}-day ${event.data.kind} lead time agreed, not ${days}`,
          );
    case 'LeadTimeAgreementRefused':
      return event.data.leadTimeDays === days
        ? contradicts(`${days}-day lead time refused (${event.data.rule})`)
        : context(`${event.data.leadTimeDays}-day lead time refused`);
    case 'OrderPlaced': {
      if (claim.scope === null) return null;
      const source =
        event.data.leadTimeSource.kind === 'agreement'
          ? `agreement ${event.data.leadTimeSource.agreementId}`
          : 'the policy default';
      return event.data.leadTimeDays === days
        ? supports(`order held to a ${days}-day lead time (${source})`)
        : contradicts(`order held to a ${event.data.leadTimeDays}-day lead time (${source})`);
    }
    default:
      return null;
  }
}

function judgeRush(event: AccountEvent, claim: Claim): Judged | null {
  const wants = claim.assertion.rushApproved ?? true;
  const by = claim.assertion.deliverBy;
  switch (event.type) {
    case 'RushApproved': {
      const committed = event.data.committedDeliveryDate;
      if (by !== undefined && committed > by)
        return yesNo(false, wants, `rush approved only for ${committed}, later than ${by}`);
      return yesNo(true, wants, `rush approved for ${committed}`);
    }
    case 'RushRefused':
      return yesNo(false, wants, `rush refused (${event.data.rule})`);
    case 'RushRequested':
      return context(`rush requested for ${event.data.requestedDeliveryDate}`);
    case 'ConcessionGranted':
      return event.data.request.kind === 'expedite'
        ? yesNo(true, wants, 'expedite cost absorbed')
        : null;
    case 'ConcessionRefused':
      return event.data.request.kind === 'expedite'
        ? yesNo(false, wants, `expedite refused (${event.data.rule})`)
        : null;
    case 'OrderPlaced':
      if (claim.scope === null) return null;
      return event.data.insideLeadTime
        ? yesNo(
            false,
            wants,
            `placed inside the lead time and flagged late; a rush is never implied`,
          )
        : context(
            `order placed, due ${later(event.data.requestedDeliveryDate, event.data.earliestDeliveryDate)}`,
          );
    default:
      return null;
  }
}

function judgePromise(event: AccountEvent, claim: Claim, words: readonly string[]): Judged | null {
  if (event.type !== 'PromiseMade') return null;
  if (words.length > 0 && !matches(words, [event.data.text])) return null;
  const { dueDate } = claim.assertion;
  if (dueDate !== undefined && event.data.dueDate !== dueDate)
    return contradicts(`promised for ${event.data.dueDate}, not ${dueDate}`);
  return supports(`promised "${event.data.text}" by ${event.data.dueDate}`);
}

function judgeOther(
  event: AccountEvent,
  words: readonly string[],
  texts: readonly string[],
): Judged | null {
  // Expectations are judged item by item: a must-do supports, a must-never-do contradicts.
  if (event.type !== 'ExpectationsAgreed' && !matches(words, texts)) return null;
  switch (event.type) {
    case 'ExpectationsAgreed': {
      if (matches(words, event.data.mustNeverDo))
        return contradicts('agreed as something we must never do');
      if (matches(words, event.data.mustDo)) return supports('agreed as something we must do');
      return null;
    }
    case 'PromiseMade':
      return supports('promise made');
    case 'ConcessionGranted':
    case 'SpecialSituationGranted':
    case 'EscalationAnswered':
    case 'QuoteIssued':
    case 'QuoteRevised':
      return supports(`${event.type} matches the claim's words`);
    case 'ConcessionRefused':
    case 'SpecialSituationRefused':
      return contradicts(`refused (${event.data.rule})`);
    case 'ComplaintRaised':
      return context('complaint on the record');
    default:
      return null;
  }
}

/** Whether the entry is about the claim's scope, or about the whole account. */
function inScope(indexed: IndexedEntry, scope: ClaimScope | null): boolean {
  if (scope === null || indexed.scopes.length === 0) return true;
  return indexed.scopes.some((s) => s.kind === scope.kind && s.id === scope.id);
}

function candidatesFor(
  index: AccountIndex,
  claim: Claim,
  words: readonly string[],
): IndexedEntry[] {
  const byWords =
    claim.category === 'other' ||
    (claim.category === 'promise' && claim.scope === null && words.length > 0);
  if (!byWords) return index.forCategory(claim.category, claim.scope);
  return index.bestForWords(
    words,
    (i) =>
      i.facets.claimCategories.includes(claim.category) &&
      inScope(i, claim.scope) &&
      (claim.category !== 'promise' || i.entry.type === 'PromiseMade'),
    MATCH_THRESHOLD,
  );
}

function judge(indexed: IndexedEntry, claim: Claim, words: readonly string[]): Judged | null {
  const event = accountEventOf(indexed.entry);
  if (event === null) return null;
  switch (claim.category) {
    case 'freight':
      return judgeFreight(event, claim);
    case 'price':
      return judgePrice(event, claim);
    case 'payment_terms':
      return judgePaymentTerms(event, claim);
    case 'delivery_date':
      return judgeDeliveryDate(event, claim);
    case 'lead_time':
      return judgeLeadTime(event, claim);
    case 'rush':
      return judgeRush(event, claim);
    case 'promise':
      return judgePromise(event, claim, words);
    case 'other':
      return judgeOther(event, words, indexed.facets.texts);
    case 'service_level':
      return null;
  }
}

const ON_TIME_METRIC = /on.?time/i;

function serviceLevel(
  index: AccountIndex,
  claim: Claim,
  cutoffMs: number,
): { judged: Map<string, Judged>; measure: ServiceLevelMeasure; pool: IndexedEntry[] } {
  const window = claim.allegedWindow;
  const fromDay = window ? window.from.slice(0, 10) : null;
  const toDay = window ? window.to.slice(0, 10) : null;
  const judged = new Map<string, Judged>();
  const pool: IndexedEntry[] = [];
  let delivered = 0;
  let onTime = 0;
  for (const indexed of index.forCategory('service_level', claim.scope)) {
    const { entry } = indexed;
    if (entry.occurredAtMs > cutoffMs || entry.type !== 'OrderDelivered') continue;
    const event = accountEventOf(entry);
    if (event?.type !== 'OrderDelivered') continue;
    const day = event.data.deliveredOn;
    if ((fromDay !== null && day < fromDay) || (toDay !== null && day > toDay)) continue;
    delivered += 1;
    if (event.data.onTime) onTime += 1;
    pool.push(indexed);
    judged.set(
      entry.id,
      event.data.onTime
        ? contradicts(`order ${event.data.orderId} delivered on time (${day})`)
        : supports(
            `order ${event.data.orderId} delivered ${event.data.daysLate} days late (${day})`,
          ),
    );
  }
  const expectations = index.facts.expectations.filter((e) => e.occurredAtMs <= cutoffMs).at(-1);
  const target = expectations?.expectations.serviceLevels.find(
    (l) => l.unit === 'bps' && ON_TIME_METRIC.test(`${l.metric} ${l.description}`),
  );
  const onTimeBps = delivered === 0 ? null : Math.floor((onTime * BPS_WHOLE) / delivered);
  // The customer's claim is that we are at most this good: a late delivery bears it out, an on-time one does not.
  const atMost = claim.assertion.onTimeBpsAtMost ?? 0;
  if (onTimeBps !== null && onTimeBps > atMost) {
    for (const [id, j] of judged) if (j.bearing === 'supports') judged.set(id, context(j.reason));
  } else {
    for (const [id, j] of judged)
      if (j.bearing === 'contradicts') judged.set(id, context(j.reason));
  }
  return {
    judged,
    pool,
    measure: {
      delivered,
      onTime,
      late: delivered - onTime,
      onTimeBps,
      agreedTargetBps: target?.target ?? null,
    },
  };
}

function inForceAt(
  index: AccountIndex,
  claim: Claim,
  atMs: number,
  policy: PublishedPolicy | null,
): InForce {
  const facts = index.facts;
  const day = new Date(atMs).toISOString().slice(0, 10);
  const assignment: AssignmentLine | null = facts.assignmentAt(atMs);
  let expectations: ExpectationsLine | null = null;
  for (const line of facts.expectations) {
    if (line.occurredAtMs > atMs) continue;
    if (expectations === null || line.occurredAtMs >= expectations.occurredAtMs)
      expectations = line;
  }
  return {
    at: new Date(atMs).toISOString(),
    policyVersion: policy?.version ?? null,
    assignment: assignment && {
      ownerId: assignment.ownerId,
      serviceRepIds: assignment.serviceRepIds,
    },
    paymentTerms: facts.termsInForceAt(atMs),
    paymentTermsInScope: claim.scope === null ? null : facts.termsInForceAt(atMs, claim.scope),
    leadTimeAgreements: facts.leadTimes.filter(
      (l) =>
        l.outcome === 'agreed' &&
        l.occurredAtMs <= atMs &&
        l.from <= day &&
        (l.to === null || day <= l.to),
    ),
    expectations,
  };
}

function when(ms: number): string {
  return new Date(ms).toISOString();
}

/** Checks a claim against the record. Never throws on an empty or odd history: it answers no_record. */
export function checkClaim(index: AccountIndex, claim: Claim, ctx: ClaimCheckContext): ClaimCheck {
  const cutoff = claimCutoffMs(claim);
  const cutoffMs = cutoff ?? Number.POSITIVE_INFINITY;
  const startMs = claimStartMs(claim);
  const words = wordsOf(claim.assertion.text ?? '');
  const notes: ClaimNote[] = [];
  const note = (code: NoteCode, detail: string, eventId: string | null = null): void => {
    notes.push({ code, detail, eventId });
  };

  let judged = new Map<string, Judged>();
  let pool: IndexedEntry[];
  let measure: ServiceLevelMeasure | null = null;
  if (claim.category === 'service_level') {
    const level = serviceLevel(index, claim, cutoffMs);
    judged = level.judged;
    pool = level.pool;
    measure = level.measure;
  } else {
    pool = candidatesFor(index, claim, words);
    const discounts =
      claim.category === 'price'
        ? judgeDiscounts(pool, claim, cutoffMs)
        : new Map<string, Judged>();
    for (const indexed of pool) {
      const j = discounts.get(indexed.entry.id) ?? judge(indexed, claim, words);
      if (j !== null) judged.set(indexed.entry.id, j);
    }
  }

  const byBearing = (bearing: Bearing, before: boolean): IndexedEntry[] =>
    pool.filter((i) => {
      const j = judged.get(i.entry.id);
      return j?.bearing === bearing && i.entry.occurredAtMs <= cutoffMs === before;
    });
  const supporting = byBearing('supports', true);
  const contradicting = byBearing('contradicts', true);
  const verdict: Verdict =
    supporting.length > 0 ? 'supported' : contradicting.length > 0 ? 'contradicted' : 'no_record';
  const deciding =
    verdict === 'supported' ? supporting : verdict === 'contradicted' ? contradicting : [];
  const newestFirst = (a: IndexedEntry, b: IndexedEntry): number =>
    b.entry.occurredAtMs - a.entry.occurredAtMs || b.entry.revision - a.entry.revision;
  deciding.sort(newestFirst);

  const evidenceOf = (
    indexed: IndexedEntry,
    bearing: Bearing,
    reason: string,
    decisive = false,
  ): Evidence => ({
    entry: indexed.entry,
    bearing,
    decisive,
    reason,
    summary: summarize(indexed.entry),
    late: isLate(indexed.entry, ctx.policy),
    lagMinutes: lagMinutes(indexed.entry),
    correctedBy: index.correctionsFor(indexed.entry.id).map((c) => c.entry.id),
  });
  const shown = deciding.slice(0, MAX_DECIDING_EVIDENCE);
  const evidence = shown.map((i) => {
    const j = judged.get(i.entry.id)!;
    return evidenceOf(i, j.bearing, j.reason, true);
  });

  // What else bears on it: context events, the other side, corrections of the deciding events.
  const contextPool: { indexed: IndexedEntry; judged: Judged }[] = [];
  const decidingIds = new Set(deciding.map((i) => i.entry.id));
  for (const indexed of [...pool].sort(newestFirst)) {
    if (decidingIds.has(indexed.entry.id) || indexed.entry.occurredAtMs > cutoffMs) continue;
    const j = judged.get(indexed.entry.id);
    if (j !== undefined) contextPool.push({ indexed, judged: j });
  }
  for (const i of shown) {
    for (const correction of index.correctionsFor(i.entry.id)) {
      contextPool.unshift({ indexed: correction, judged: context(`corrects ${i.entry.id}`) });
      const event = accountEventOf(correction.entry);
      if (event?.type !== 'EventCorrected') continue;
      const { reason, correction: shouldRead } = event.data;
      note(
        'corrected',
        `${i.entry.type} ${i.entry.id} was later corrected by ${correction.entry.actor.id} on ${correction.entry.occurredAt}: ${reason}${shouldRead === null ? '' : ` (should read: ${shouldRead})`}`,
        correction.entry.id,
      );
    }
  }
  for (const { indexed, judged: j } of contextPool.slice(0, MAX_CONTEXT_EVIDENCE))
    evidence.push(evidenceOf(indexed, j.bearing, j.reason));

  // The record's own weaknesses.
  for (const i of shown) {
    const e = i.entry;
    if (isLate(e, ctx.policy)) {
      note(
        'recorded-late',
        `${e.type} ${e.id} was recorded ${lagMinutes(e)} minutes after it was said (threshold ${ctx.policy?.lateEntryThresholdMinutes ?? 0}): weaker evidence`,
        e.id,
      );
    }
    if (cutoff !== null && e.recordedAtMs > cutoff) {
      note(
        'recorded-after-alleged-time',
        `${e.type} ${e.id} was said on ${e.occurredAt} but only recorded on ${e.recordedAt}: at ${when(cutoff)} the company did not know it yet`,
        e.id,
      );
    }
  }
  if (verdict !== 'supported' && cutoff !== null) {
    const laterGrant = byBearing('supports', false).sort(newestFirst).at(-1);
    if (laterGrant) {
      note(
        'granted-later',
        `${laterGrant.entry.type} ${laterGrant.entry.id} grants it, but only on ${laterGrant.entry.occurredAt}, after the alleged time`,
        laterGrant.entry.id,
      );
    }
  }

  const inForce = inForceAt(index, claim, cutoff ?? ctx.nowMs, ctx.policy);
  if (verdict === 'supported' && claim.category === 'payment_terms') {
    const current = claim.scope === null ? inForce.paymentTerms : inForce.paymentTermsInScope;
    if (current !== null && current.netDays !== claim.assertion.netDays) {
      note(
        'superseded',
        `Net ${claim.assertion.netDays} was stated, but Net ${current.netDays} (${current.outcome} by ${current.actorId} on ${current.occurredAt}) is the latest word at ${inForce.at}`,
        current.eventId,
      );
    }
  }
  if (verdict === 'supported' && claim.category === 'lead_time') {
    const agreed = inForce.leadTimeAgreements.filter(
      (l) =>
        claim.scope === null || claim.scope.kind !== 'contract' || l.agreementId === claim.scope.id,
    );
    const current = agreed.at(-1);
    if (current !== undefined && current.leadTimeDays !== claim.assertion.leadTimeDays) {
      note(
        'superseded',
        `${current.leadTimeDays} days (${current.agreementId}) is the agreement in force at ${inForce.at}`,
        current.eventId,
      );
    }
  }
  if (claim.category === 'promise') {
    for (const i of shown) {
      const promiseId = i.entry.data['promiseId'];
      if (typeof promiseId !== 'string') continue;
      for (const outcome of index.promiseHistory(promiseId).slice(1)) {
        note('promise-outcome', summarize(outcome.entry), outcome.entry.id);
        evidence.push(evidenceOf(outcome, 'context', 'what became of the promise'));
      }
    }
  }
  if (measure !== null && measure.agreedTargetBps !== null && measure.onTimeBps !== null) {
    const met = measure.onTimeBps >= measure.agreedTargetBps;
    note(
      'service-level-target',
      `On time ${measure.onTimeBps} bps of ${measure.delivered} deliveries against the agreed ${measure.agreedTargetBps} bps: target ${met ? 'met' : 'missed'}`,
    );
  }

  // The claim's own weaknesses.
  const opened = index.facts.opened;
  if (opened === null || index.size <= 1 + index.facts.claims.length) {
    note('empty-history', 'Nothing but the opening of the account is on the record');
  }
  if (opened !== null && startMs !== null && startMs < opened.occurredAtMs) {
    note(
      'before-account-opened',
      `The alleged time ${when(startMs)} is before the account was opened (${opened.occurredAt})`,
      opened.eventId,
    );
  }
  const alleged = claim.allegedActorId;
  if (alleged !== null && index.roleOf(alleged) !== 'manager') {
    const at = startMs ?? cutoff;
    if (at !== null) {
      const assignment = index.facts.assignmentAt(at);
      if (
        assignment !== null &&
        assignment.ownerId !== alleged &&
        !assignment.serviceRepIds.includes(alleged)
      ) {
        note(
          'actor-not-assigned',
          `${alleged} was not assigned to the account on ${when(at)}: the owner was ${assignment.ownerId}, the service reps ${assignment.serviceRepIds.join(', ') || 'none'}`,
          assignment.eventId,
        );
      }
    } else if (!index.facts.everAssigned(alleged)) {
      note('actor-never-assigned', `${alleged} has never been assigned to the account`);
    }
  }
  const decidingActorIds = [...new Set(deciding.map((i) => i.entry.actor.id))];
  if (alleged !== null && deciding.length > 0 && !decidingActorIds.includes(alleged)) {
    note(
      'said-by-someone-else',
      `The deciding record was made by ${decidingActorIds.join(', ')}, not ${alleged}`,
    );
  }

  return {
    verdict,
    evidence,
    notes,
    inForce,
    measure,
    decidingActorIds,
    moreDecidingEvents: deciding.length - shown.length,
    checkedAtRevision: index.revision,
  };
}
