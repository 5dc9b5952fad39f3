import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { EVENT_CATEGORIES } from '../domain/event-category.js';
import { MAX_FILTER_VALUES } from '../domain/event-filter.js';
import { MAX_WEBHOOK_URL_LENGTH } from '../domain/webhook.js';

/** Shapes only; the values are checked by the domain (parseEventFilter), in one place for SSE and webhooks. */
export class WebhookFilterDto {
  @ApiPropertyOptional({ type: [String], example: ['acme'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FILTER_VALUES)
  @IsString({ each: true })
  accounts?: string[];

  @ApiPropertyOptional({ type: [String], example: ['PromiseMade', 'PromiseBroken'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FILTER_VALUES)
  @IsString({ each: true })
  types?: string[];

  @ApiPropertyOptional({ enum: EVENT_CATEGORIES, isArray: true, example: ['orders', 'billing'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FILTER_VALUES)
  @IsString({ each: true })
  categories?: string[];
}

export class RegisterWebhookDto {
  @ApiProperty({
    example: 'https://erp.example.com/onrecord/events',
    description: 'http or https only',
  })
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url!: string;

  @ApiPropertyOptional({ example: 'ERP order sync' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  description?: string;

  @ApiPropertyOptional({ type: WebhookFilterDto, description: 'Default: every event' })
  @IsOptional()
  @ValidateNested()
  @Type(() => WebhookFilterDto)
  filter?: WebhookFilterDto;

  @ApiPropertyOptional({
    description: '`whsec_` + base64 of 24-64 random bytes; generated and shown once when left out',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  secret?: string;

  @ApiPropertyOptional({
    description:
      '`now` (default): only events recorded from now on; `start`: all history; or a position to continue after',
    example: 'now',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  from?: string;
}

export class ReplayWebhookDto {
  @ApiProperty({
    description:
      '`start` to deliver everything again, or a position: delivery continues with the events after it',
    example: '41',
  })
  @IsString()
  @MaxLength(64)
  from!: string;
}

export class DeliveriesQuery {
  @ApiPropertyOptional({ description: 'Attempts to show, newest first (1-500, default 50)' })
  @IsOptional()
  @Matches(/^([1-9]\d{0,1}|[1-4]\d{2}|500)$/, {
    message: 'limit must be a whole number from 1 to 500',
  })
  limit?: string;
}

export class WebhookIdParams {
  @ApiProperty()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    message: 'id must be a webhook id (a UUID)',
  })
  id!: string;
}
