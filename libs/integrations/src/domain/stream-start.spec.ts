import { InvalidLastEventIdError, InvalidPositionError } from './integrations.errors.js';
import { parseStart, streamStartOf } from './stream-start.js';

describe('where a stream starts', () => {
  it('given a Last-Event-ID, resumes after it whatever `from` says', () => {
    expect(streamStartOf('start', '42')).toEqual({
      kind: 'after',
      position: { commit: 42n, prepare: 42n },
    });
    expect(streamStartOf(undefined, '42:40')).toEqual({
      kind: 'after',
      position: { commit: 42n, prepare: 40n },
    });
  });

  it('given a malformed Last-Event-ID, refuses it rather than starting from zero', () => {
    for (const bad of ['abc', '-1', '4 2', '42:', '1e3']) {
      expect(() => streamStartOf('start', bad)).toThrow(InvalidLastEventIdError);
    }
  });

  it('given an empty Last-Event-ID (no id yet), falls back to `from`, which defaults to now', () => {
    expect(streamStartOf('start', '')).toEqual({ kind: 'start' });
    expect(streamStartOf(undefined, undefined)).toEqual({ kind: 'now' });
  });

  it('takes only the words it was given besides positions', () => {
    expect(parseStart('from', 'now')).toEqual({ kind: 'now' });
    expect(() => parseStart('from', 'now', ['start'])).toThrow(InvalidPositionError);
    expect(() => parseStart('from', 'yesterday')).toThrow(InvalidPositionError);
  });
});
