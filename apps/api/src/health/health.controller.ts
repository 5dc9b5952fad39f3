import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EventStore } from '@onrecord/event-store';
import { Public } from '@onrecord/access';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  /** Liveness (the process answers) and readiness (the store answers). */
  @Get()
  @ApiOperation({ summary: 'Liveness and store readiness; 503 when the store is not ready' })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<object> {
    const store = await this.store.health();
    if (!store.ready) void reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: store.ready ? 'ok' : 'unavailable', store };
  }
}
