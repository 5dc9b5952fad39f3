import { requireAssigned, requireRole } from './access.js';
import type {
  AcceptQuote,
  AccountCommand,
  AgreeExpectations,
  AgreeLeadTime,
  AssessComplaint,
  CorrectEvent,
  DecideRush,
  ExpireQuote,
  GrantSpecialSituation,
  IssueQuote,
  MakePromise,
  OpenAccount,
  PlaceOrder,
  RaiseComplaint,
  ReassignAccount,
  RecordDelivery,
  RecordForecast,
  RecordInvoice,
  RecordPayment,
  RecordPromiseOutcome,
  RecordShipment,
  RequestConcession,
  RequestEscalation,
  RequestRush,
  ReviseQuote,
  StatePaymentTerms,
} from './account.commands.js';
import {
  isAccountEventType,
  type AccountEvent,
  type OrderPlaced,
  type PromiseCategory,
  type QuoteFigures,
} from './account.events.js';
import { complaintOf, invoiceOf, openQuoteOf, orderOf, quoteOf } from './account.lookups.js';
import { accountTier } from './account.metrics.js';
import {
  evolveAccount,
  forecastKey,
  initialAccountState,
  recordEntry,
  type AccountState,
  type OpenAccountState,
} from './account.state.js';
import { addDays, daysBetween, isIsoDate, isIsoMonth, laterOf } from './calendar.js';
import {
  AccountAlreadyOpenError,
  AccountNotOpenError,
  ComplaintAlreadyAssessedError,
  CurrencyMismatchError,
  DuplicateIdError,
  InvoiceAlreadyPaidError,
  NotAssignedError,
  OrderAlreadyDeliveredError,
  OrderAlreadyShippedError,
  OrderNotShippedError,
  PromiseAlreadyClosedError,
  QuoteStillValidError,
  QuoteValidityLapsedError,
  QuoteVersionSupersededError,
  RushAlreadyPendingError,
  RushNotPendingError,
  UnknownPromiseError,
} from './commitments.errors.js';
import { checkTermsContext, judgeConcession, requireTermsReference } from './concession.rules.js';
import {
  catalogueAlternatives,
  judgementOf,
  SPECIAL_SITUATION,
  type AccountDecideContext,
  type Judgement,
} from './decision-context.js';
import { assertNever } from './exhaustive.js';
import {
  grossProfitBps,
  revenueNeededForFloor,
  totalsOfLines,
  type PricedLine,
} from './gross-profit.js';
import { isBps, isCurrencyCode, isMinorAmount, isWholeNumber, type Money } from './money.js';
import { dueDateOf, resolveLeadTime } from './order.rules.js';
import { judgePaymentTerms } from './payment-terms.rules.js';
import { AGREEMENT_KINDS } from './policy.js';
import type { RefusalAlternative } from './refusal.js';
import { allNonBlank, blankToNull, CommandCheck, hasDuplicates, isNonBlank } from './validation.js';

/**
 * The account decider: what may be said to an account, judged against the
 * policy in force, as the events to append to its stream.
 *
 * Before any rule: the actor must hold a writing role (RoleMayNotWriteError),
 * the account must be open (AccountNotOpenError), and a sales or service actor
 * must be assigned to it (NotAssignedError). Malformed commands throw
 * InvalidCommandError listing every offending field; references to things
 * the account does not hold throw their Unknown…Error. Nothing is recorded
 * then. A judged "no" is returned as a refusal event and is recorded.
 */
export function decideAccount(
  command: AccountCommand,
  state: AccountState,
  context: AccountDecideContext,
): AccountEvent[] {
  const j = judgementOf(context);
  if (command.type === 'OpenAccount') return openAccount(command.data, state, j);
  if (state.status !== 'open') throw new AccountNotOpenError();
  requireAssigned(state, j.actor, j.role);
  return decideOnOpenAccount(command, state, j);
}

function decideOnOpenAccount(
  command: Exclude<AccountCommand, OpenAccount>,
  s: OpenAccountState,
  j: Judgement,
): AccountEvent[] {
  switch (command.type) {
    case 'ReassignAccount':
      return reassignAccount(command.data, s, j);
    case 'AgreeExpectations':
      return agreeExpectations(command.data, s, j);
    case 'MakePromise':
      return makePromise(command.data, s);
    case 'RecordPromiseOutcome':
      return recordPromiseOutcome(command.data, s, j);
    case 'IssueQuote':
      return priceQuote('IssueQuote', command.data, s, j);
    case 'ReviseQuote':
      return priceQuote('ReviseQuote', command.data, s, j);
    case 'AcceptQuote':
      return acceptQuote(command.data, s, j);
    case 'ExpireQuote':
      return expireQuote(command.data, s, j);
    case 'StatePaymentTerms':
      return statePaymentTerms(command.data, s, j);
    case 'RequestConcession':
      return requestConcession(command.data, s, j);
    case 'RaiseComplaint':
      return raiseComplaint(command.data, s);
    case 'AssessComplaint':
      return assessComplaint(command.data, s, j);
    case 'AgreeLeadTime':
      return agreeLeadTime(command.data, s, j);
    case 'PlaceOrder':
      return placeOrder(command.data, s, j);
    case 'RequestRush':
      return requestRush(command.data, s);
    case 'DecideRush':
      return decideRush(command.data, s, j);
    case 'RecordShipment':
      return recordShipment(command.data, s);
    case 'RecordDelivery':
      return recordDelivery(command.data, s);
    case 'RequestEscalation':
      return requestEscalation(command.data, s, j);
    case 'RecordForecast':
      return recordForecast(command.data, s);
    case 'RecordInvoice':
      return recordInvoice(command.data, s);
    case 'RecordPayment':
      return recordPayment(command.data, s);
    case 'GrantSpecialSituation':
      return grantSpecialSituation(command.data, s, j);
    case 'CorrectEvent':
      return correctEvent(command.data);
    default:
      return assertNever(command);
  }
}

