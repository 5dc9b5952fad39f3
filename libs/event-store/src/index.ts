export {
  type Actor,
  type EventMetadata,
  type NewEvent,
  type StoredEvent,
  type Position,
  type ExpectedRevision,
  type AppendResult,
  formatPosition,
  parsePosition,
  comparePositions,
  sequencePosition,
} from './domain/envelope.js';
export {
  WrongExpectedRevisionError,
  EventIdConflictError,
  InvalidEventError,
  CorruptEventError,
  StoreClosedError,
} from './domain/event-store-errors.js';
export {
  GENESIS_HASH,
  canonicalBody,
  canonicalEnvelope,
  hashedBodyObject,
  chainHash,
  findChainBreak,
  type ChainBreak,
  type HashedBody,
} from './domain/hash-chain.js';
export { MAX_EVENT_BYTES, MAX_EVENTS_PER_APPEND } from './domain/append-rules.js';
export {
  EventStore,
  type AllFilter,
  type AppendOptions,
  type ReadStreamOptions,
  type ReadAllOptions,
  type SubscribeToAllOptions,
  type SubscribeToStreamOptions,
  type Subscription,
  type SubscriptionItem,
  type StoreHealth,
} from './event-store.port.js';
export { verifyStream, type StreamVerification } from './verify-stream.js';
export { InMemoryEventStore } from './infrastructure/in-memory-event-store.js';
export {
  SqliteEventStore,
  type SqliteEventStoreOptions,
} from './infrastructure/sqlite-event-store.js';
export {
  EsdbEventStore,
  type EsdbEventStoreOptions,
} from './infrastructure/esdb/esdb-event-store.js';
export {
  openEventStore,
  type StoreConfig,
  parseStoreConfig,
} from './infrastructure/open-event-store.js';
