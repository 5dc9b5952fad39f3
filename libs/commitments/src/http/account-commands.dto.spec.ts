import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '@onrecord/access';
import type { AccountCommand } from '../domain/account.commands.js';
import type { AccountHttp } from './account-http.js';
import { AccountsController } from './accounts.controller.js';
import {
  AgreeExpectationsDto,
  IssueQuoteDto,
  OpenAccountDto,
  PlaceOrderDto,
  RecordForecastDto,
  RecordShipmentDto,
  RequestConcessionDto,
  StatePaymentTermsDto,
} from './account-commands.dto.js';
import { splitRecording, type RecordingDto } from './recording.dto.js';

type Problems = Record<string, string[]>;

/** Every offending field by its path, with its messages, as the global pipe would list them. */
function flatten(errors: readonly ValidationError[], parent = ''): Problems {
  const problems: Problems = {};
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) problems[field] = Object.values(error.constraints);
    Object.assign(problems, flatten(error.children ?? [], field));
  }
  return problems;
}

/** Validates a body as the ValidationPipe does (whitelist, unknown fields refused). */
async function problemsOf(dto: new () => object, body: object): Promise<Problems> {
  const instance = plainToInstance(dto, body);
  return flatten(await validate(instance, { whitelist: true, forbidNonWhitelisted: true }));
}

const recording = { channel: 'phone', occurredAt: '2026-11-20T14:05:00Z' };

const openAccount = {
  ...recording,
  accountId: 'acme',
  name: 'Acme Industrial',
  ownerId: 'jane-doe',
  serviceRepIds: ['sam-service'],
  segment: 'mid-market',
};

const line = { sku: 'WIDGET-10', quantity: 100, unitPriceMinor: 1_250, unitCostMinor: 900 };
const quote = {
  ...recording,
  currency: 'USD',
  lines: [line],
  validUntil: '2026-12-31',
  terms: 'FOB origin',
};

const paymentTerms = {
  ...recording,
  netDays: 30,
  earlyPaymentDiscount: { bps: 200, withinDays: 10 },
  context: { kind: 'quote', referenceId: 'q-1' },
};

const order = {
  ...recording,
  orderId: 'o-1',
  currency: 'USD',
  lines: [line],
  placedOn: '2026-11-20',
  requestedDeliveryDate: '2026-12-04',
  quoteId: 'q-1',
};

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

/** One valid request of each kind, with only that kind's fields. */
const concessions = {
  price_discount: {
    kind: 'price_discount',
    target: { kind: 'quote', id: 'q-1' },
    discountBps: 500,
  },
  freight_paid: {
    kind: 'freight_paid',
    orderId: 'o-1',
    complaintId: 'c-1',
    freightCost: usd(4_000),
  },
  expedite: { kind: 'expedite', orderId: 'o-1', expediteCost: usd(2_500) },
  extended_terms: {
    kind: 'extended_terms',
    netDays: 90,
    context: { kind: 'contract', referenceId: 'MSA-7' },
  },
  rebate: { kind: 'rebate', rebateBps: 150 },
  credit: { kind: 'credit', amount: usd(10_000) },
  other: { kind: 'other', description: 'Extended warranty', catalogueCode: 'extended-warranty' },
};

const concession = (request: object) => ({ ...recording, concessionId: 'k-1', request });