// ---------------------------------------------------------------- account

/** Sales may open an account only as its owner; managers may open any; service may not. */
function openAccount(data: OpenAccount['data'], state: AccountState, j: Judgement): AccountEvent[] {
  requireRole(j.role, ['sales', 'manager'], 'open an account');
  new CommandCheck('OpenAccount')
    .require(isNonBlank(data.accountId), 'accountId', 'must not be blank')
    .require(isNonBlank(data.name), 'name', 'must not be blank')
    .require(isNonBlank(data.ownerId), 'ownerId', 'must not be blank')
    .require(isNonBlank(data.segment), 'segment', 'must not be blank')
    .require(allNonBlank(data.serviceRepIds), 'serviceRepIds', 'must not contain blanks')
    .require(!hasDuplicates(data.serviceRepIds), 'serviceRepIds', 'must not repeat a rep')
    .done();
  if (state.status === 'open') throw new AccountAlreadyOpenError(state.accountId);
  if (j.role === 'sales' && data.ownerId !== j.actor.id)
    throw new NotAssignedError(j.actor.id, data.accountId);
  const { accountId, name, ownerId, serviceRepIds, segment } = data;
  return [
    {
      type: 'AccountOpened',
      data: { accountId, name, ownerId, serviceRepIds: [...serviceRepIds], segment },
    },
  ];
}

/**
 * A manager may change the owner and the service reps; the owning sales rep
 * may change the service reps only.
 */
function reassignAccount(
  data: ReassignAccount['data'],
  s: OpenAccountState,
  j: Judgement,
): AccountEvent[] {
  const ownerId = data.ownerId ?? s.ownerId;
  const serviceRepIds = data.serviceRepIds ?? [...s.serviceRepIds];
  const ownerChanged = ownerId !== s.ownerId;
  const repsChanged = serviceRepIds.join('\n') !== s.serviceRepIds.join('\n');
  new CommandCheck('ReassignAccount')
    .require(isNonBlank(ownerId), 'ownerId', 'must not be blank')
    .require(allNonBlank(serviceRepIds), 'serviceRepIds', 'must not contain blanks')
    .require(!hasDuplicates(serviceRepIds), 'serviceRepIds', 'must not repeat a rep')
    .require(ownerChanged || repsChanged, 'ownerId', 'and serviceRepIds change nothing')
    .done();
  requireRole(j.role, ['sales', 'manager'], 'reassign an account');
  if (j.role === 'sales' && (ownerChanged || j.actor.id !== s.ownerId)) {
    requireRole(
      j.role,
      ['manager'],
      ownerChanged ? "change an account's owner" : 'reassign an account it does not own',
    );
  }
  return [
    {
      type: 'AccountReassigned',
      data: {
        previousOwnerId: s.ownerId,
        ownerId,
        previousServiceRepIds: [...s.serviceRepIds],
        serviceRepIds,
        reason: blankToNull(data.reason),
      },
    },
  ];
}

/** Sales or manager: these answers bind the company, so they are agreed by whoever owns the relationship. */
function agreeExpectations(
  data: AgreeExpectations['data'],
  s: OpenAccountState,
  j: Judgement,
): AccountEvent[] {
  requireRole(j.role, ['sales', 'manager'], 'agree expectations');
  const units = ['bps', 'hours', 'days'];
  const check = new CommandCheck('AgreeExpectations')
    .require(
      data.mustDo.length + data.mustNeverDo.length > 0,
      'mustDo',
      'and mustNeverDo must not both be empty',
    )
    .require(allNonBlank(data.mustDo), 'mustDo', 'must not contain blanks')
    .require(allNonBlank(data.mustNeverDo), 'mustNeverDo', 'must not contain blanks')
    .require(isNonBlank(data.ifWeSlipOnce), 'ifWeSlipOnce', 'must not be blank');
  data.serviceLevels.forEach((level, i) => {
    check
      .require(isNonBlank(level.metric), `serviceLevels[${i}].metric`, 'must not be blank')
      .require(
        units.includes(level.unit),
        `serviceLevels[${i}].unit`,
        `must be one of ${units.join(', ')}`,
      )
      .require(
        level.unit === 'bps' ? isBps(level.target) : isWholeNumber(level.target),
        `serviceLevels[${i}].target`,
        level.unit === 'bps'
          ? 'must be a whole number of bps in 0..10000'
          : 'must be a whole number, 0 or more',
      );
  });
  check.done();
  return [
    {
      type: 'ExpectationsAgreed',
      data: {
        version: (s.expectations?.version ?? 0) + 1,
        mustDo: [...data.mustDo],
        mustNeverDo: [...data.mustNeverDo],
        ifWeSlipOnce: data.ifWeSlipOnce,
        serviceLevels: data.serviceLevels.map((l) => ({ ...l })),
      },
    },
  ];
}

// ---------------------------------------------------------------- promises

const PROMISE_CATEGORIES: readonly PromiseCategory[] = [
  'delivery',
  'price',
  'quality',
  'service',
  'documentation',
  'other',
];

