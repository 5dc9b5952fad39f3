import { type Position, parsePosition } from '@onrecord/event-store';
import { InvalidLastEventIdError, InvalidPositionError } from './integrations.errors.js';

/**
 * Where a subscription starts. Positions are exclusive everywhere on this
 * API: `after` a position means the events that follow it, so the id of the
 * last event a consumer processed is exactly what it sends back.
 */
export type StreamStart =
  | { readonly kind: 'start' }
  | { readonly kind: 'now' }
  | { readonly kind: 'after'; readonly position: Position };

/** `start`, `now`, or a position (`42`, `42:40`); anything else is refused, never read as zero. */
export function parseStart(
  field: string,
  value: string,
  words: ReadonlyArray<'start' | 'now'> = ['start', 'now'],
): StreamStart {
  if ((words as readonly string[]).includes(value)) return { kind: value as 'start' | 'now' };
  const position = parsePosition(value);
  if (!position) throw new InvalidPositionError(field, value, words);
  return { kind: 'after', position };
}

/**
 * The start of a live stream: the standard `Last-Event-ID` header wins over
 * the `from` parameter, because a reconnecting EventSource repeats the
 * original URL and adds the header. An empty header means "no id yet" (an
 * EventSource that received none sends none); a malformed one is refused.
 */
export function streamStartOf(
  from: string | undefined,
  lastEventId: string | undefined,
): StreamStart {
  if (lastEventId !== undefined && lastEventId.trim() !== '') {
    const position = parsePosition(lastEventId.trim());
    if (!position) throw new InvalidLastEventIdError(lastEventId);
    return { kind: 'after', position };
  }
  return from === undefined || from === '' ? { kind: 'now' } : parseStart('from', from);
}
