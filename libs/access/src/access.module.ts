import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessService } from './application/access.service.js';
import { ActorDirectory } from './application/actor-directory.js';
import { ActorsController } from './http/actors.controller.js';
import { AuthGuard } from './http/auth.guard.js';

/** Actors, API keys and the guard that authenticates every route. */
@Module({
  controllers: [ActorsController],
  providers: [ActorDirectory, AccessService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ActorDirectory],
})
export class AccessModule {}