function makePromise(data: MakePromise['data'], s: OpenAccountState): AccountEvent[] {
  new CommandCheck('MakePromise')
    .require(isNonBlank(data.promiseId), 'promiseId', 'must not be blank')
    .require(
      PROMISE_CATEGORIES.includes(data.category),
      'category',
      `must be one of ${PROMISE_CATEGORIES.join(', ')}`,
    )
    .require(isNonBlank(data.text), 'text', 'must not be blank')
    .require(isIsoDate(data.dueDate), 'dueDate', 'must be a YYYY-MM-DD date')
    .require(
      ['order', 'quote', 'contract'].includes(data.scope.kind),
      'scope.kind',
      'must be order, quote or contract',
    )
    .require(isNonBlank(data.scope.id), 'scope.id', 'must not be blank')
    .done();
  if (recordEntry(s, 'promises', data.promiseId) !== undefined)
    throw new DuplicateIdError('promise', data.promiseId);
  const { promiseId, category, text, dueDate, scope } = data;
  return [
    {
      type: 'PromiseMade',
      data: { promiseId, category, text, dueDate, scope: { kind: scope.kind, id: scope.id } },
    },
  ];
}

/** The original promise stays; its outcome is a new event. A closed promise gets no second outcome. */
function recordPromiseOutcome(
  data: RecordPromiseOutcome['data'],
  s: OpenAccountState,
  j: Judgement,
): AccountEvent[] {
  const on = data.on ?? j.today;
  const note = blankToNull(data.note);
  new CommandCheck('RecordPromiseOutcome')
    .require(
      ['kept', 'broken', 'withdrawn'].includes(data.outcome),
      'outcome',
      'must be kept, broken or withdrawn',
    )
    .require(isIsoDate(on), 'on', 'must be a YYYY-MM-DD date')
    .require(
      data.outcome === 'kept' || note !== null,
      'note',
      `must give the reason a promise is ${data.outcome}`,
    )
    .done();
  const promise = recordEntry(s, 'promises', data.promiseId);
  if (promise === undefined) throw new UnknownPromiseError(data.promiseId);
  if (promise.status !== 'open')
    throw new PromiseAlreadyClosedError(promise.promiseId, promise.status);
  const { promiseId, dueDate } = promise;
  switch (data.outcome) {
    case 'kept':
      return [
        {
          type: 'PromiseKept',
          data: { promiseId, keptOn: on, dueDate, onTime: on <= dueDate, note },
        },
      ];
    case 'broken':
      return [
        { type: 'PromiseBroken', data: { promiseId, brokenOn: on, dueDate, reason: note ?? '' } },
      ];
    case 'withdrawn':
      return [
        { type: 'PromiseWithdrawn', data: { promiseId, withdrawnOn: on, reason: note ?? '' } },
      ];
    default:
      return assertNever(data.outcome);
  }
}

// ---------------------------------------------------------------- quotes

function checkLines(
  check: CommandCheck,
  lines: readonly PricedLine[] | null | undefined,
  field: string,
): void {
  if (lines === null || lines === undefined) return;
  check.require(lines.length > 0, field, 'must have at least one line');
  lines.forEach((line, i) => {
    check
      .require(isNonBlank(line.sku), `${field}[${i}].sku`, 'must not be blank')
      .require(
        isWholeNumber(line.quantity, 1),
        `${field}[${i}].quantity`,
        'must be a whole number above 0',
      )
      .require(
        isMinorAmount(line.unitPriceMinor),
        `${field}[${i}].unitPriceMinor`,
        'must be a whole number of minor units, 0 or more',
      )
      .require(
        isMinorAmount(line.unitCostMinor),
        `${field}[${i}].unitCostMinor`,
        'must be a whole number of minor units, 0 or more',
      );
  });
}

/**
 * Issues a quote or a new version of it, or refuses it below the floor. GP is
 * computed here from the lines, never taken from the caller. A refused revision
 * leaves the current version in force; a refused new quote leaves the id free.
 */
function priceQuote(
  command: 'IssueQuote' | 'ReviseQuote',
  data: IssueQuote['data'] | ReviseQuote['data'],
  s: OpenAccountState,
  j: Judgement,
): AccountEvent[] {
  const check = new CommandCheck(command)
    .require(isNonBlank(data.quoteId), 'quoteId', 'must not be blank')
    .require(isCurrencyCode(data.currency), 'currency', 'must be an ISO 4217 code')
    .require(isIsoDate(data.validUntil), 'validUntil', 'must be a YYYY-MM-DD date')
    .require(
      !isIsoDate(data.validUntil) || data.validUntil >= j.today,
      'validUntil',
      `must not be before today (${j.today})`,
    );
  checkLines(check, data.lines, 'lines');
  check.done();
  const totals = totalsOfLines(data.lines);
  new CommandCheck(command)
    .require(totals.revenueMinor > 0, 'lines', 'must add up to some revenue')
    .done();

  const existing = recordEntry(s, 'quotes', data.quoteId);
  if (command === 'IssueQuote' && existing !== undefined)
    throw new DuplicateIdError('quote', data.quoteId);
  const previous = command === 'ReviseQuote' ? openQuoteOf(s, data.quoteId) : null;
  const version = (previous?.version ?? 0) + 1;

  const floorBps = j.policy.grossProfitFloorBps;
  const gpBps = grossProfitBps(totals.revenueMinor, totals.costMinor);
  const grossProfitMinor = totals.revenueMinor - totals.costMinor;
  const lines = data.lines.map((l) => ({ ...l }));
  const { quoteId, currency, validUntil, terms } = data;

  if (gpBps < floorBps) {
    const needed = revenueNeededForFloor(totals.costMinor, floorBps);
    const priceAtFloor: RefusalAlternative[] =
      needed === null ? [] : [{ kind: 'price-at-floor', revenueMinor: needed }];
    return [
      {
        type: 'QuoteRefusedBelowFloor',
        data: {
          quoteId,
          version,
          revisionOf: previous?.version ?? null,
          currency,
          lines,
          validUntil,
          terms,
          rule: 'below-gp-floor',
          detail: `Gross profit of ${gpBps} bps is below the ${floorBps} bps floor`,
          figures: {
            revenueMinor: totals.revenueMinor,
            costMinor: totals.costMinor,
            grossProfitMinor,
            grossProfitBps: gpBps,
            floorBps,
            ...(needed === null ? {} : { revenueNeededAtFloorMinor: needed }),
          },
          alternatives: [...priceAtFloor, ...catalogueAlternatives(j)],
          policyVersion: j.policy.version,
        },
      },
    ];
  }
  const figures: QuoteFigures = {
    quoteId,
    version,
    currency,
    lines,
    validUntil,
    terms,
    revenueMinor: totals.revenueMinor,
    costMinor: totals.costMinor,
    grossProfitMinor,
    grossProfitBps: gpBps,
    floorBps,
    policyVersion: j.policy.version,
  };
  return previous === null
    ? [{ type: 'QuoteIssued', data: figures }]
    : [{ type: 'QuoteRevised', data: { ...figures, previousVersion: previous.version } }];
}

