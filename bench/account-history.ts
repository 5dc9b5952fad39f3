import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@onrecord/event-store';
import {
  type AccountCommand,
  type AccountEvent,
  type AccountState,
  type PublishedPolicy,
  decideAccount,
  evolveAccount,
  initialAccountState,
} from '@onrecord/commitments';
import { MinHeap } from './min-heap.js';

/**
 * The business the claims, rebuild and SSE sections run on: accounts whose
 * every event comes out of the real account decider (`decideAccount`, then
 * `evolveAccount`), with the metadata the API stamps on a recording. Refusals
 * are recorded as the API records them. Nothing here touches a store.
 *
 * An account is opened, its expectations agreed, then it runs order cycles:
 * sometimes a quote first, then the order, its payment terms, a delivery
 * promise, a freight concession asked for without a complaint (refused),
 * now and then a complaint that is upheld and freight paid for it, shipment,
 * delivery (a sixth of them late, breaking the promise), invoice and payment
 * (a third of them late). About ten events per order.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

type Actor = { readonly id: string; readonly role: string };

/** The accounts' owner and service rep; the claims section registers the owner and checks claims with its key. */
export const BENCH_SALES: Actor = { id: 'bench-sales', role: 'sales' };
export const BENCH_SERVICE: Actor = { id: 'bench-service', role: 'service' };

/** Longest a cycle runs from its first statement to the payment (quote day + 33 days + 40 days). */
export const CYCLE_SPAN_MS = 75 * DAY_MS;
/** Every cycle records at least this many events, so `events / 9` cycles always suffice. */
const MIN_EVENTS_PER_CYCLE = 9;

