/**
 * The text/event-stream wire format (WHATWG HTML, "Server-sent events").
 * Frames end with a blank line; a field value may not hold a line break, so
 * multi-line data becomes several `data:` lines, which the client joins.
 */

function lines(field: string, value: string): string {
  return value
    .split(/\r\n|\r|\n/)
    .map((line) => `${field}: ${line}\n`)
    .join('');
}

/** An event frame. Without `event`, clients dispatch it as `message`. */
export function sseEvent(frame: { id?: string; event?: string; data: string }): string {
  return (
    (frame.id === undefined ? '' : lines('id', frame.id)) +
    (frame.event === undefined ? '' : lines('event', frame.event)) +
    lines('data', frame.data) +
    '\n'
  );
}

/** A comment: clients ignore it; proxies see traffic and keep the connection open. */
export function sseComment(text: string): string {
  return `${lines('', text)}\n`;
}

/** Tells the client how long to wait before reconnecting. */
export function sseRetry(milliseconds: number): string {
  return `retry: ${Math.max(0, Math.floor(milliseconds))}\n\n`;
}
