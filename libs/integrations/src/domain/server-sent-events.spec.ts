import { sseComment, sseEvent, sseRetry } from './server-sent-events.js';

describe('the text/event-stream format', () => {
  it('writes id, event and data lines ended by a blank line', () => {
    expect(sseEvent({ id: '42', data: '{"a":1}' })).toBe('id: 42\ndata: {"a":1}\n\n');
    expect(sseEvent({ event: 'caught-up', data: '{}' })).toBe('event: caught-up\ndata: {}\n\n');
  });

  it('splits a value with line breaks into several lines, so a payload cannot inject a field', () => {
    expect(sseEvent({ data: 'one\nid: 999\r\ntwo' })).toBe(
      'data: one\ndata: id: 999\ndata: two\n\n',
    );
  });

  it('writes comments and the retry hint', () => {
    expect(sseComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(sseRetry(2000)).toBe('retry: 2000\n\n');
  });
});
