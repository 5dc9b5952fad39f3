import type { StoredEvent } from '../domain/envelope.js';
import type { AllFilter, ReadStreamOptions } from '../event-store.port.js';

export function matchesFilter(event: StoredEvent, filter: AllFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.streamPrefixes && filter.streamPrefixes.length > 0) {
    if (!filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) return false;
  }
  if (filter.eventTypes && filter.eventTypes.length > 0) {
    if (!filter.eventTypes.includes(event.type)) return false;
  }
  return true;
}

/** Applies ReadStreamOptions to a stream held in revision order. */
export function sliceStream(
  stream: readonly StoredEvent[],
  options: ReadStreamOptions,
): StoredEvent[] {
  const direction = options.direction ?? 'forwards';
  const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
  if (direction === 'forwards') {
    const from = options.fromRevision ?? 'start';
    if (from === 'end') return [];
    const start = from === 'start' ? 0 : from;
    return stream.slice(start, start + Math.min(max, stream.length));
  }
  const from = options.fromRevision ?? 'end';
  if (from === 'start') return [];
  const start = from === 'end' ? stream.length - 1 : Math.min(from, stream.length - 1);
  const out: StoredEvent[] = [];
  for (let i = start; i >= 0 && out.length < max; i--) out.push(stream[i]!);
  return out;
}

/** Runs synchronous store work and hands its outcome back as a promise, as the port promises. */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
