import { Controller, Get, Inject, Logger, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller, Roles } from '@onrecord/access';
import { EVENT_CATEGORIES, eventCatalogue } from '../domain/event-category.js';
import { parseEventFilter, splitList } from '../domain/event-filter.js';
import { InvalidPositionError, UnknownParameterError } from '../domain/integrations.errors.js';
import { streamStartOf } from '../domain/stream-start.js';
import { EventFeed } from '../application/event-feed.service.js';
import {
  LIVE_STREAM_OPTIONS,
  type LiveStreamOptions,
  type LiveStreamView,
  LiveStreamsService,
} from '../application/live-streams.service.js';
import { ServerSentEventsSink } from './server-sent-events.sink.js';

const STREAM_PARAMETERS = ['from', 'account', 'type', 'category'];

type Query = Record<string, string | string[] | undefined>;

/** The live stream options the HTTP side needs besides the service's own. */
export interface SinkOptions {
  readonly stallTimeoutMs: number;
}

/** Injection token of SinkOptions. */
export const SINK_OPTIONS = Symbol('SinkOptions');

@ApiTags('integrations')
@ApiBearerAuth()
@Controller('subscriptions')
export class SubscriptionsController {
  private readonly logger = new Logger('LiveStreams');

  constructor(
    @Inject(EventFeed) private readonly feed: EventFeed,
    @Inject(LiveStreamsService) private readonly streams: LiveStreamsService,
    @Inject(SINK_OPTIONS) private readonly sink: SinkOptions,
    @Inject(LIVE_STREAM_OPTIONS) private readonly options: LiveStreamOptions,
  ) {}

  @Get('events')
  @Roles('integration', 'auditor')
  @ApiOperation({
    summary:
      'Server-Sent Events: every account and policy event as a CloudEvents 1.0 JSON object, history first, then live',
    description:
      'Each event frame has `id:` = the global position and `data:` = the CloudEvent. One `event: caught-up` frame marks the switch from history to live. ' +
      'Reconnect with the standard Last-Event-ID header (EventSource does it) to resume right after the last event received. ' +
      'Heartbeat comments keep idle connections open.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Resume after this position (wins over `from`); malformed is a 400',
  })
  @ApiQuery({
    name: 'from',
    required: false,
    description: '`now` (default), `start`, or a position to continue after, e.g. `42`',
  })
  @ApiQuery({
    name: 'account',
    required: false,
    description: 'Account ids, repeated or comma-separated',
  })
  @ApiQuery({ name: 'type', required: false, description: 'Event types, e.g. PromiseMade' })
  @ApiQuery({ name: 'category', required: false, enum: EVENT_CATEGORIES, isArray: true })
  async events(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    const query = (request.query ?? {}) as Query;
    const unknown = Object.keys(query).filter((name) => !STREAM_PARAMETERS.includes(name));
    if (unknown.length > 0) throw new UnknownParameterError(unknown, STREAM_PARAMETERS);
    const from = query['from'];
    if (Array.isArray(from))
      throw new InvalidPositionError('from', from.join(','), ['start', 'now']);
    const filter = parseEventFilter(
      {
        accounts: splitList(query['account']),
        types: splitList(query['type']),
        categories: splitList(query['category']),
      },
      { accounts: 'account', types: 'type', categories: 'category' },
    );
    const lastEventId = request.headers['last-event-id'];
    const start = await this.feed.resolveStart(
      streamStartOf(from, Array.isArray(lastEventId) ? lastEventId.join(',') : lastEventId),
    );
    const slot = this.streams.reserve();

    // From here the response is ours: errors can no longer become problem+json.
    reply.hijack();
    const sink = new ServerSentEventsSink(reply.raw, this.sink.stallTimeoutMs, this.logger);
    try {
      sink.open({ 'x-request-id': String(request.id) });
    } catch (error) {
      slot.release();
      sink.end();
      this.logger.warn({ err: error }, 'could not open a live stream');
      return;
    }
    void this.streams.serve(
      sink,
      { filter, start, actorId: caller.actorId, role: caller.role },
      slot,
    );
  }

  @Get('catalogue')
  @Roles('integration', 'auditor', 'manager')
  @ApiOperation({ summary: 'The event categories and the types this server knows in each' })
  catalogue(): { categories: ReturnType<typeof eventCatalogue>; heartbeatMs: number } {
    return { categories: eventCatalogue(), heartbeatMs: this.options.heartbeatMs };
  }

  @Get('streams')
  @Roles('manager', 'auditor')
  @ApiOperation({
    summary:
      'Open live streams: who, where each is, and how much data waits for a slow client (backpressure)',
  })
  openStreams(): LiveStreamView[] {
    return this.streams.list();
  }
}