/** Only the current version, while open and valid (through its validUntil day). */
function acceptQuote(data: AcceptQuote['data'], s: OpenAccountState, j: Judgement): AccountEvent[] {
  new CommandCheck('AcceptQuote')
    .require(isWholeNumber(data.version, 1), 'version', 'must be a whole number above 0')
    .done();
  const quote = openQuoteOf(s, data.quoteId);
  if (data.version !== quote.version)
    throw new QuoteVersionSupersededError(quote.quoteId, data.version, quote.version);
  if (j.today > quote.validUntil)
    throw new QuoteValidityLapsedError(quote.quoteId, quote.validUntil, j.today);
  return [
    {
      type: 'QuoteAccepted',
      data: { quoteId: quote.quoteId, version: quote.version, acceptedOn: j.today },
    },
  ];
}

function expireQuote(data: ExpireQuote['data'], s: OpenAccountState, j: Judgement): AccountEvent[] {
  const quote = openQuoteOf(s, data.quoteId);
  if (j.today <= quote.validUntil)
    throw new QuoteStillValidError(quote.quoteId, quote.validUntil, j.today);
  return [
    {
      type: 'QuoteExpired',
      data: { quoteId: quote.quoteId, version: quote.version, validUntil: quote.validUntil },
    },
  ];
}

// ---------------------------------------------------------------- payment terms

function statePaymentTerms(
  data: StatePaymentTerms['data'],
  s: OpenAccountState,
  j: Judgement,
): AccountEvent[] {
  const discount = data.earlyPaymentDiscount ?? null;
  const context = { kind: data.context.kind, referenceId: blankToNull(data.context.referenceId) };
  const check = new CommandCheck('StatePaymentTerms').require(
    isWholeNumber(data.netDays),
    'netDays',
    'must be a whole number of days, 0 or more',
  );
  if (discount !== null) {
    check
      .require(
        isBps(discount.bps, 1),
        'earlyPaymentDiscount.bps',
        'must be a whole number of bps in 1..10000',
      )
      .require(
        isWholeNumber(discount.withinDays),
        'earlyPaymentDiscount.withinDays',
        'must be a whole number of days',
      )
      .require(
        discount.withinDays <= data.netDays,
        'earlyPaymentDiscount.withinDays',
        'must not be beyond netDays',
      );
  }
  checkTermsContext(check, context, 'context');
  check.done();
  requireTermsReference(s, context);
  const earlyPaymentDiscount =
    discount === null ? null : { bps: discount.bps, withinDays: discount.withinDays };
  const refusal = judgePaymentTerms(data.netDays, earlyPaymentDiscount, s, j);
  const base = {
    netDays: data.netDays,
    earlyPaymentDiscount,
    context,
    policyVersion: j.policy.version,
  };
  return refusal === null
    ? [{ type: 'PaymentTermsStated', data: base }]
    : [{ type: 'PaymentTermsRefused', data: { ...base, ...refusal } }];
}

// ---------------------------------------------------------------- concessions

function requestConcession(
  data: RequestConcession['data'],
  s: OpenAccountState,
  j: Judgement,
): AccountEvent[] {
  new CommandCheck('RequestConcession')
    .require(isNonBlank(data.concessionId), 'concessionId', 'must not be blank')
    .done();
  if (recordEntry(s, 'concessions', data.concessionId) !== undefined)
    throw new DuplicateIdError('concession', data.concessionId);
  const tier = accountTier(s, j.policy, j.today);
  const verdict = judgeConcession(
    data.request,
    s,
    j,
    tier,
    blankToNull(data.specialSituationReason),
  );
  const common = {
    concessionId: data.concessionId,
    kind: data.request.kind,
    request: data.request,
    tierCode: tier.code,
    policyVersion: j.policy.version,
  };
  if (verdict.outcome === 'granted') {
    const { grossProfitImpact, figures, specialSituation } = verdict;
    return [
      {
        type: 'ConcessionGranted',
        data: { ...common, grossProfitImpact, figures, specialSituation },
      },
    ];
  }
  const { rule, detail, figures, alternatives } = verdict;
  return [{ type: 'ConcessionRefused', data: { ...common, rule, detail, figures, alternatives } }];
}

// ---------------------------------------------------------------- complaints

