export {
  type AppConfig,
  ConfigError,
  DEFAULT_BODY_LIMIT,
  readAppConfig,
} from './infrastructure/app-config.js';
export { createRootLogger, PinoNestLogger } from './infrastructure/pino-logger.js';
export { StoreModule } from './infrastructure/store.module.js';
export { type PrivateFileOptions, readPrivateFile } from './infrastructure/private-file.js';
export { APP_CONFIG } from './infrastructure/tokens.js';
export { type ProblemDetails, PROBLEM_CONTENT_TYPE, problemType } from './http/problem-details.js';
export {
  ProblemDetailsFilter,
  RequestValidationError,
  type FieldError,
  statusForCode,
  registerProblemStatuses,
  toProblem,
} from './http/problem-details.filter.js';
export {
  IdempotencyInterceptor,
  IDEMPOTENCY_HEADER,
  REPLAYED_HEADER,
} from './http/idempotency.interceptor.js';
export {
  IdempotencyStore,
  IdempotencyKeyReusedError,
  deterministicEventId,
  type RememberedResponse,
} from './application/idempotency.js';
export { createValidationPipe, toPlain } from './http/validation.pipe.js';
export { RequestLogController, type RequestLogLevel } from './http/request-log.js';
export {
  CommandHandler,
  type CommandRequest,
  type CommandResult,
  type DomainEvent,
  type Fold,
  MAX_COMMAND_ATTEMPTS,
} from './application/command-handler.js';
export {
  BackgroundWorkLeader,
  BACKGROUND_WORK_LEASE,
  DEFAULT_LEASE_TTL_MS,
  LEASE_STREAM_PREFIX,
  Lease,
  type LeaseOptions,
  type LeaseState,
  WORKER_CONFIG,
  type WorkerConfig,
  type WorkerMode,
} from './application/lease.js';
export { BackgroundWorkModule, readWorkerConfig } from './application/lease.module.js';
