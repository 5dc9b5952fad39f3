import { RecordMap } from './record-map.js';

describe('a record map', () => {
  it('holds what a plain object built by spreading would hold, in the same order', () => {
    let map = RecordMap.empty<number>();
    // Setting a member of a plain object in place orders it as spread-and-overwrite does.
    const plain: Record<string, number> = {};
    const firstRecorded: string[] = [];
    // 40 000 ids: the trie grows to three levels (32³ = 32 768).
    for (let i = 0; i < 40_000; i++) {
      const id = i % 7 === 0 ? String(i) : `id-${i}`;
      map = map.set(id, i);
      plain[id] = i;
      firstRecorded.push(id);
      if (i % 3 === 0) {
        map = map.update(`id-${i - 1}`, (value) => -value);
        const earlier = plain[`id-${i - 1}`];
        if (earlier !== undefined) plain[`id-${i - 1}`] = -earlier;
      }
    }
    expect(map.size).toBe(40_000);
    expect(Object.keys(map.toRecord())).toEqual(Object.keys(plain));
    expect(map.toRecord()).toEqual(plain);
    expect([...map.valuesInOrder()]).toEqual(firstRecorded.map((id) => plain[id]));
    for (const [id, value] of Object.entries(plain)) expect(map.get(id)).toBe(value);
    expect(map.get('id-40000')).toBeUndefined();
  });

  it('never changes a version it was derived from', () => {
    const base = RecordMap.empty<string>().set('a', 'A').set('b', 'B');
    const changed = base.set('a', 'A2');
    const grown = base.set('c', 'C');
    const grownAgain = changed.set('d', 'D');
    expect(base.toRecord()).toEqual({ a: 'A', b: 'B' });
    expect(changed.toRecord()).toEqual({ a: 'A2', b: 'B' });
    expect(grown.toRecord()).toEqual({ a: 'A', b: 'B', c: 'C' });
    expect(grownAgain.toRecord()).toEqual({ a: 'A2', b: 'B', d: 'D' });
    expect(grown.has('d')).toBe(false);
    expect(grownAgain.has('c')).toBe(false);
  });

  it('keeps an id in its first place when it is set again, and ignores updates of unknown ids', () => {
    const map = RecordMap.empty<number>().set('x', 1).set('y', 2).set('x', 3);
    expect(Object.entries(map.toRecord())).toEqual([
      ['x', 3],
      ['y', 2],
    ]);
    expect(map.update('nope', () => 9)).toBe(map);
  });

  it('gives each version its own values, in first-recorded order, without building a record', () => {
    const map = RecordMap.fromRecord({ b: 1, a: 2 }).set('c', 3);
    expect([...map.valuesInOrder()]).toEqual([1, 2, 3]);
  });

  it('stores an id named __proto__ as an ordinary member', () => {
    const record = RecordMap.empty<number>().set('__proto__', 1).toRecord();
    expect(Object.keys(record)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
  });
});
