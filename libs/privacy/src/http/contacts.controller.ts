import { Controller, Delete, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { type Caller, CurrentCaller, Roles } from '@onrecord/access';
import { PersonalDataService } from '../application/personal-data.service.js';

export class ContactParams {
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
    message: 'contactId must be 1-64 letters, digits, dots, dashes or underscores',
  })
  contactId!: string;
}

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('contacts')
export class ContactsController {
  constructor(@Inject(PersonalDataService) private readonly personalData: PersonalDataService) {}

  @Delete(':contactId/personal-data')
  @Roles('manager')
  @ApiOperation({
    summary:
      "Erase a contact's personal data: destroys its key; the erasure is recorded; every proof still verifies",
  })
  erase(
    @Param() params: ContactParams,
    @CurrentCaller() caller: Caller,
  ): Promise<{ contactId: string; erasedAt: string }> {
    return this.personalData.erase(params.contactId, { id: caller.actorId, role: caller.role });
  }
}
