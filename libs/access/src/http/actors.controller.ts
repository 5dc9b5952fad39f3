import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ActorNotFoundError } from '../domain/access-errors.js';
import type { Caller } from '../domain/roles.js';
import { AccessService, type IssuedKey } from '../application/access.service.js';
import { ActorDirectory, type ActorView } from '../application/actor-directory.js';
import { CurrentCaller, Roles } from './auth.decorators.js';
import { IssuedKeyDto, RegisterActorDto } from './actors.dto.js';

@ApiTags('actors')
@ApiBearerAuth()
@Controller()
export class ActorsController {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(ActorDirectory) private readonly directory: ActorDirectory,
  ) {}

  @Post('actors')
  @Roles('manager')
  @ApiOperation({
    summary: 'Register an actor with a role; answers with its first API key (shown once)',
  })
  @ApiCreatedResponse({ type: IssuedKeyDto })
  register(@Body() body: RegisterActorDto, @CurrentCaller() caller: Caller): Promise<IssuedKey> {
    return this.access.registerActor(
      { ...(body.id ? { actorId: body.id } : {}), name: body.name, role: body.role },
      caller,
    );
  }

  @Get('actors')
  @Roles('manager', 'auditor')
  @ApiOperation({ summary: 'List actors, their roles and key ids (never keys or hashes)' })
  list(): ActorView[] {
    return this.directory.list();
  }

  @Get('actors/:id')
  @Roles('manager', 'auditor')
  get(@Param('id') id: string): ActorView {
    const actor = this.directory.get(id);
    if (!actor) throw new ActorNotFoundError(id);
    return actor;
  }

  @Post('actors/:id/keys')
  @Roles('manager')
  @ApiOperation({ summary: 'Issue another API key to an actor (shown once)' })
  @ApiCreatedResponse({ type: IssuedKeyDto })
  issueKey(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<IssuedKey> {
    return this.access.issueKey(id, caller);
  }

  @Delete('actors/:id/keys/:keyId')
  @Roles('manager')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; it stops working at once' })
  async revoke(
    @Param('id') id: string,
    @Param('keyId') keyId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    await this.access.revokeKey(id, keyId, caller);
  }

  @Get('me')
  @ApiOperation({ summary: 'Who the presented API key belongs to' })
  me(@CurrentCaller() caller: Caller): Caller {
    return caller;
  }
}