function raiseComplaint(data: RaiseComplaint['data'], s: OpenAccountState): AccountEvent[] {
  const orderId = blankToNull(data.orderId);
  new CommandCheck('RaiseComplaint')
    .require(isNonBlank(data.complaintId), 'complaintId', 'must not be blank')
    .require(isNonBlank(data.about), 'about', 'must not be blank')
    .done();
  if (recordEntry(s, 'complaints', data.complaintId) !== undefined)
    throw new DuplicateIdError('complaint', data.complaintId);
  if (orderId !== null) orderOf(s, orderId);
  return [
    {
      type: 'ComplaintRaised',
      data: { complaintId: data.complaintId, about: data.about, orderId },
    },
  ];
}

/** Sales or manager. An assessment stands; a wrong one is corrected with CorrectEvent and a new complaint. */
function assessComplaint(
  data: AssessComplaint['data'],
  s: OpenAccountState,
  j: Judgement,
): AccountEvent[] {
  requireRole(j.role, ['sales', 'manager'], 'assess a complaint');
  new CommandCheck('AssessComplaint')
    .require(isNonBlank(data.reason), 'reason', 'must say why')
    .done();
  const complaint = complaintOf(s, data.complaintId);
  if (complaint.assessment !== null) throw new ComplaintAlreadyAssessedError(complaint.complaintId);
  return [
    {
      type: 'ComplaintAssessed',
      data: {
        complaintId: complaint.complaintId,
        legitimate: data.legitimate,
        reason: data.reason,
      },
    },
  ];
}

// ---------------------------------------------------------------- lead times and orders

/**
 * Sales or manager. Without a lead time the policy default for the kind
 * applies. A lead time shorter than that default commits capacity the policy
 * did not plan for: only a manager may agree it; anyone else is refused.
 */
function agreeLeadTime(
  data: AgreeLeadTime['data'],
  s: OpenAccountState,
  j: Judgement,
): AccountEvent[] {
  requireRole(j.role, ['sales', 'manager'], 'agree a lead time');
  const skus = data.skus ?? null;
  const to = data.to ?? null;
  new CommandCheck('AgreeLeadTime')
    .require(isNonBlank(data.agreementId), 'agreementId', 'must not be blank')
    .require(
      AGREEMENT_KINDS.includes(data.kind),
      'kind',
      `must be one of ${AGREEMENT_KINDS.join(', ')}`,
    )
    .require(
      data.leadTimeDays === null ||
        data.leadTimeDays === undefined ||
        isWholeNumber(data.leadTimeDays),
      'leadTimeDays',
      'must be a whole number of days, 0 or more',
    )
    .require(
      skus === null || (skus.length > 0 && allNonBlank(skus)),
      'skus',
      'must be null or list SKUs',
    )
    .require(skus === null || !hasDuplicates(skus), 'skus', 'must not repeat a SKU')
    .require(isIsoDate(data.from), 'from', 'must be a YYYY-MM-DD date')
    .require(
      to === null || (isIsoDate(to) && to >= data.from),
      'to',
      'must be null or a date not before from',
    )
    .done();
  if (s.leadTimeAgreements.some((a) => a.agreementId === data.agreementId)) {
    throw new DuplicateIdError('lead-time-agreement', data.agreementId);
  }
  const policyDefaultDays = j.policy.defaultLeadTimeDays[data.kind];
  const leadTimeDays = data.leadTimeDays ?? policyDefaultDays;
  const agreed = {
    agreementId: data.agreementId,
    kind: data.kind,
    leadTimeDays,
    skus: skus === null ? null : [...skus],
    from: data.from,
    to,
  };
  if (leadTimeDays < policyDefaultDays && j.role !== 'manager') {
    return [
      {
        type: 'LeadTimeAgreementRefused',
        data: {
          ...agreed,
          rule: 'lead-time-below-policy-default',
          detail: `${leadTimeDays} days is shorter than the policy's ${policyDefaultDays} days for ${data.kind} agreements; only a manager may agree it`,
          figures: { leadTimeDays, policyDefaultDays },
          alternatives: [
            { kind: 'lead-time', leadTimeDays: policyDefaultDays },
            { kind: 'refer-to', role: 'manager', actorIds: [] },
          ],
          policyVersion: j.policy.version,
        },
      },
    ];
  }
  return [
    {
      type: 'LeadTimeAgreed',
      data: { ...agreed, policyDefaultDays, policyVersion: j.policy.version },
    },
  ];
}

/**
 * Records an order as placed. One whose requested date falls inside its lead
 * time is recorded all the same and flagged (insideLeadTime, shortByDays): a
 * rush is only ever its own decision. Orders are not refused for margin.
 */
