import { Global, Module } from '@nestjs/common';
import { registerProblemStatuses } from '@onrecord/platform';
import { PersonalDataService } from './application/personal-data.service.js';
import { ContactsController } from './http/contacts.controller.js';

registerProblemStatuses({ 'contact-id-required': 400, 'contact-not-found': 404 });

/** Personal data of customer contacts: sealed on the way in, revealed or marked erased on the way out. */
@Global()
@Module({
  controllers: [ContactsController],
  providers: [PersonalDataService],
  exports: [PersonalDataService],
})
export class PrivacyModule {}
