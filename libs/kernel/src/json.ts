/** A value that survives a JSON round trip unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Names the first place where `value` is not plain JSON (undefined, a function,
 * a bigint, NaN or Infinity, a Date or other class instance), or null when it
 * is. Stored events must hash the same on every reader, so nothing that
 * JSON.stringify would silently drop or change is accepted.
 */
export function findNonJson(value: unknown, path = '$'): string | null {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `${path} is not a finite number`;
    case 'object': {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const problem = findNonJson(value[i], `${path}[${i}]`);
          if (problem) return problem;
        }
        return null;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return `${path} is not a plain object`;
      for (const [key, child] of Object.entries(value)) {
        const problem = findNonJson(child, `${path}.${key}`);
        if (problem) return problem;
      }
      return null;
    }
    default:
      return `${path} is a ${typeof value}, not JSON`;
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    findNonJson(value) === null
  );
}
