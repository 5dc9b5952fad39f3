// The claims capability: answering from the record. Callers outside this lib
// import from `@onrecord/claims`, never from its inner files.

export {
  CLAIM_CATEGORIES,
  SCOPE_KINDS,
  ASSERTION_FIELDS,
  InvalidClaimError,
  type Claim,
  type ClaimCategory,
  type ClaimScope,
  type ClaimAssertion,
  type TimeWindow,
} from './domain/claim.js';
export {
  checkClaim,
  VERDICTS,
  type Verdict,
  type Bearing,
  type ClaimCheck,
  type ClaimNote,
  type NoteCode,
  type Evidence,
  type InForce,
  type ServiceLevelMeasure,
} from './domain/claim-check.js';
export { CLAIM_RECORDED, type ClaimRecorded } from './domain/claims.events.js';
export { AccountIndex, type IndexedEntry } from './domain/account-index.js';
export { entryOf, type RecordEntry } from './domain/record-entry.js';
export { RECORD_CLOCKS, type RecordClock } from './domain/as-of.js';
export { TIMELINE_CATEGORIES, type TimelineCategory } from './domain/event-facets.js';
export { COST_TO_SERVE_WEIGHTS, type AccountRow, type RepRow } from './domain/portfolio.js';

export {
  ClaimsService,
  type ClaimAnswer,
  type RecordedClaim,
} from './application/claims.service.js';
export { AccountViewsService } from './application/account-views.service.js';
export { PortfolioService } from './application/portfolio.service.js';
export { PortfolioProjection, type ProjectionStatus } from './application/portfolio.projection.js';
export { SqliteProjectionCheckpoints } from './infrastructure/sqlite-projection-checkpoints.js';
export { ClaimsModule } from './claims.module.js';
