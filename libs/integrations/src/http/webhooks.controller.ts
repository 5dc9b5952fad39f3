import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type Caller, CurrentCaller, Roles } from '@onrecord/access';
import { parseEventFilter } from '../domain/event-filter.js';
import { parseStart } from '../domain/stream-start.js';
import {
  type DeliveriesView,
  type RegisteredWebhook,
  type WebhookView,
  WebhooksService,
} from '../application/webhooks.service.js';
import {
  DeliveriesQuery,
  RegisterWebhookDto,
  ReplayWebhookDto,
  WebhookIdParams,
} from './webhooks.dto.js';

/** Who made a change, as the registry stream records it: from the credential, never the body. */
function actorOf(caller: Caller): { id: string; role: string } {
  return { id: caller.actorId, role: caller.role };
}

/**
 * Managers register and steer webhooks; auditors may look. Integration keys
 * only consume (the stream, or the deliveries at their receiver).
 */
@ApiTags('integrations')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(@Inject(WebhooksService) private readonly webhooks: WebhooksService) {}

  @Post()
  @Roles('manager')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Register a receiver: URL, filter and signing secret (generated and shown once when not given)',
  })
  async register(
    @Body() body: RegisterWebhookDto,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegisteredWebhook> {
    const registered = await this.webhooks.register(
      {
        url: body.url,
        description: body.description ?? null,
        filter: parseEventFilter(body.filter ?? {}),
        secret: body.secret ?? null,
        start: parseStart('from', body.from ?? 'now'),
      },
      actorOf(caller),
    );
    void reply.header('location', `/webhooks/${registered.id}`);
    void reply.header('cache-control', 'no-store');
    return registered;
  }

  @Get()
  @Roles('manager', 'auditor')
  @ApiOperation({ summary: 'Every webhook with its delivery state (never the secret)' })
  list(): Promise<WebhookView[]> {
    return this.webhooks.list();
  }

  @Get(':id')
  @Roles('manager', 'auditor')
  get(@Param() params: WebhookIdParams): Promise<WebhookView> {
    return this.webhooks.get(params.id);
  }

  @Delete(':id')
  @Roles('manager')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop and forget a webhook, its secret and its deliveries log' })
  async remove(@Param() params: WebhookIdParams, @CurrentCaller() caller: Caller): Promise<void> {
    await this.webhooks.remove(params.id, actorOf(caller));
  }

  @Get(':id/deliveries')
  @Roles('manager', 'auditor')
  @ApiOperation({
    summary:
      "Delivery attempts (newest first) with status codes, errors and the next retry; the event held back, if any. The attempts are the answering replica's own (answeredBy): ask the one delivering",
  })
  deliveries(
    @Param() params: WebhookIdParams,
    @Query() query: DeliveriesQuery,
  ): Promise<DeliveriesView> {
    return this.webhooks.deliveries(
      params.id,
      query.limit === undefined ? 50 : Number(query.limit),
    );
  }

  @Post(':id/pause')
  @Roles('manager')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop delivering; undelivered events wait' })
  pause(@Param() params: WebhookIdParams, @CurrentCaller() caller: Caller): Promise<WebhookView> {
    return this.webhooks.pause(params.id, actorOf(caller));
  }

  @Post(':id/resume')
  @Roles('manager')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deliver again from where it stopped, with a fresh failure count' })
  resume(@Param() params: WebhookIdParams, @CurrentCaller() caller: Caller): Promise<WebhookView> {
    return this.webhooks.resume(params.id, actorOf(caller));
  }

  @Post(':id/replay')
  @Roles('manager')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Deliver from another place: `start`, or the events after a position (resumes a paused webhook)',
  })
  replay(
    @Param() params: WebhookIdParams,
    @Body() body: ReplayWebhookDto,
    @CurrentCaller() caller: Caller,
  ): Promise<WebhookView> {
    return this.webhooks.replay(
      params.id,
      parseStart('from', body.from, ['start']),
      actorOf(caller),
    );
  }
}
