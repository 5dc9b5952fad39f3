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
 * builds them); events store plain objects only.
 */
export function toPlain<T>(dto: object): T {
  return JSON.parse(JSON.stringify(dto)) as T;
}
