import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

/** A whole number as a query string: digits, no sign, no leading zeros, below 2^53. */
const COUNT = /^(0|[1-9]\d{0,14})$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const count = (field: string) => ({ message: `${field} must be a whole number (0, 1, 2, …)` });

/** Query strings are text; a validated count becomes a number here, in one place. */
export function toCount(text: string): number;
export function toCount(text: string | undefined): number | undefined;
export function toCount(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

export class InclusionProofQuery {
  @ApiProperty({ description: 'The event id (UUID)' })
  @Matches(UUID, { message: 'eventId must be a UUID' })
  eventId!: string;

  @ApiPropertyOptional({
    description:
      'Prove inclusion in the tree of this many leaves; default the latest signed checkpoint (signed afresh when it does not cover the event)',
  })
  @IsOptional()
  @Matches(COUNT, count('treeSize'))
  treeSize?: string;
}

export class ConsistencyProofQuery {
  @ApiProperty({ description: 'The older tree size' })
  @Matches(COUNT, count('from'))
  from!: string;

  @ApiPropertyOptional({ description: 'The newer tree size; default the latest signed checkpoint' })
  @IsOptional()
  @Matches(COUNT, count('to'))
  to?: string;
}

export class CheckpointQuery {
  @ApiProperty({ description: 'Tree size of a checkpoint the ledger signed and kept' })
  @Matches(COUNT, count('treeSize'))
  treeSize!: string;
}

export class AccountExportParams {
  @ApiProperty()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, { message: 'accountId is not an account id' })
  accountId!: string;
}

export class AccountExportQuery {
  @ApiPropertyOptional({ description: 'First revision (default 0)' })
  @IsOptional()
  @Matches(COUNT, count('from'))
  from?: string;

  @ApiPropertyOptional({ description: "Last revision, inclusive (default the stream's last)" })
  @IsOptional()
  @Matches(COUNT, count('to'))
  to?: string;
}