function placeOrder(data: PlaceOrder['data'], s: OpenAccountState, j: Judgement): AccountEvent[] {
  const lines = data.lines ?? null;
  const value = data.value ?? null;
  const quoteId = blankToNull(data.quoteId);
  const check = new CommandCheck('PlaceOrder')
    .require(isNonBlank(data.orderId), 'orderId', 'must not be blank')
    .require(isCurrencyCode(data.currency), 'currency', 'must be an ISO 4217 code')
    .require((lines === null) !== (value === null), 'lines', 'or value must be given, not both')
    .require(isIsoDate(data.placedOn), 'placedOn', 'must be a YYYY-MM-DD date')
    .require(
      isIsoDate(data.requestedDeliveryDate),
      'requestedDeliveryDate',
      'must be a YYYY-MM-DD date',
    )
    .require(
      data.requestedDeliveryDate >= data.placedOn,
      'requestedDeliveryDate',
      'must not be before placedOn',
    );
  checkLines(check, lines, 'lines');
  if (value !== null) {
    check
      .require(
        isMinorAmount(value.revenueMinor),
        'value.revenueMinor',
        'must be a whole number of minor units',
      )
      .require(
        isMinorAmount(value.costMinor),
        'value.costMinor',
        'must be a whole number of minor units',
      );
  }
  check.done();
  const totals =
    lines !== null
      ? totalsOfLines(lines)
      : { revenueMinor: value?.revenueMinor ?? 0, costMinor: value?.costMinor ?? 0 };
  new CommandCheck('PlaceOrder')
    .require(totals.revenueMinor > 0, 'value', 'must have some revenue')
    .done();
  if (recordEntry(s, 'orders', data.orderId) !== undefined)
    throw new DuplicateIdError('order', data.orderId);
  if (quoteId !== null) quoteOf(s, quoteId);

  const { leadTimeDays, source } = resolveLeadTime(s, j.policy, lines, data.placedOn);
  const earliestDeliveryDate = addDays(data.placedOn, leadTimeDays);
  const shortByDays = Math.max(0, daysBetween(data.requestedDeliveryDate, earliestDeliveryDate));
  const tier = accountTier(s, j.policy, j.today);
  const threshold = tier.entitlements.freeFreightThresholdMinor;
  const floorBps = j.policy.grossProfitFloorBps;
  const gpBps = grossProfitBps(totals.revenueMinor, totals.costMinor);
  const placed: OrderPlaced['data'] = {
    orderId: data.orderId,
    quoteId,
    currency: data.currency,
    lines: lines === null ? null : lines.map((l) => ({ ...l })),
    revenueMinor: totals.revenueMinor,
    costMinor: totals.costMinor,
    grossProfitMinor: totals.revenueMinor - totals.costMinor,
    grossProfitBps: gpBps,
    floorBps,
    belowFloor: gpBps < floorBps,
    placedOn: data.placedOn,
    requestedDeliveryDate: data.requestedDeliveryDate,
    leadTimeDays,
    leadTimeSource: source,
    earliestDeliveryDate,
    insideLeadTime: shortByDays > 0,
    shortByDays,
    freeFreightByTier:
      threshold !== null && data.currency === j.policy.currency && totals.revenueMinor >= threshold,
    tierCode: tier.code,
    policyVersion: j.policy.version,
  };
  return [{ type: 'OrderPlaced', data: placed }];
}

/** Anyone may put a customer's rush request on the record; it waits for a decision by sales or a manager. */
function requestRush(data: RequestRush['data'], s: OpenAccountState): AccountEvent[] {
  new CommandCheck('RequestRush')
    .require(
      isIsoDate(data.requestedDeliveryDate),
      'requestedDeliveryDate',
      'must be a YYYY-MM-DD date',
    )
    .require(isNonBlank(data.reason), 'reason', 'must not be blank')
    .done();
  const order = orderOf(s, data.orderId);
  if (order.delivery !== null || order.shipments.length > 0)
    throw new OrderAlreadyShippedError(order.orderId);
  if (order.rush.status === 'requested') throw new RushAlreadyPendingError(order.orderId);
  new CommandCheck('RequestRush')
    .require(
      data.requestedDeliveryDate >= order.placedOn,
      'requestedDeliveryDate',
      'must not be before the order was placed',
    )
    .done();
  return [
    {
      type: 'RushRequested',
      data: {
        orderId: order.orderId,
        requestedDeliveryDate: data.requestedDeliveryDate,
        reason: data.reason,
        earliestDeliveryDate: order.earliestDeliveryDate,
        shortByDays: Math.max(
          0,
          daysBetween(data.requestedDeliveryDate, order.earliestDeliveryDate),
        ),
      },
    },
  ];
}

/** Sales or manager decide; a refusal is recorded with the date the order is due without a rush. */
function decideRush(data: DecideRush['data'], s: OpenAccountState, j: Judgement): AccountEvent[] {
  requireRole(j.role, ['sales', 'manager'], 'decide a rush');
  const reason = blankToNull(data.reason);
  const committed = blankToNull(data.committedDeliveryDate);
  new CommandCheck('DecideRush')
    .require(data.approve || reason !== null, 'reason', 'must say why a rush is declined')
    .require(
      committed === null || isIsoDate(committed),
      'committedDeliveryDate',
      'must be a YYYY-MM-DD date',
    )
    .done();
  const order = orderOf(s, data.orderId);
  if (order.rush.status !== 'requested') throw new RushNotPendingError(order.orderId);
  const requestedDeliveryDate = order.rush.requestedDeliveryDate;
  if (data.approve) {
    const committedDeliveryDate = committed ?? requestedDeliveryDate;
    new CommandCheck('DecideRush')
      .require(
        committedDeliveryDate >= order.placedOn,
        'committedDeliveryDate',
        'must not be before the order was placed',
      )
      .done();
    return [
      {
        type: 'RushApproved',
        data: {
          orderId: order.orderId,
          requestedDeliveryDate,
          committedDeliveryDate,
          reason,
          leadTimeDays: order.leadTimeDays,
          shortByDays: Math.max(0, daysBetween(committedDeliveryDate, order.earliestDeliveryDate)),
          policyVersion: j.policy.version,
        },
      },
    ];
  }
  return [
    {
      type: 'RushRefused',
      data: {
        orderId: order.orderId,
        requestedDeliveryDate,
        rule: 'rush-declined',
        detail: reason ?? '',
        figures: {
          leadTimeDays: order.leadTimeDays,
          shortByDays: Math.max(0, daysBetween(requestedDeliveryDate, order.earliestDeliveryDate)),
        },
        alternatives: [
          {
            kind: 'delivery-date',
            date: laterOf(order.requestedDeliveryDate, order.earliestDeliveryDate),
          },
        ],
        policyVersion: j.policy.version,
      },
    },
  ];
}

