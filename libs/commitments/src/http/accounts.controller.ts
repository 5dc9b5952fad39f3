import { randomUUID } from 'node:crypto';
import { Body, Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller, Roles } from '@onrecord/access';
import type { ConcessionRequest, TermsContext } from '../domain/account.events.js';
import { assertNever } from '../domain/exhaustive.js';
import { WRITER_ROLES } from '../domain/policy.js';
import { type RecordingResult } from '../application/account-commands.service.js';
import { AccountHttp } from './account-http.js';
import {
  AcceptQuoteDto,
  AccountParams,
  AgreeExpectationsDto,
  AgreeLeadTimeDto,
  AssessComplaintDto,
  ComplaintParams,
  ConcessionRequestDto,
  CorrectEventDto,
  DecideRushDto,
  ExpireQuoteDto,
  GrantSpecialSituationDto,
  IssueQuoteDto,
  MakePromiseDto,
  OpenAccountDto,
  OrderParams,
  PlaceOrderDto,
  PromiseParams,
  QuoteParams,
  RaiseComplaintDto,
  ReassignAccountDto,
  RecordDeliveryDto,
  RecordForecastDto,
  RecordInvoiceDto,
  RecordPaymentDto,
  RecordPromiseOutcomeDto,
  RecordShipmentDto,
  RequestConcessionDto,
  RequestEscalationDto,
  RequestRushDto,
  ReviseQuoteDto,
  StatePaymentTermsDto,
  TermsContextDto,
} from './account-commands.dto.js';
import type { RecordingDto } from './recording.dto.js';

/** A body's command data, as plain JSON: the DTO without its recording fields. */
type Data<D extends RecordingDto> = Omit<D, keyof RecordingDto>;

function toTermsContext(context: TermsContextDto): TermsContext {
  return { kind: context.kind, referenceId: context.referenceId ?? null };
}

/**
 * The exact union member for the request's kind, absent optionals as null.
 * The DTO has already required each kind's own fields (and refused the
 * others'), so the `!` only restates what validation proved.
 */
function toConcessionRequest(r: ConcessionRequestDto): ConcessionRequest {
  switch (r.kind) {
    case 'price_discount':
      return {
        kind: r.kind,
        target: { kind: r.target!.kind, id: r.target!.id },
        discountBps: r.discountBps!,
      };
    case 'freight_paid':
      return {
        kind: r.kind,
        orderId: r.orderId!,
        complaintId: r.complaintId ?? null,
        freightCost: r.freightCost!,
      };
    case 'expedite':
      return { kind: r.kind, orderId: r.orderId!, expediteCost: r.expediteCost! };
    case 'extended_terms':
      return { kind: r.kind, netDays: r.netDays!, context: toTermsContext(r.context!) };
    case 'rebate':
      return { kind: r.kind, rebateBps: r.rebateBps! };
    case 'credit':
      return {
        kind: r.kind,
        amount: r.amount!,
        orderId: r.orderId ?? null,
        complaintId: r.complaintId ?? null,
      };
    case 'other':
      return {
        kind: r.kind,
        description: r.description!,
        catalogueCode: r.catalogueCode ?? null,
        cost: r.cost ?? null,
      };
    default:
      return assertNever(r.kind);
  }
}

/**
 * Everything a rep says to an account, one route per command. Roles here only
 * keep readers out; the domain decides who may say what. Ids the client leaves
 * out are generated here, and the answer's events carry them.
 */
@ApiTags('accounts')
@ApiBearerAuth()
@ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'The ETag last seen; another revision is a 412',
})
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'A retry with the same key gets the first answer',
})
@Controller('accounts')
export class AccountsController {
  constructor(@Inject(AccountHttp) private readonly http: AccountHttp) {}

  @Post()
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Open an account, naming its owner and service reps' })
  openAccount(
    @Body() body: OpenAccountDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    const accountId = body.accountId ?? randomUUID();
    return this.http.record(
      request,
      reply,
      caller,
      accountId,
      body,
      (data: Data<OpenAccountDto>) => ({
        type: 'OpenAccount',
        data: { ...data, accountId },
      }),
    );
  }

