import { StreamIdIndex } from './stream-id-index.js';

const events = (from: number, through: number) =>
  Array.from({ length: through - from + 1 }, (_, i) => ({
    id: `id-${from + i}`,
    revision: from + i,
  }));

describe('StreamIdIndex', () => {
  it('given ids learnt from revision 0 on, when extended without a gap, then it knows every id and how far', () => {
    const index = new StreamIdIndex(100);
    index.extend('account-1', 0, 2, events(0, 2));
    index.extend('account-1', 3, 4, events(3, 4));

    expect(index.get('account-1')?.through).toBe(4);
    expect(index.get('account-1')?.ids.get('id-3')).toBe(3);
  });

  it('ignores what would leave a gap: a stream first seen past revision 0, or a page that does not follow on', () => {
    const index = new StreamIdIndex(100);
    index.extend('account-1', 5, 6, events(5, 6));
    index.extend('account-2', 0, 1, events(0, 1));
    index.extend('account-2', 3, 4, events(3, 4));

    expect(index.get('account-1')).toBeUndefined();
    expect(index.get('account-2')?.through).toBe(1);
    expect(index.get('account-2')?.ids.has('id-3')).toBe(false);
  });

  it('forgets the least recently used streams once it holds more ids than its capacity', () => {
    const index = new StreamIdIndex(4);
    index.extend('account-1', 0, 1, events(0, 1));
    index.extend('account-2', 0, 1, events(0, 1));
    index.get('account-1');
    index.extend('account-3', 0, 1, events(0, 1));

    expect(index.get('account-2')).toBeUndefined();
    expect(index.get('account-1')?.through).toBe(1);
    expect(index.get('account-3')?.through).toBe(1);
  });
});
