import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
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
  ValidateNested,
} from 'class-validator';
import { ID_MESSAGE, ID_PATTERN, RecordingDto, isIsoDate } from '@onrecord/commitments';
import { toPlain } from '@onrecord/platform';
import {
  CLAIM_CATEGORIES,
  type Claim,
  type ClaimAssertion,
  type ClaimCategory,
  SCOPE_KINDS,
  type ScopeKind,
} from '../domain/claim.js';

const INSTANT = { strict: true, strictSeparator: true } as const;

const CalendarDate = (): PropertyDecorator =>
  ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value: unknown) => isIsoDate(value),
      defaultMessage: () => '$property must be a calendar date, YYYY-MM-DD',
    },
  });

export class AccountIdParams {
  @ApiProperty({ example: 'acme' })
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  accountId!: string;
}

export class ClaimScopeDto {
  @ApiProperty({ enum: SCOPE_KINDS })
  @IsIn(SCOPE_KINDS, { message: `kind must be one of: ${SCOPE_KINDS.join(', ')}` })
  kind!: ScopeKind;
  @ApiProperty({ example: 'O-7731' })
  @IsString()
  @MaxLength(200)
  @Matches(/\S/, { message: 'id must not be blank' })
  id!: string;
}

export class AllegedWindowDto {
  @ApiProperty({ example: '2026-11-01T00:00:00Z' }) @IsISO8601(INSTANT) from!: string;
  @ApiProperty({ example: '2026-11-07T23:59:59Z' }) @IsISO8601(INSTANT) to!: string;
}

/** The value the customer asserts; which fields a category takes is checked against the category. */
export class ClaimAssertionDto {
  @ApiPropertyOptional({ description: 'freight: the company pays the freight (default true)' })
  @IsOptional()
  @IsBoolean()
  freightPaid?: boolean;

  @ApiPropertyOptional({ example: 1000, description: 'price: total discount, 1..10000 bps' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  discountBps?: number;

  @ApiPropertyOptional({ example: 60, description: 'payment_terms: net days' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  netDays?: number;

  @ApiPropertyOptional({
    example: '2026-12-01',
    description: 'delivery_date, rush: delivered no later than',
  })
  @IsOptional()
  @CalendarDate()
  deliverBy?: string;

  @ApiPropertyOptional({ example: 5, description: 'lead_time: days agreed' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  leadTimeDays?: number;

  @ApiPropertyOptional({ description: 'rush: the rush was agreed (default true)' })
  @IsOptional()
  @IsBoolean()
  rushApproved?: boolean;

  @ApiPropertyOptional({
    example: 0,
    description:
      'service_level: the on-time share the customer says we reach at most (0: "always late")',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  onTimeBpsAtMost?: number;

  @ApiPropertyOptional({
    example: '2026-11-27',
    description: 'promise: the day it was promised for',
  })
  @IsOptional()
  @CalendarDate()
  dueDate?: string;

  @ApiPropertyOptional({
    example: 'replacement pallet ships Friday',
    description: 'promise, other: the words said',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(/\S/, { message: 'text must not be blank' })
  text?: string;
}

export class ClaimCheckDto {
  @ApiProperty({ enum: CLAIM_CATEGORIES })
  @IsIn(CLAIM_CATEGORIES, { message: `category must be one of: ${CLAIM_CATEGORIES.join(', ')}` })
  category!: ClaimCategory;

  @ApiPropertyOptional({
    type: ClaimScopeDto,
    description: 'The order, quote or contract it is about',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ClaimScopeDto)
  scope?: ClaimScopeDto;

  @ApiPropertyOptional({ example: 'sam-sales', description: 'Who the customer says said it' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  allegedActorId?: string;

  @ApiPropertyOptional({
    example: '2026-11-20T14:05:00Z',
    description: 'When the customer says it was said',
  })
  @IsOptional()
  @IsISO8601(INSTANT)
  allegedAt?: string;

  @ApiPropertyOptional({
    type: AllegedWindowDto,
    description: 'Or a window, when they are not sure',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => AllegedWindowDto)
  allegedWindow?: AllegedWindowDto;

  @ApiPropertyOptional({ type: ClaimAssertionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ClaimAssertionDto)
  assertion?: ClaimAssertionDto;
}

/** The claim, plus how it reached the desk (channel, the customer's contact, when they made it). */
export class RecordClaimDto extends IntersectionType(ClaimCheckDto, RecordingDto) {
  @ApiPropertyOptional({ description: 'A UUID when absent' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  claimId?: string;
}

/** The domain's claim from a validated body: absent parts as null, the assertion as plain JSON. */
export function toClaim(dto: ClaimCheckDto): Claim {
  const assertion = dto.assertion ? toPlain<ClaimAssertion>(dto.assertion) : {};
  return {
    category: dto.category,
    scope: dto.scope ? { kind: dto.scope.kind, id: dto.scope.id } : null,
    allegedActorId: dto.allegedActorId ?? null,
    allegedAt: dto.allegedAt ? new Date(dto.allegedAt).toISOString() : null,
    allegedWindow: dto.allegedWindow
      ? {
          from: new Date(dto.allegedWindow.from).toISOString(),
          to: new Date(dto.allegedWindow.to).toISOString(),
        }
      : null,
    assertion,
  };
}