  @Post(':accountId/reassignments')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: "Change the account's owner or service reps" })
  reassignAccount(
    @Param() params: AccountParams,
    @Body() body: ReassignAccountDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<ReassignAccountDto>) => ({
        type: 'ReassignAccount',
        data,
      }),
    );
  }

  @Post(':accountId/expectations')
  @Roles(...WRITER_ROLES)
  @ApiOperation({
    summary: 'Agree what we must do, must never do, and what happens if we slip once',
  })
  agreeExpectations(
    @Param() params: AccountParams,
    @Body() body: AgreeExpectationsDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<AgreeExpectationsDto>) => ({
        type: 'AgreeExpectations',
        data,
      }),
    );
  }

  @Post(':accountId/promises')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Make a promise due on a date' })
  makePromise(
    @Param() params: AccountParams,
    @Body() body: MakePromiseDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<MakePromiseDto>) => ({
        type: 'MakePromise',
        data: { ...data, promiseId: data.promiseId ?? randomUUID() },
      }),
    );
  }

  @Post(':accountId/promises/:promiseId/outcome')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Close a promise: kept, broken or withdrawn' })
  recordPromiseOutcome(
    @Param() params: PromiseParams,
    @Body() body: RecordPromiseOutcomeDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<RecordPromiseOutcomeDto>) => ({
        type: 'RecordPromiseOutcome',
        data: { ...data, promiseId: params.promiseId },
      }),
    );
  }

  @Post(':accountId/quotes')
  @Roles(...WRITER_ROLES)
  @ApiOperation({
    summary: 'Issue a quote; below the GP floor it is refused, and the refusal recorded',
  })
  issueQuote(
    @Param() params: AccountParams,
    @Body() body: IssueQuoteDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<IssueQuoteDto>) => ({
        type: 'IssueQuote',
        data: { ...data, quoteId: data.quoteId ?? randomUUID() },
      }),
    );
  }

  @Post(':accountId/quotes/:quoteId/revisions')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Revise an open quote: a new version, judged like a new quote' })
  reviseQuote(
    @Param() params: QuoteParams,
    @Body() body: ReviseQuoteDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<ReviseQuoteDto>) => ({
        type: 'ReviseQuote',
        data: { ...data, quoteId: params.quoteId },
      }),
    );
  }

  @Post(':accountId/quotes/:quoteId/acceptance')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: "Record the customer's acceptance of the current, still valid version" })
  acceptQuote(
    @Param() params: QuoteParams,
    @Body() body: AcceptQuoteDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<AcceptQuoteDto>) => ({
        type: 'AcceptQuote',
        data: { ...data, quoteId: params.quoteId },
      }),
    );
  }

  @Post(':accountId/quotes/:quoteId/expiry')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Close an open quote whose validity has lapsed' })
  expireQuote(
    @Param() params: QuoteParams,
    @Body() body: ExpireQuoteDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<ExpireQuoteDto>) => ({
        type: 'ExpireQuote',
        data: { ...data, quoteId: params.quoteId },
      }),
    );
  }

  @Post(':accountId/payment-terms')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'State payment terms, with where they were stated' })
  statePaymentTerms(
    @Param() params: AccountParams,
    @Body() body: StatePaymentTermsDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<StatePaymentTermsDto>) => ({
        type: 'StatePaymentTerms',
        data: { ...data, context: toTermsContext(data.context) },
      }),
    );
  }

  @Post(':accountId/concessions')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Ask for a concession; granted or refused, the decision is recorded' })
  requestConcession(
    @Param() params: AccountParams,
    @Body() body: RequestConcessionDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<RequestConcessionDto>) => ({
        type: 'RequestConcession',
        data: {
          ...data,
          concessionId: data.concessionId ?? randomUUID(),
          request: toConcessionRequest(data.request),
        },
      }),
    );
  }

  @Post(':accountId/complaints')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Raise a complaint, optionally about an order' })
  raiseComplaint(
    @Param() params: AccountParams,
    @Body() body: RaiseComplaintDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<RaiseComplaintDto>) => ({
        type: 'RaiseComplaint',
        data: { ...data, complaintId: data.complaintId ?? randomUUID() },
      }),
    );
  }

  @Post(':accountId/complaints/:complaintId/assessment')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Assess a complaint as legitimate or not, with the reason' })
  assessComplaint(
    @Param() params: ComplaintParams,
    @Body() body: AssessComplaintDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<AssessComplaintDto>) => ({
        type: 'AssessComplaint',
        data: { ...data, complaintId: params.complaintId },
      }),
    );
  }

  @Post(':accountId/lead-time-agreements')
  @Roles(...WRITER_ROLES)
  @ApiOperation({
    summary: 'Agree a lead time (blanket, Kanban or standard), for some SKUs or all',
  })
  agreeLeadTime(
    @Param() params: AccountParams,
    @Body() body: AgreeLeadTimeDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<AgreeLeadTimeDto>) => ({
        type: 'AgreeLeadTime',
        data: { ...data, agreementId: data.agreementId ?? randomUUID() },
      }),
    );
  }

  @Post(':accountId/orders')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Record an order as placed; one inside its lead time is flagged' })
  placeOrder(
    @Param() params: AccountParams,
    @Body() body: PlaceOrderDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<PlaceOrderDto>) => ({
        type: 'PlaceOrder',
        data: { ...data, orderId: data.orderId ?? randomUUID() },
      }),
    );
  }

  @Post(':accountId/orders/:orderId/rush-requests')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: "Record the customer's request to deliver an order sooner" })
  requestRush(
    @Param() params: OrderParams,
    @Body() body: RequestRushDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<RequestRushDto>) => ({
        type: 'RequestRush',
        data: { ...data, orderId: params.orderId },
      }),
    );
  }

  @Post(':accountId/orders/:orderId/rush-decision')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Approve or decline a pending rush' })
  decideRush(
    @Param() params: OrderParams,
    @Body() body: DecideRushDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<DecideRushDto>) => ({
        type: 'DecideRush',
        data: { ...data, orderId: params.orderId },
      }),
    );
  }

  @Post(':accountId/orders/:orderId/shipments')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Record a shipment of an order' })
  recordShipment(
    @Param() params: OrderParams,
    @Body() body: RecordShipmentDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<RecordShipmentDto>) => ({
        type: 'RecordShipment',
        data: { ...data, orderId: params.orderId, shipmentId: data.shipmentId ?? randomUUID() },
      }),
    );
  }

  @Post(':accountId/orders/:orderId/delivery')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: "Record an order's delivery; it is judged on time or late" })
  recordDelivery(
    @Param() params: OrderParams,
    @Body() body: RecordDeliveryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<RecordDeliveryDto>) => ({
        type: 'RecordDelivery',
        data: { ...data, orderId: params.orderId },
      }),
    );
  }

  @Post(':accountId/escalations')
  @Roles(...WRITER_ROLES)
  @ApiOperation({
    summary: 'Record a request to escalate and answer it: the chain ends at the sales rep',
  })
  requestEscalation(
    @Param() params: AccountParams,
    @Body() body: RequestEscalationDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<RequestEscalationDto>) => ({
        type: 'RequestEscalation',
        data: { ...data, escalationId: data.escalationId ?? randomUUID() },
      }),
    );
  }

  @Post(':accountId/forecasts')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: "Record the customer's forecast for a month and SKU" })
  recordForecast(
    @Param() params: AccountParams,
    @Body() body: RecordForecastDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<RecordForecastDto>) => ({
        type: 'RecordForecast',
        data,
      }),
    );
  }

  @Post(':accountId/invoices')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Record an invoice issued to the account' })
  recordInvoice(
    @Param() params: AccountParams,
    @Body() body: RecordInvoiceDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<RecordInvoiceDto>) => ({
        type: 'RecordInvoice',
        data: { ...data, invoiceId: data.invoiceId ?? randomUUID() },
      }),
    );
  }

  @Post(':accountId/payments')
  @Roles(...WRITER_ROLES)
  @ApiOperation({ summary: 'Record a payment against an invoice' })
  recordPayment(
    @Param() params: AccountParams,
    @Body() body: RecordPaymentDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<RecordPaymentDto>) => ({
        type: 'RecordPayment',
        data: { ...data, paymentId: data.paymentId ?? randomUUID() },
      }),
    );
  }

  @Post(':accountId/special-situations')
  @Roles(...WRITER_ROLES)
  @ApiOperation({
    summary: 'Ask for an entitlement outside the tier; only a manager with a reason grants it',
  })
  grantSpecialSituation(
    @Param() params: AccountParams,
    @Body() body: GrantSpecialSituationDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<GrantSpecialSituationDto>) => ({
        type: 'GrantSpecialSituation',
        data: { ...data, situationId: data.situationId ?? randomUUID() },
      }),
    );
  }

  @Post(':accountId/corrections')
  @Roles(...WRITER_ROLES)
  @ApiOperation({
    summary: 'Correct an earlier event of the account; the original stays as it was',
  })
  correctEvent(
    @Param() params: AccountParams,
    @Body() body: CorrectEventDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<RecordingResult> {
    return this.http.record(
      request,
      reply,
      caller,
      params.accountId,
      body,
      (data: Data<CorrectEventDto>) => ({
        type: 'CorrectEvent',
        data,
      }),
    );
  }
}
