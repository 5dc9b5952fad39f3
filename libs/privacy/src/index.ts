export {
  PERSONAL_FIELDS,
  type Counterparty,
  type SealedCounterparty,
  type RevealedCounterparty,
  isSealedCounterparty,
} from './domain/personal-data.js';
export {
  PersonalDataService,
  ContactIdRequiredError,
  ContactNotFoundError,
  contactStreamId,
} from './application/personal-data.service.js';
export { PrivacyModule } from './privacy.module.js';