describe('account command DTOs', () => {
  describe('valid bodies pass', () => {
    it.each([
      ['open account', OpenAccountDto, openAccount],
      [
        'open account without an id (the controller makes one)',
        OpenAccountDto,
        { ...openAccount, accountId: undefined },
      ],
      ['quote with lines', IssueQuoteDto, quote],
      ['payment terms', StatePaymentTermsDto, paymentTerms],
      [
        'verbal payment terms without a reference or discount',
        StatePaymentTermsDto,
        {
          ...recording,
          netDays: 30,
          context: { kind: 'verbal' },
        },
      ],
      ['order with lines', PlaceOrderDto, order],
      [
        'order given as a value',
        PlaceOrderDto,
        {
          ...order,
          lines: undefined,
          value: { revenueMinor: 500_000, costMinor: 380_000 },
        },
      ],
      [
        'forecast of zero for a month',
        RecordForecastDto,
        { ...recording, period: '2027-01', sku: 'W', quantity: 0 },
      ],
    ] as const)('%s', async (_name, dto, body) => {
      expect(await problemsOf(dto, body)).toEqual({});
    });

    it.each(Object.entries(concessions))('%s concession', async (_kind, request) => {
      expect(await problemsOf(RequestConcessionDto, concession(request))).toEqual({});
    });

    it('a credit against an order and a complaint, and an off-catalogue concession with its cost', async () => {
      const credit = { ...concessions.credit, orderId: 'o-1', complaintId: 'c-1' };
      const other = { kind: 'other', description: 'Loan unit for a month', cost: usd(30_000) };
      expect(await problemsOf(RequestConcessionDto, concession(credit))).toEqual({});
      expect(await problemsOf(RequestConcessionDto, concession(other))).toEqual({});
    });
  });

  describe('bad input is caught and named', () => {
    it('given float money, then the amount is named', async () => {
      const problems = await problemsOf(IssueQuoteDto, {
        ...quote,
        lines: [{ ...line, unitPriceMinor: 12.5 }],
      });
      expect(problems).toEqual({
        'lines.0.unitPriceMinor': [expect.stringMatching(/whole number of minor units/)],
      });
    });

    it('given float money in a concession, then the nested amount is named', async () => {
      const problems = await problemsOf(
        RequestConcessionDto,
        concession({ kind: 'credit', amount: usd(99.99) }),
      );
      expect(Object.keys(problems)).toEqual(['request.amount.amountMinor']);
    });

    it('given a negative or zero quantity, then the quantity is named', async () => {
      for (const quantity of [-1, 0]) {
        const problems = await problemsOf(IssueQuoteDto, {
          ...quote,
          lines: [{ ...line, quantity }],
        });
        expect(problems).toEqual({
          'lines.0.quantity': [expect.stringMatching(/not be less than 1/)],
        });
      }
    });

    it('given a negative price, then it is named', async () => {
      const problems = await problemsOf(PlaceOrderDto, {
        ...order,
        lines: [{ ...line, unitCostMinor: -5 }],
      });
      expect(Object.keys(problems)).toEqual(['lines.0.unitCostMinor']);
    });

    it.each(['usd', 'US', 'USDX', 'U5D'])(
      'given currency %s, then the currency is named',
      async (currency) => {
        const problems = await problemsOf(IssueQuoteDto, { ...quote, currency });
        expect(problems).toEqual({ currency: [expect.stringMatching(/ISO 4217/)] });
      },
    );

    it.each(['2026-02-30', '2026-13-01', '2026-1-5', '2026-12-31T00:00:00Z', '31/12/2026', ''])(
      'given the date %p, then the date is named',
      async (validUntil) => {
        const problems = await problemsOf(IssueQuoteDto, { ...quote, validUntil });
        expect(problems).toEqual({
          validUntil: [expect.stringMatching(/calendar date, YYYY-MM-DD/)],
        });
      },
    );

    it('given a bad month, then the forecast period is named', async () => {
      const problems = await problemsOf(RecordForecastDto, {
        ...recording,
        period: '2027-13',
        sku: 'W',
        quantity: 5,
      });
      expect(Object.keys(problems)).toEqual(['period']);
    });

    it('given unknown fields at any depth, then each is named', async () => {
      expect(
        Object.keys(await problemsOf(OpenAccountDto, { ...openAccount, tier: 'gold' })),
      ).toEqual(['tier']);
      expect(
        Object.keys(
          await problemsOf(IssueQuoteDto, { ...quote, lines: [{ ...line, discount: 5 }] }),
        ),
      ).toEqual(['lines.0.discount']);
      expect(
        Object.keys(
          await problemsOf(StatePaymentTermsDto, {
            ...paymentTerms,
            context: { ...paymentTerms.context, x: 1 },
          }),
        ),
      ).toEqual(['context.x']);
    });

    it('given no channel, then the channel is named with the channels allowed', async () => {
      const { channel: _channel, ...withoutChannel } = openAccount;
      expect(await problemsOf(OpenAccountDto, withoutChannel)).toEqual({
        channel: [expect.stringMatching(/channel must be one of: phone, email/)],
      });
    });

    it('given an account id that is not an id, then it is named', async () => {
      const problems = await problemsOf(OpenAccountDto, {
        ...openAccount,
        accountId: 'acme/../x',
        serviceRepIds: ['ok', ' '],
      });
      expect(Object.keys(problems).sort()).toEqual(['accountId', 'serviceRepIds']);
    });

    it('given blank text where something must be said, then it is named', async () => {
      expect(
        Object.keys(await problemsOf(OpenAccountDto, { ...openAccount, name: '   ' })),
      ).toEqual(['name']);
    });

    it('given a missing nested object, then it is named rather than let through', async () => {
      const { context: _context, ...withoutContext } = paymentTerms;
      expect(Object.keys(await problemsOf(StatePaymentTermsDto, withoutContext))).toEqual([
        'context',
      ]);
    });

    it('given payment terms in a quote without naming it, then the reference is named', async () => {
      const problems = await problemsOf(StatePaymentTermsDto, {
        ...paymentTerms,
        context: { kind: 'quote' },
      });
      expect(Object.keys(problems)).toEqual(['context.referenceId']);
    });

    it('given an early-payment discount beyond 10000 bps or of 0 bps, then the bps are named', async () => {
      for (const bps of [10_001, 0, 2.5]) {
        const body = { ...paymentTerms, earlyPaymentDiscount: { bps, withinDays: 10 } };
        expect(Object.keys(await problemsOf(StatePaymentTermsDto, body))).toEqual([
          'earlyPaymentDiscount.bps',
        ]);
      }
    });

    it('given an unknown context kind, then the kind is named with the kinds allowed', async () => {
      const problems = await problemsOf(StatePaymentTermsDto, {
        ...paymentTerms,
        context: { kind: 'email' },
      });
      expect(problems).toEqual({
        'context.kind': ['kind must be one of: quote, order, contract, verbal'],
      });
    });

    it('given a service level above 10000 bps, then the target is named; in hours it is fine', async () => {
      const body = (unit: string) => ({
        ...recording,
        mustDo: ['Confirm orders within a day'],
        mustNeverDo: [],
        ifWeSlipOnce: 'We call the same day',
        serviceLevels: [{ metric: 'on-time', description: '', target: 12_000, unit }],
      });
      expect(Object.keys(await problemsOf(AgreeExpectationsDto, body('bps')))).toEqual([
        'serviceLevels.0.target',
      ]);
      expect(await problemsOf(AgreeExpectationsDto, body('hours'))).toEqual({});
    });

    it('given an order with a bad delivery date and no placed date, then both are named', async () => {
      const { placedOn: _placedOn, ...withoutPlacedOn } = order;
      const problems = await problemsOf(PlaceOrderDto, {
        ...withoutPlacedOn,
        requestedDeliveryDate: '2026-11-31',
      });
      expect(Object.keys(problems).sort()).toEqual(['placedOn', 'requestedDeliveryDate']);
    });

    it('given an order with no lines in its list, then the lines are named', async () => {
      expect(Object.keys(await problemsOf(PlaceOrderDto, { ...order, lines: [] }))).toEqual([
        'lines',
      ]);
    });
  });

  describe('a concession request carries its own kind’s fields, and only those', () => {
    it.each([
      ['price_discount', { kind: 'price_discount', discountBps: 500 }, 'request.target'],
      [
        'price_discount',
        { kind: 'price_discount', target: { kind: 'quote', id: 'q-1' } },
        'request.discountBps',
      ],
      ['freight_paid', { kind: 'freight_paid', orderId: 'o-1' }, 'request.freightCost'],
      ['expedite', { kind: 'expedite', expediteCost: usd(100) }, 'request.orderId'],
      ['extended_terms', { kind: 'extended_terms', netDays: 90 }, 'request.context'],
      ['rebate', { kind: 'rebate' }, 'request.rebateBps'],
      ['credit', { kind: 'credit', orderId: 'o-1' }, 'request.amount'],
      ['other', { kind: 'other', catalogueCode: 'x' }, 'request.description'],
    ])(
      'given %s without one of its fields, then that field is named',
      async (_kind, request, field) => {
        const problems = await problemsOf(RequestConcessionDto, concession(request));
        expect(Object.keys(problems)).toEqual([field]);
      },
    );

    it.each([
      [
        'rebate',
        { ...concessions.rebate, discountBps: 500 },
        'request.discountBps',
        'price_discount',
      ],
      [
        'price_discount',
        { ...concessions.price_discount, orderId: 'o-1' },
        'request.orderId',
        'freight_paid, expedite, credit',
      ],
      [
        'expedite',
        { ...concessions.expedite, complaintId: 'c-1' },
        'request.complaintId',
        'freight_paid, credit',
      ],
      [
        'credit',
        { ...concessions.credit, freightCost: usd(100) },
        'request.freightCost',
        'freight_paid',
      ],
      ['freight_paid', { ...concessions.freight_paid, cost: usd(100) }, 'request.cost', 'other'],
    ])(
      'given %s with another kind’s field, then that field is named',
      async (kind, request, field, owners) => {
        const problems = await problemsOf(RequestConcessionDto, concession(request));
        expect(problems).toEqual({
          [field]: [
            `${field.split('.')[1]} is not part of a ${kind} request; it belongs to ${owners}`,
          ],
        });
      },
    );

    it('given an unknown kind, then only the kind is named', async () => {
      const problems = await problemsOf(
        RequestConcessionDto,
        concession({ kind: 'bribe', discountBps: 500 }),
      );
      expect(problems).toEqual({
        'request.kind': [
          'kind must be one of: price_discount, freight_paid, expedite, extended_terms, rebate, credit, other',
        ],
      });
    });

    it('given a field no kind has, then it is refused', async () => {
      const problems = await problemsOf(
        RequestConcessionDto,
        concession({ ...concessions.rebate, percent: 5 }),
      );
      expect(Object.keys(problems)).toEqual(['request.percent']);
    });

    it('given a discount outside 1..10000 bps, then it is named', async () => {
      for (const discountBps of [0, 10_001]) {
        const problems = await problemsOf(
          RequestConcessionDto,
          concession({ ...concessions.price_discount, discountBps }),
        );
        expect(Object.keys(problems)).toEqual(['request.discountBps']);
      }
    });
  });
});

