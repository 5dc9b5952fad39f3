import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

const BPS = { min: 0, max: 10_000 } as const;

export class RoleAuthorityDto {
  @ApiProperty({ description: 'Largest total price discount on one quote or order, bps' })
  @IsInt()
  @Min(BPS.min)
  @Max(BPS.max)
  maxDiscountBps!: number;
  @ApiProperty() @IsBoolean() mayPayFreight!: boolean;
  @ApiProperty() @IsBoolean() mayAbsorbExpediteCost!: boolean;
  @ApiProperty({ description: 'Largest credit note, minor units of the policy currency' })
  @IsInt()
  @Min(0)
  maxCreditMinor!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(365) maxNetDays!: number;
  @ApiProperty() @IsBoolean() mayStateEarlyPaymentDiscount!: boolean;
}

export class AuthorityDto {
  @ApiProperty({ type: RoleAuthorityDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => RoleAuthorityDto)
  service!: RoleAuthorityDto;
  @ApiProperty({ type: RoleAuthorityDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => RoleAuthorityDto)
  sales!: RoleAuthorityDto;
  @ApiProperty({ type: RoleAuthorityDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => RoleAuthorityDto)
  manager!: RoleAuthorityDto;
}

export class FreightRuleDto {
  @ApiProperty({ description: "Freight cost may be at most this share of the order's GP, bps" })
  @IsInt()
  @Min(BPS.min)
  @Max(BPS.max)
  maxShareOfOrderGrossProfitBps!: number;
}

export class CatalogueConcessionDto {
  @ApiProperty({ example: 'extended-warranty' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/)
  code!: string;
  @ApiProperty({ example: 'Warranty extended by 12 months' })
  @IsString()
  @Length(1, 500)
  description!: string;
}

export class DefaultLeadTimesDto {
  @ApiProperty() @IsInt() @Min(0) @Max(3650) blanket!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(3650) kanban!: number;
  @ApiProperty() @IsInt() @Min(0) @Max(3650) standard!: number;
}

export class EarlyPaymentDiscountDto {
  @ApiProperty({ example: 200 }) @IsInt() @Min(BPS.min) @Max(BPS.max) bps!: number;
  @ApiProperty({ example: 10 }) @IsInt() @Min(0) @Max(365) withinDays!: number;
}

export class PaymentTermsRuleDto {
  @ApiProperty({ type: [Number], example: [30, 45] })
  @IsArray()
  @ArrayMinSize(1)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(365, { each: true })
  allowedNetDays!: number[];
  @ApiProperty({ type: [EarlyPaymentDiscountDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EarlyPaymentDiscountDto)
  earlyPaymentDiscounts!: EarlyPaymentDiscountDto[];
}

export class TierEntitlementsDto {
  @ApiProperty() @IsInt() @Min(BPS.min) @Max(BPS.max) maxDiscountBps!: number;
  @ApiProperty({
    nullable: true,
    description: 'Orders with at least this revenue ship free; null: never',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  freeFreightThresholdMinor!: number | null;
  @ApiProperty() @IsInt() @Min(BPS.min) @Max(BPS.max) rebateBps!: number;
  @ApiProperty({ type: [String] })
  @IsArray()
  @IsString({ each: true })
  @Length(1, 500, { each: true })
  commitments!: string[];
}

export class EntitlementTierDto {
  @ApiProperty({ example: 'gold' }) @Matches(/^[a-z0-9][a-z0-9-]{0,31}$/) code!: string;
  @ApiProperty({ example: 'Gold' }) @IsString() @Length(1, 100) name!: string;
  @ApiProperty({ description: 'Trailing-12-month spend that unlocks the tier (0 for the first)' })
  @IsInt()
  @Min(0)
  minTrailingSpendMinor!: number;
  @ApiProperty({ type: TierEntitlementsDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => TierEntitlementsDto)
  entitlements!: TierEntitlementsDto;
}

/** The company's boundaries; every decision cites the version it was judged under. */
export class PolicyDto {
  @ApiProperty({ example: 'USD' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency!: string;
  @ApiProperty({ example: 2200, description: 'Gross-profit floor, bps of revenue' })
  @IsInt()
  @Min(BPS.min)
  @Max(BPS.max)
  grossProfitFloorBps!: number;
  @ApiProperty({ type: AuthorityDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => AuthorityDto)
  authority!: AuthorityDto;
  @ApiProperty({ type: FreightRuleDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => FreightRuleDto)
  freight!: FreightRuleDto;
  @ApiProperty({ type: [CatalogueConcessionDto] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CatalogueConcessionDto)
  concessionCatalogue!: CatalogueConcessionDto[];
  @ApiProperty({ type: DefaultLeadTimesDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => DefaultLeadTimesDto)
  defaultLeadTimeDays!: DefaultLeadTimesDto;
  @ApiProperty({
    example: 1440,
    description: 'Minutes after occurredAt past which a record counts as recorded late',
  })
  @IsInt()
  @Min(0)
  lateEntryThresholdMinutes!: number;
  @ApiProperty({ type: PaymentTermsRuleDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => PaymentTermsRuleDto)
  paymentTerms!: PaymentTermsRuleDto;
  @ApiProperty({ example: ['service', 'sales'] })
  @IsArray()
  @IsIn(['service', 'sales'], { each: true })
  escalationChain!: Array<'service' | 'sales'>;
  @ApiProperty({ type: [EntitlementTierDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => EntitlementTierDto)
  entitlementTiers!: EntitlementTierDto[];
}

export class PublishPolicyDto {
  @ApiProperty({ type: PolicyDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => PolicyDto)
  policy!: PolicyDto;
  @ApiPropertyOptional({ example: 'Floor raised to 22% for 2027' })
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  note?: string;
}