function recordShipment(data: RecordShipment['data'], s: OpenAccountState): AccountEvent[] {
  new CommandCheck('RecordShipment')
    .require(isNonBlank(data.shipmentId), 'shipmentId', 'must not be blank')
    .require(isIsoDate(data.shippedOn), 'shippedOn', 'must be a YYYY-MM-DD date')
    .done();
  const order = orderOf(s, data.orderId);
  if (order.delivery !== null) throw new OrderAlreadyDeliveredError(order.orderId);
  if (order.shipments.some((sh) => sh.shipmentId === data.shipmentId))
    throw new DuplicateIdError('shipment', data.shipmentId);
  new CommandCheck('RecordShipment')
    .require(
      data.shippedOn >= order.placedOn,
      'shippedOn',
      'must not be before the order was placed',
    )
    .done();
  return [
    {
      type: 'ShipmentRecorded',
      data: { orderId: order.orderId, shipmentId: data.shipmentId, shippedOn: data.shippedOn },
    },
  ];
}

/** Judges on-time against the order's due date (see dueDateOf) as it stands at delivery. */
function recordDelivery(data: RecordDelivery['data'], s: OpenAccountState): AccountEvent[] {
  new CommandCheck('RecordDelivery')
    .require(isIsoDate(data.deliveredOn), 'deliveredOn', 'must be a YYYY-MM-DD date')
    .done();
  const order = orderOf(s, data.orderId);
  if (order.delivery !== null) throw new OrderAlreadyDeliveredError(order.orderId);
  const firstShipped = order.shipments.map((sh) => sh.shippedOn).sort()[0];
  if (firstShipped === undefined) throw new OrderNotShippedError(order.orderId);
  new CommandCheck('RecordDelivery')
    .require(
      data.deliveredOn >= firstShipped,
      'deliveredOn',
      `must not be before the first shipment (${firstShipped})`,
    )
    .done();
  const { dueDate, basis } = dueDateOf(order);
  const daysLate = Math.max(0, daysBetween(dueDate, data.deliveredOn));
  return [
    {
      type: 'OrderDelivered',
      data: {
        orderId: order.orderId,
        deliveredOn: data.deliveredOn,
        dueDate,
        dueDateBasis: basis,
        onTime: daysLate === 0,
        daysLate,
      },
    },
  ];
}

// ---------------------------------------------------------------- escalation

/**
 * "I want your manager": recorded, then answered at once with the chain's
 * answer. The chain (service → sales) ends at the account's sales rep; the
 * request is never routed upward. The rep's own words may replace the standard answer.
 */
function requestEscalation(
  data: RequestEscalation['data'],
  s: OpenAccountState,
  j: Judgement,
): AccountEvent[] {
  new CommandCheck('RequestEscalation')
    .require(isNonBlank(data.escalationId), 'escalationId', 'must not be blank')
    .require(isNonBlank(data.askedFor), 'askedFor', 'must not be blank')
    .require(isNonBlank(data.reason), 'reason', 'must not be blank')
    .done();
  if (s.escalationIds.includes(data.escalationId))
    throw new DuplicateIdError('escalation', data.escalationId);
  const chain = [...j.policy.escalationChain];
  const endRole = chain[chain.length - 1] ?? 'sales';
  const actorIds = endRole === 'sales' ? [s.ownerId] : [...s.serviceRepIds];
  const answer =
    blankToNull(data.answer) ??
    `Your request is on the record. The escalation chain for this account is ${chain.join(' → ')}; ` +
      `it ends with ${endRole === 'sales' ? 'your sales representative' : 'your service representatives'} ` +
      `(${actorIds.join(', ')}), who will answer you. It is not routed further.`;
  return [
    {
      type: 'EscalationRequested',
      data: { escalationId: data.escalationId, askedFor: data.askedFor, reason: data.reason },
    },
    {
      type: 'EscalationAnswered',
      data: {
        escalationId: data.escalationId,
        chain,
        endOfChain: { role: endRole, actorIds },
        answer,
        policyVersion: j.policy.version,
      },
    },
  ];
}

// ---------------------------------------------------------------- forecasts, invoices, payments

function recordForecast(data: RecordForecast['data'], s: OpenAccountState): AccountEvent[] {
  new CommandCheck('RecordForecast')
    .require(isIsoMonth(data.period), 'period', 'must be a YYYY-MM month')
    .require(isNonBlank(data.sku), 'sku', 'must not be blank')
    .require(isWholeNumber(data.quantity), 'quantity', 'must be a whole number, 0 or more')
    .done();
  const previous = recordEntry(s, 'forecasts', forecastKey(data.period, data.sku));
  return [
    {
      type: 'ForecastReceived',
      data: {
        period: data.period,
        sku: data.sku,
        quantity: data.quantity,
        previousQuantity: previous?.quantity ?? null,
      },
    },
  ];
}

function checkAmount(check: CommandCheck, amount: Money, field: string): CommandCheck {
  return check
    .require(isCurrencyCode(amount.currency), `${field}.currency`, 'must be an ISO 4217 code')
    .require(
      isWholeNumber(amount.amountMinor, 1),
      `${field}.amountMinor`,
      'must be a whole number of minor units above 0',
    );
}