describe('from body to command', () => {
  const recorded: AccountCommand[] = [];
  const http = {
    record: <T>(
      _request: FastifyRequest,
      _reply: FastifyReply,
      _caller: Caller,
      _accountId: string,
      body: RecordingDto,
      toCommand: (data: T) => AccountCommand,
    ) => {
      recorded.push(toCommand(splitRecording<T>(body).data));
      return Promise.resolve(null);
    },
  } as unknown as AccountHttp;
  const controller = new AccountsController(http);
  const request = {} as FastifyRequest;
  const reply = {} as FastifyReply;
  const caller = { actorId: 'jane-doe', role: 'sales' } as Caller;

  /** The command a validated body becomes. */
  async function commandOf(
    dto: new () => RecordingDto,
    body: object,
    send: (dto: never) => Promise<unknown>,
  ) {
    const instance = plainToInstance(dto, body);
    expect(
      flatten(await validate(instance, { whitelist: true, forbidNonWhitelisted: true })),
    ).toEqual({});
    recorded.length = 0;
    await send(instance as never);
    return recorded[0];
  }

  it.each(Object.entries(concessions))(
    '%s becomes exactly its union member, absent optionals null',
    async (kind, asked) => {
      const expected = {
        price_discount: concessions.price_discount,
        freight_paid: concessions.freight_paid,
        expedite: concessions.expedite,
        extended_terms: concessions.extended_terms,
        rebate: concessions.rebate,
        credit: { ...concessions.credit, orderId: null, complaintId: null },
        other: { ...concessions.other, cost: null },
      }[kind];
      const command = await commandOf(RequestConcessionDto, concession(asked), (body) =>
        controller.requestConcession({ accountId: 'acme' }, body, request, reply, caller),
      );
      expect(command).toStrictEqual({
        type: 'RequestConcession',
        data: { concessionId: 'k-1', request: expected },
      });
    },
  );

  it('given no ids, then the controller makes them and takes the path’s', async () => {
    const { accountId: _accountId, ...withoutId } = openAccount;
    const opened = await commandOf(OpenAccountDto, withoutId, (body) =>
      controller.openAccount(body, request, reply, caller),
    );
    expect(opened?.data).toEqual(
      expect.objectContaining({ accountId: expect.stringMatching(/^[0-9a-f-]{36}$/) }),
    );

    const shipped = await commandOf(
      RecordShipmentDto,
      { ...recording, shippedOn: '2026-11-25' },
      (body) =>
        controller.recordShipment(
          { accountId: 'acme', orderId: 'o-1' },
          body,
          request,
          reply,
          caller,
        ),
    );
    expect(shipped).toStrictEqual({
      type: 'RecordShipment',
      data: {
        orderId: 'o-1',
        shipmentId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        shippedOn: '2026-11-25',
      },
    });
  });

  it('given verbal terms without a reference, then the context names none (null), as the domain type requires', async () => {
    const command = await commandOf(
      StatePaymentTermsDto,
      { ...recording, netDays: 30, context: { kind: 'verbal' } },
      (body) => controller.statePaymentTerms({ accountId: 'acme' }, body, request, reply, caller),
    );
    expect(command).toStrictEqual({
      type: 'StatePaymentTerms',
      data: { netDays: 30, context: { kind: 'verbal', referenceId: null } },
    });
  });
});
