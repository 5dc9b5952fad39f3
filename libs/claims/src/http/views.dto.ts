import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '@onrecord/commitments';
import { RECORD_CLOCKS, type RecordClock } from '../domain/as-of.js';
import { TIMELINE_CATEGORIES } from '../domain/event-facets.js';
import { ACCOUNT_SORTS, type AccountSort } from '../domain/portfolio.js';

const INSTANT = { strict: true, strictSeparator: true } as const;
const CLOCK_MESSAGE = `clock must be one of: ${RECORD_CLOCKS.join(', ')}`;

export class TimelineQueryDto {
  @ApiPropertyOptional({
    example: 'payment-terms,concession',
    description: `Comma-separated: ${TIMELINE_CATEGORIES.join(', ')}`,
  })
  @IsOptional()
  @ValidateBy({
    name: 'timelineCategories',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        value
          .split(',')
          .every((c) => (TIMELINE_CATEGORIES as readonly string[]).includes(c.trim())),
      defaultMessage: () => `category must list some of: ${TIMELINE_CATEGORIES.join(', ')}`,
    },
  })
  category?: string;

  @ApiPropertyOptional({ example: 'sam-sales', description: 'Only what this actor recorded' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  actor?: string;

  @ApiPropertyOptional({
    example: 'order:O-7731',
    description: 'An order, quote or contract: `order:O-1`, or just the id under any kind',
  })
  @IsOptional()
  @IsString()
  @MaxLength(210)
  @Matches(/\S/)
  scope?: string;

  @ApiPropertyOptional({
    enum: RECORD_CLOCKS,
    description: 'The clock from/to are read on (default recorded)',
  })
  @IsOptional()
  @IsIn(RECORD_CLOCKS, { message: CLOCK_MESSAGE })
  clock?: RecordClock;

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601(INSTANT)
  from?: string;
  @ApiPropertyOptional({ example: '2026-11-30T23:59:59Z' })
  @IsOptional()
  @IsISO8601(INSTANT)
  to?: string;

  @ApiPropertyOptional({ example: 'freight', description: 'Words that must all appear' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: 'r42', description: "The previous page's nextCursor" })
  @IsOptional()
  @Matches(/^r\d{1,15}$/, { message: 'cursor must be a nextCursor this API returned, like r42' })
  cursor?: string;

  @ApiPropertyOptional({ example: 50, description: '1..500, default 50' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class StateQueryDto {
  @ApiProperty({
    example: '2026-11-20T00:00:00Z',
    description: 'An ISO 8601 instant, not in the future',
  })
  @IsISO8601(INSTANT, { message: 'asOf must be an ISO 8601 instant, like 2026-11-20T00:00:00Z' })
  asOf!: string;

  @ApiPropertyOptional({
    enum: RECORD_CLOCKS,
    description:
      'occurred: what had been said by then; recorded (default): what the company knew by then',
  })
  @IsOptional()
  @IsIn(RECORD_CLOCKS, { message: CLOCK_MESSAGE })
  clock?: RecordClock;
}

export class ReplayQueryDto {
  @ApiPropertyOptional({ example: 0, description: 'First revision (default 0)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  from?: number;

  @ApiPropertyOptional({
    example: 40,
    description: 'Last revision, inclusive (default: the latest)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  to?: number;

  @ApiPropertyOptional({
    enum: ['summary', 'full'],
    description: 'The state after each event: a summary (default) or in full',
  })
  @IsOptional()
  @IsIn(['summary', 'full'])
  state?: 'summary' | 'full';
}

const SORTS = ['accountId', ...Object.keys(ACCOUNT_SORTS)] as AccountSort[];

export class PortfolioQueryDto {
  @ApiPropertyOptional({
    example: 'USD',
    description: "Reporting currency (default: the policy's)",
  })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency?: string;

  @ApiPropertyOptional({
    example: '42',
    description: "Answer only once the view reflects this position (a write's `position`)",
  })
  @IsOptional()
  @Matches(/^\d{1,20}(:\d{1,20})?$/, { message: 'after must be a position like "42" or "42:40"' })
  after?: string;
  @ApiPropertyOptional({
    example: 5000,
    description: 'How long to wait for `after`, in ms (default 5000)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30_000)
  waitMs?: number;
}

export class PortfolioAccountsQueryDto extends PortfolioQueryDto {
  @ApiPropertyOptional({
    enum: SORTS,
    description: 'netContribution ascending: the accounts that cost most and earn least first',
  })
  @IsOptional()
  @IsIn(SORTS, { message: `sort must be one of: ${SORTS.join(', ')}` })
  sort?: AccountSort;

  @ApiPropertyOptional({ enum: ['asc', 'desc'] })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
}