function recordInvoice(data: RecordInvoice['data'], s: OpenAccountState): AccountEvent[] {
  const orderId = blankToNull(data.orderId);
  const check = new CommandCheck('RecordInvoice')
    .require(isNonBlank(data.invoiceId), 'invoiceId', 'must not be blank')
    .require(isIsoDate(data.issuedOn), 'issuedOn', 'must be a YYYY-MM-DD date')
    .require(
      isIsoDate(data.dueDate) && data.dueDate >= data.issuedOn,
      'dueDate',
      'must be a date not before issuedOn',
    );
  checkAmount(check, data.amount, 'amount').done();
  if (recordEntry(s, 'invoices', data.invoiceId) !== undefined)
    throw new DuplicateIdError('invoice', data.invoiceId);
  if (orderId !== null) orderOf(s, orderId);
  const { invoiceId, amount, issuedOn, dueDate } = data;
  return [
    {
      type: 'InvoiceIssued',
      data: {
        invoiceId,
        amount: { amountMinor: amount.amountMinor, currency: amount.currency },
        issuedOn,
        dueDate,
        orderId,
      },
    },
  ];
}

/** Partial payments add up; the one that clears the balance settles the invoice. Overpayment is not accepted. */
function recordPayment(data: RecordPayment['data'], s: OpenAccountState): AccountEvent[] {
  const check = new CommandCheck('RecordPayment')
    .require(isNonBlank(data.paymentId), 'paymentId', 'must not be blank')
    .require(isIsoDate(data.paidOn), 'paidOn', 'must be a YYYY-MM-DD date');
  checkAmount(check, data.amount, 'amount').done();
  if (recordEntry(s, 'payments', data.paymentId) !== undefined)
    throw new DuplicateIdError('payment', data.paymentId);
  const invoice = invoiceOf(s, data.invoiceId);
  if (data.amount.currency !== invoice.amount.currency) {
    throw new CurrencyMismatchError('payment', invoice.amount.currency, data.amount.currency);
  }
  if (invoice.settledOn !== null) throw new InvoiceAlreadyPaidError(invoice.invoiceId);
  const outstanding = invoice.amount.amountMinor - invoice.paidMinor;
  new CommandCheck('RecordPayment')
    .require(
      data.amount.amountMinor <= outstanding,
      'amount.amountMinor',
      `must not exceed the ${outstanding} outstanding`,
    )
    .done();
  const outstandingMinor = outstanding - data.amount.amountMinor;
  return [
    {
      type: 'PaymentReceived',
      data: {
        paymentId: data.paymentId,
        invoiceId: invoice.invoiceId,
        amount: { amountMinor: data.amount.amountMinor, currency: data.amount.currency },
        paidOn: data.paidOn,
        outstandingMinor,
        settlesInvoice: outstandingMinor === 0,
        daysLate: Math.max(0, daysBetween(invoice.dueDate, data.paidOn)),
      },
    },
  ];
}

// ---------------------------------------------------------------- special situations and corrections

/**
 * An entitlement outside the account's tier: granted only to a manager with a
 * reason, and counted. Anyone else — or a manager without a reason — gets a
 * recorded refusal. Figures: specialSituationsSoFar.
 */
function grantSpecialSituation(
  data: GrantSpecialSituation['data'],
  s: OpenAccountState,
  j: Judgement,
): AccountEvent[] {
  new CommandCheck('GrantSpecialSituation')
    .require(isNonBlank(data.situationId), 'situationId', 'must not be blank')
    .require(isNonBlank(data.entitlement), 'entitlement', 'must not be blank')
    .done();
  if (recordEntry(s, 'specialSituationIds', data.situationId) !== undefined) {
    throw new DuplicateIdError('special-situation', data.situationId);
  }
  const reason = blankToNull(data.reason);
  const tierCode = accountTier(s, j.policy, j.today).code;
  const base = { situationId: data.situationId, entitlement: data.entitlement, tierCode };
  const refusal = (
    rule: 'special-situation-needs-manager' | 'special-situation-needs-reason',
    detail: string,
  ): AccountEvent[] => [
    {
      type: 'SpecialSituationRefused',
      data: {
        ...base,
        reason,
        rule,
        detail,
        figures: { specialSituationsSoFar: s.counts.specialSituations },
        alternatives: [SPECIAL_SITUATION],
        policyVersion: j.policy.version,
      },
    },
  ];
  if (j.role !== 'manager') {
    return refusal(
      'special-situation-needs-manager',
      `Only a manager may grant a special situation, not ${j.role}`,
    );
  }
  if (reason === null)
    return refusal(
      'special-situation-needs-reason',
      'A special situation needs a reason on the record',
    );
  return [
    { type: 'SpecialSituationGranted', data: { ...base, reason, policyVersion: j.policy.version } },
  ];
}

/**
 * The corrected event's id is taken as given: the decider sees business data
 * only, never envelope ids, so the application checks the id is in the stream.
 */
function correctEvent(data: CorrectEvent['data']): AccountEvent[] {
  new CommandCheck('CorrectEvent')
    .require(isNonBlank(data.correctedEventId), 'correctedEventId', 'must not be blank')
    .require(isNonBlank(data.reason), 'reason', 'must not be blank')
    .done();
  return [
    {
      type: 'EventCorrected',
      data: {
        correctedEventId: data.correctedEventId,
        reason: data.reason,
        correction: blankToNull(data.correction),
      },
    },
  ];
}

// The fold lives in account.state.ts; re-exported so the decider module is the one place to import all three from.
export { evolveAccount, initialAccountState, isAccountEventType };

/** The three functions of the account decider, for the one generic command handler. */
export const accountDecider = {
  initialState: initialAccountState,
  decide: decideAccount,
  evolve: evolveAccount,
};
