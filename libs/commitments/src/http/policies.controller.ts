import { Body, Controller, Get, Inject, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Caller, CurrentCaller, Roles } from '@onrecord/access';
import { toPlain } from '@onrecord/platform';
import type { Policy } from '../domain/policy.js';
import {
  NoPolicyInForceError,
  PolicyService,
  type PolicyRecord,
} from '../application/policy.service.js';
import { PublishPolicyDto } from './policy.dto.js';

@ApiTags('policies')
@ApiBearerAuth()
@Controller('policies')
export class PoliciesController {
  constructor(@Inject(PolicyService) private readonly policies: PolicyService) {}

  @Post()
  @Roles('manager')
  @ApiOperation({
    summary: 'Publish a new policy version; decisions from now on are judged under it',
  })
  publish(@Body() body: PublishPolicyDto, @CurrentCaller() caller: Caller): Promise<PolicyRecord> {
    return this.policies.publish(toPlain<Policy>(body.policy), body.note, caller);
  }

  @Get('current')
  @ApiOperation({ summary: 'The policy in force now' })
  async current(): Promise<PolicyRecord> {
    const policy = await this.policies.current();
    if (!policy) throw new NoPolicyInForceError();
    return this.policies.version(policy.version);
  }

  @Get(':version')
  @ApiOperation({ summary: 'A published policy version, as it was' })
  version(@Param('version', ParseIntPipe) version: number): Promise<PolicyRecord> {
    return this.policies.version(version);
  }
}
