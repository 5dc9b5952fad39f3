import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { toPlain } from '@onrecord/platform';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';

export const CHANNELS = ['phone', 'email', 'meeting', 'portal', 'chat', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const ID_MESSAGE = '$property must be 1-64 letters, digits, dots, dashes or underscores';

/** The customer's contact it was said to. */
export class CounterpartyDto {
  @ApiPropertyOptional({ example: 'c-1042', description: 'The contact id in your CRM' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  contactId?: string;
  @ApiPropertyOptional({ example: 'Pat Buyer' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
  @ApiPropertyOptional({ example: 'pat@acme.example' }) @IsOptional() @IsEmail() email?: string;
  @ApiPropertyOptional({ example: '+1 555 0100' })
  @IsOptional()
  @Matches(/^\+?[0-9 ().-]{3,40}$/)
  phone?: string;
  @ApiPropertyOptional({ example: 'Purchasing lead' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;
}

/** A document backing the record: where it is and its SHA-256, so it can be checked later. */
export class EvidenceRefDto {
  @ApiProperty({ example: 'https://dms.example.com/docs/7731.pdf' })
  @IsUrl({ require_protocol: true, protocols: ['http', 'https', 's3', 'file'], require_tld: false })
  uri!: string;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lowercase hex characters' })
  sha256!: string;
}

/**
 * What every recording request carries besides the command: when it was said
 * (defaults to now; never in the future), how, and to whom. Who said it is
 * never here: it is the authenticated caller.
 */
export class RecordingDto {
  @ApiPropertyOptional({
    example: '2026-11-20T14:05:00Z',
    description: 'When it was said; defaults to now',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  occurredAt?: string;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS, { message: `channel must be one of: ${CHANNELS.join(', ')}` })
  channel!: Channel;

  @ApiPropertyOptional({ type: CounterpartyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CounterpartyDto)
  counterparty?: CounterpartyDto;

  @ApiPropertyOptional({ type: [EvidenceRefDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => EvidenceRefDto)
  evidence?: EvidenceRefDto[];
}

const RECORDING_FIELDS = new Set(['occurredAt', 'channel', 'counterparty', 'evidence']);

/** Splits a validated body into its recording envelope and the command's own data (plain JSON). */
export function splitRecording<T>(body: RecordingDto): {
  recording: {
    occurredAt?: string;
    channel: string;
    counterparty?: Record<string, string>;
    evidence?: Array<{ uri: string; sha256: string }>;
  };
  data: T;
} {
  const plain = toPlain<Record<string, unknown>>(body);
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plain))
    if (!RECORDING_FIELDS.has(key)) data[key] = value;
  return {
    recording: {
      channel: body.channel,
      ...(body.occurredAt ? { occurredAt: body.occurredAt } : {}),
      ...(plain['counterparty']
        ? { counterparty: plain['counterparty'] as Record<string, string> }
        : {}),
      ...(plain['evidence']
        ? { evidence: plain['evidence'] as Array<{ uri: string; sha256: string }> }
        : {}),
    },
    data: data as T,
  };
}
