import { Inject, Injectable } from '@nestjs/common';
import { Clock, DomainError } from '@onrecord/kernel';
import { parsePosition } from '@onrecord/event-store';
import { PolicyService } from '@onrecord/commitments';
import {
  type AccountRow,
  type AccountSort,
  COST_TO_SERVE_WEIGHTS,
  type ExceptionsView,
  type RepRow,
  accountRow,
  exceptionsView,
  repRows,
  sortAccountRows,
} from '../domain/portfolio.js';
import { PortfolioProjection, type ProjectionStatus } from './portfolio.projection.js';

export class InvalidPositionError extends DomainError {
  readonly code = 'invalid-position';
  constructor(value: string) {
    super(`"${value}" is not a position: write it as "42" or "42:40", as write answers give it`, {
      value,
    });
  }
}

/** Money without a currency named is reported in the policy's, or this one before any policy. */
export const FALLBACK_REPORTING_CURRENCY = 'USD';

export type PortfolioQuery = {
  readonly currency?: string;
  /** Wait until the projection has applied this position (a write's `position`). */
  readonly after?: string;
  /** How long to wait for it before answering 503. */
  readonly waitMs?: number;
};

export type AccountsQuery = PortfolioQuery & {
  readonly sort?: AccountSort;
  readonly order?: 'asc' | 'desc';
  readonly limit?: number;
};

type Meta = { currency: string; asOf: string; projection: ProjectionStatus };

/** The cross-account views, read from the portfolio projection. */
@Injectable()
export class PortfolioService {
  constructor(
    @Inject(PortfolioProjection) private readonly projection: PortfolioProjection,
    @Inject(PolicyService) private readonly policies: PolicyService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private async meta(query: PortfolioQuery): Promise<Meta> {
    if (query.after !== undefined) {
      const position = parsePosition(query.after);
      if (position === null) throw new InvalidPositionError(query.after);
      await this.projection.waitFor(position, query.waitMs);
    }
    const currency =
      query.currency ?? (await this.policies.current())?.currency ?? FALLBACK_REPORTING_CURRENCY;
    return {
      currency,
      asOf: this.clock.now().toISOString().slice(0, 10),
      projection: this.projection.status(),
    };
  }

  async accounts(query: AccountsQuery): Promise<
    Meta & {
      sort: AccountSort;
      order: 'asc' | 'desc';
      weights: typeof COST_TO_SERVE_WEIGHTS;
      accounts: AccountRow[];
    }
  > {
    const meta = await this.meta(query);
    const sort = query.sort ?? 'accountId';
    // Net contribution ascending puts the accounts that cost most and earn least first.
    const order =
      query.order ?? (sort === 'accountId' || sort === 'netContribution' ? 'asc' : 'desc');
    const rows = this.projection.model
      .openAccounts()
      .map(({ line, state }) => accountRow(line, state, meta.currency, meta.asOf));
    const sorted = sortAccountRows(rows, sort, order);
    return {
      ...meta,
      sort,
      order,
      weights: COST_TO_SERVE_WEIGHTS,
      accounts: query.limit === undefined ? sorted : sorted.slice(0, query.limit),
    };
  }

  async reps(query: PortfolioQuery): Promise<Meta & { reps: RepRow[] }> {
    const meta = await this.meta(query);
    return { ...meta, reps: repRows(this.projection.model, meta.currency) };
  }

  async exceptions(query: PortfolioQuery): Promise<Meta & ExceptionsView> {
    const meta = await this.meta(query);
    return { ...meta, ...exceptionsView(this.projection.model) };
  }

  rebuild(): Promise<ProjectionStatus> {
    return this.projection.rebuild();
  }

  status(): ProjectionStatus {
    return this.projection.status();
  }
}