const CHANNELS = ['phone', 'email', 'meeting', 'portal'] as const;

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** One statement of a cycle, `offset` ms after the cycle starts (scaled by the history's tempo). */
interface CycleStep {
  readonly offset: number;
  readonly actor: Actor;
  readonly command: (at: number) => AccountCommand;
}

/**
 * Order `i` of an account, started at `start`. Offsets are business time;
 * dates that are terms rather than elapsed time (validity, requested
 * delivery, due dates) stay in calendar days whatever the tempo.
 */
function orderCycle(i: number, start: number, stretch: number): CycleStep[] {
  const orderId = `O-${i}`;
  const quoteId = `Q-${i}`;
  const quantity = 10 + (i % 5);
  const lines = [{ sku: `W-${i % 7}`, quantity, unitPriceMinor: 1200, unitCostMinor: 850 }];
  const amount = { amountMinor: quantity * 1200, currency: 'USD' };
  const quoted = i % 4 === 0;
  const placed = quoted ? DAY_MS : 0;
  const delivered = placed + (i % 6 === 5 ? 33 : 24) * DAY_MS;
  const promiseDue = day(start + placed * stretch + 25 * DAY_MS);
  const steps: CycleStep[] = [];
  if (quoted) {
    steps.push(
      {
        offset: 0,
        actor: BENCH_SALES,
        command: (at) => ({
          type: 'IssueQuote',
          data: {
            quoteId,
            currency: 'USD',
            lines,
            validUntil: day(at + 30 * DAY_MS),
            terms: 'Net 30, FOB origin',
          },
        }),
      },
      {
        offset: 2 * HOUR_MS,
        actor: BENCH_SALES,
        command: () => ({ type: 'AcceptQuote', data: { quoteId, version: 1 } }),
      },
    );
  }
  steps.push(
    {
      offset: placed,
      actor: BENCH_SALES,
      command: (at) => ({
        type: 'PlaceOrder',
        data: {
          orderId,
          currency: 'USD',
          lines,
          placedOn: day(at),
          requestedDeliveryDate: day(at + (i % 3 === 0 ? 5 : 30) * DAY_MS),
          quoteId: quoted ? quoteId : null,
        },
      }),
    },
    {
      offset: placed + MINUTE_MS,
      actor: BENCH_SALES,
      command: () => ({
        type: 'StatePaymentTerms',
        data: {
          netDays: i % 2 ? 30 : 45,
          earlyPaymentDiscount: null,
          context: { kind: 'order', referenceId: orderId },
        },
      }),
    },
    {
      offset: placed + 2 * MINUTE_MS,
      actor: BENCH_SERVICE,
      command: () => ({
        type: 'MakePromise',
        data: {
          promiseId: `P-${i}`,
          category: 'delivery',
          text: `Order ${orderId} ships complete and arrives on schedule`,
          dueDate: promiseDue,
          scope: { kind: 'order', id: orderId },
        },
      }),
    },
    {
      offset: placed + 3 * MINUTE_MS,
      actor: BENCH_SALES,
      command: () => ({
        type: 'RequestConcession',
        data: {
          concessionId: `F-${i}`,
          request: {
            kind: 'freight_paid',
            orderId,
            complaintId: null,
            freightCost: { amountMinor: 500, currency: 'USD' },
          },
        },
      }),
    },
  );
  if (i % 10 === 0) {
    steps.push({
      offset: placed + 5 * MINUTE_MS,
      actor: BENCH_SALES,
      command: () => ({
        type: 'GrantSpecialSituation',
        data: {
          situationId: `X-${i}`,
          entitlement: `Extended warranty on order ${orderId}`,
          reason: null,
        },
      }),
    });
  }
  if (i % 5 === 1) steps.push(...upheldComplaint(i, orderId, placed));
  steps.push(
    {
      offset: placed + 20 * DAY_MS,
      actor: BENCH_SERVICE,
      command: (at) => ({
        type: 'RecordShipment',
        data: { orderId, shipmentId: `S-${i}`, shippedOn: day(at) },
      }),
    },
    {
      offset: delivered,
      actor: BENCH_SERVICE,
      command: (at) => ({ type: 'RecordDelivery', data: { orderId, deliveredOn: day(at) } }),
    },
    {
      offset: delivered + MINUTE_MS,
      actor: BENCH_SERVICE,
      command: (at) =>
        day(at) <= promiseDue
          ? {
              type: 'RecordPromiseOutcome',
              data: { promiseId: `P-${i}`, outcome: 'kept', on: day(at), note: null },
            }
          : {
              type: 'RecordPromiseOutcome',
              data: {
                promiseId: `P-${i}`,
                outcome: 'broken',
                on: day(at),
                note: 'Delivered after the promised date',
              },
            },
    },
    {
      offset: delivered + 2 * MINUTE_MS,
      actor: BENCH_SALES,
      command: (at) => ({
        type: 'RecordInvoice',
        data: {
          invoiceId: `I-${i}`,
          amount,
          issuedOn: day(at),
          dueDate: day(at + 30 * DAY_MS),
          orderId,
        },
      }),
    },
    {
      offset: delivered + (i % 3 ? 26 : 40) * DAY_MS,
      actor: BENCH_SALES,
      command: (at) => ({
        type: 'RecordPayment',
        data: { paymentId: `Y-${i}`, invoiceId: `I-${i}`, amount, paidOn: day(at) },
      }),
    },
  );
  return steps;
}

/** A complaint about the order, upheld, and the freight paid to right it (granted within the GP share). */
function upheldComplaint(i: number, orderId: string, placed: number): CycleStep[] {
  const complaintId = `C-${i}`;
  return [
    {
      offset: placed + 2 * DAY_MS,
      actor: BENCH_SERVICE,
      command: () => ({
        type: 'RaiseComplaint',
        data: { complaintId, about: `Order ${orderId} arrived with damaged packaging`, orderId },
      }),
    },
    {
      offset: placed + 3 * DAY_MS,
      actor: BENCH_SALES,
      command: () => ({
        type: 'AssessComplaint',
        data: { complaintId, legitimate: true, reason: 'Carrier damage confirmed by photos' },
      }),
    },
    {
      offset: placed + 3 * DAY_MS + MINUTE_MS,
      actor: BENCH_SALES,
      command: () => ({
        type: 'RequestConcession',
        data: {
          concessionId: `FC-${i}`,
          request: {
            kind: 'freight_paid',
            orderId,
            complaintId,
            freightCost: { amountMinor: 500, currency: 'USD' },
          },
        },
      }),
    },
  ];
}

/** What an account opens with: the account itself, then the expectations agreed at onboarding. */
function onboarding(accountId: string): CycleStep[] {
  return [
    {
      offset: 0,
      actor: BENCH_SALES,
      command: () => ({
        type: 'OpenAccount',
        data: {
          accountId,
          name: `Bench account ${accountId}`,
          ownerId: BENCH_SALES.id,
          serviceRepIds: [BENCH_SERVICE.id],
          segment: 'industrial',
        },
      }),
    },
    {
      offset: HOUR_MS,
      actor: BENCH_SALES,
      command: () => ({
        type: 'AgreeExpectations',
        data: {
          mustDo: ['Confirm every order within one business day'],
          mustNeverDo: ['Ship partial orders without asking'],
          ifWeSlipOnce: 'We pay the freight on the next order',
          serviceLevels: [
            {
              metric: 'on-time-delivery',
              description: 'Orders delivered by the requested date',
              target: 9500,
              unit: 'bps',
            },
          ],
        },
      }),
    },
  ];
}

interface PendingStep {
  readonly at: number;
  /** Ties at one instant keep the order the steps were planned in. */
  readonly seq: number;
  readonly step: CycleStep;
}

export interface HistoryPlan {
  /** Exactly this many events (Infinity: an endless live account). */
  readonly events: number;
  /** When the account is opened (ms since epoch). */
  readonly from: number;
  /** Cycles start no later than `to − CYCLE_SPAN_MS`, so every statement is made by `to`. */
  readonly to: number;
  /** 1: business tempo (cycles take weeks); 0: every step of a cycle at once (live writing). */
  readonly stretch: 0 | 1;
  readonly policy: PublishedPolicy;
}

/**
 * One account's statements in the order they were made, each decided when
 * it is taken. History mode spreads the order cycles evenly over
 * [from, to − CYCLE_SPAN_MS]; the steps of overlapping cycles interleave by
 * time. The last statements are forecasts when the next decision would
 * overshoot the exact event count.
 */
export class AccountHistory {
  private state: AccountState = initialAccountState;
  private readonly pending = new MinHeap<PendingStep>(
    (a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq),
  );
  private seq = 0;
  private nextCycle = 0;
  private readonly cycles: number;
  private readonly interval: number;
  private emitted = 0;

  constructor(
    readonly accountId: string,
    private readonly plan: HistoryPlan,
  ) {
    this.cycles = Number.isFinite(plan.events)
      ? Math.ceil(plan.events / MIN_EVENTS_PER_CYCLE)
      : Number.POSITIVE_INFINITY;
    this.interval =
      plan.stretch === 0 || !Number.isFinite(this.cycles)
        ? 0
        : Math.max(0, plan.to - CYCLE_SPAN_MS - plan.from - DAY_MS) / this.cycles;
    for (const step of onboarding(accountId)) this.schedule(plan.from, step);
  }

  /** Events decided so far. */
  get events(): number {
    return this.emitted;
  }

  /** When the next statement is made (history mode), or null once the account has all its events. */
  nextAt(): number | null {
    if (this.emitted >= this.plan.events) return null;
    this.planCyclesUpTo();
    return this.pending.peek()?.at ?? null;
  }

  /**
   * Decides the next statement, made at `occurredAt` (default: its planned
   * time), and returns the events the API would store for it.
   */
  next(occurredAt?: number): NewEvent[] {
    this.planCyclesUpTo();
    const pending = this.pending.pop();
    if (pending === undefined || this.emitted >= this.plan.events) {
      throw new Error(`${this.accountId}: no statement left to make`);
    }
    const at = occurredAt ?? pending.at;
    const command = pending.step.command(at);
    let decided = this.decide(command, pending.step.actor, at);
    if (this.emitted + decided.length > this.plan.events) {
      decided = this.forecasts(this.plan.events - this.emitted, at);
    } else {
      this.evolve(decided);
    }
    this.emitted += decided.length;
    return this.envelopes(decided, pending.step.actor, at);
  }

  /** Makes sure every cycle that starts before the earliest pending step is scheduled. */
  private planCyclesUpTo(): void {
    while (this.nextCycle < this.cycles) {
      const start = this.plan.from + DAY_MS + this.nextCycle * this.interval;
      const top = this.pending.peek();
      if (top !== undefined && top.at <= start) return;
      for (const step of orderCycle(this.nextCycle, start, this.plan.stretch))
        this.schedule(start, step);
      this.nextCycle += 1;
    }
  }

  private schedule(start: number, step: CycleStep): void {
    this.pending.push({ at: start + step.offset * this.plan.stretch, seq: this.seq++, step });
  }

  private decide(command: AccountCommand, actor: Actor, at: number): AccountEvent[] {
    try {
      return decideAccount(command, this.state, {
        now: new Date(at),
        actor,
        policy: this.plan.policy,
      });
    } catch (error) {
      throw new Error(
        `${this.accountId}: the decider refused to record ${command.type} ${JSON.stringify(command.data)}: ${(error as Error).message}`,
      );
    }
  }

  private evolve(events: readonly AccountEvent[]): void {
    for (const event of events) this.state = evolveAccount(this.state, event);
  }

  /** The customer's forecasts: one event each, always accepted, to land on the exact count. */
  private forecasts(count: number, at: number): AccountEvent[] {
    const period = new Date(at).toISOString().slice(0, 7);
    const events: AccountEvent[] = [];
    for (let k = 0; k < count; k++) {
      const command: AccountCommand = {
        type: 'RecordForecast',
        data: { period, sku: `W-${k % 7}`, quantity: 100 + k },
      };
      const decided = this.decide(command, BENCH_SALES, at);
      this.evolve(decided);
      events.push(...decided);
    }
    return events;
  }

  /** The envelope the API writes: occurredAt, the caller, the channel, the contact, one correlation id per request. */
  private envelopes(events: readonly AccountEvent[], actor: Actor, at: number): NewEvent[] {
    const occurredAt = new Date(at).toISOString();
    const correlationId = randomUUID();
    const channel = CHANNELS[this.emitted % CHANNELS.length]!;
    return events.map((event) => ({
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: {
        occurredAt,
        actor: { id: actor.id, role: actor.role },
        channel,
        counterparty: { contactId: `${this.accountId}-buyer` },
        correlationId,
      },
    }));
  }
}
