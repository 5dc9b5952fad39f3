import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError, RequestValidationError } from './problem-details.filter.js';

function flatten(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own: FieldError[] = error.constraints
      ? [{ field, messages: Object.values(error.constraints) }]
      : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Validation for every endpoint: unknown fields are rejected, payloads are
 * turned into DTO instances, and every offending field is listed.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(flatten(errors)),
  });
}

/**
 * A validated DTO as plain JSON data. DTOs are class instances (class-transformer
 * builds them); events store plain objects only. The same value as
 * JSON.parse(JSON.stringify(dto)), copied directly instead of through text:
 * every recording request makes one.
 */
export function toPlain<T>(dto: object): T {
  return plainJson(dto, '') as T;
}

/** What JSON.parse(JSON.stringify(value)) would give for a member `key` (undefined: left out). */
function plainJson(value: unknown, key: string): unknown {
  if (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    'toJSON' in value
  ) {
    const toJSON = value.toJSON;
    if (typeof toJSON === 'function') value = (toJSON as (key: string) => unknown).call(value, key);
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON writes NaN and ±Infinity as null, and -0 as 0.
      return Number.isFinite(value) ? value + 0 : null;
    case 'object':
      break;
    case 'bigint':
      return JSON.stringify(value); // throws, as JSON.stringify does
    default:
      return undefined;
  }
  if (value === null) return null;
  if (value instanceof Number || value instanceof String || value instanceof Boolean)
    return JSON.parse(JSON.stringify(value)) as unknown;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    // Holes, undefined and functions become null, as in JSON.
    for (let i = 0; i < value.length; i++) items.push(plainJson(value[i], String(i)) ?? null);
    return items;
  }
  const plain: Record<string, unknown> = {};
  for (const member of Object.keys(value)) {
    const copy = plainJson((value as Record<string, unknown>)[member], member);
    if (copy === undefined) continue;
    // `plain[member] = …` would set the prototype for this one name.
    if (member === '__proto__')
      Object.defineProperty(plain, member, {
        value: copy,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else plain[member] = copy;
  }
  return plain;
}
