export { type JsonValue, type JsonObject, findNonJson, isJsonObject } from './json.js';
export { DomainError } from './domain-error.js';
export { Clock, SystemClock, FixedClock } from './clock.js';
export { canonicalJson } from './canonical-json.js';
