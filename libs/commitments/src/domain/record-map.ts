/**
 * An immutable map from string ids to records that shares structure between
 * versions: `set` returns a new map in O(log n) and leaves this one as it
 * was, where copying a plain object costs O(n) per change (and far more once
 * V8 turns a large object into a dictionary). The account state keeps its
 * quotes, orders, invoices… in these, so folding an event no longer costs
 * more the more the account holds.
 *
 * Entries keep the order in which their ids were first set, like the plain
 * object a spread-and-overwrite fold would build, so `toRecord` gives back
 * exactly that object.
 */
export class RecordMap<V> {
  private static readonly emptyMap = new RecordMap<never>(
    { ids: [], positions: new Map() },
    emptyVector(),
  );

  static empty<V>(): RecordMap<V> {
    return RecordMap.emptyMap;
  }

  static fromRecord<V>(record: Readonly<Record<string, V>>): RecordMap<V> {
    let map = RecordMap.empty<V>();
    for (const [id, value] of Object.entries(record)) map = map.set(id, value);
    return map;
  }

  /**
   * `order` is shared by every version descended from the same first map:
   * ids are only ever appended to it, and a version sees the first `size` of
   * them. A version that is not the newest and adds an id forks its own copy.
   */
  private constructor(
    private readonly order: IdOrder,
    private readonly values: Vector<V>,
  ) {}

  get size(): number {
    return this.values.size;
  }

  get(id: string): V | undefined {
    const position = this.positionOf(id);
    return position === undefined ? undefined : vectorGet(this.values, position);
  }

  has(id: string): boolean {
    return this.positionOf(id) !== undefined;
  }

  /** A map with `id` set to `value`; an id already present keeps its place in the order. */
  set(id: string, value: V): RecordMap<V> {
    const position = this.positionOf(id);
    if (position !== undefined)
      return new RecordMap(this.order, vectorSet(this.values, position, value));
    let order = this.order;
    if (order.ids.length !== this.size) order = forkOrder(order, this.size);
    order.positions.set(id, this.size);
    order.ids.push(id);
    return new RecordMap(order, vectorPush(this.values, value));
  }

  /** `change` applied to the record under `id`; an unknown id leaves the map as it is. */
  update(id: string, change: (value: V) => V): RecordMap<V> {
    const position = this.positionOf(id);
    if (position === undefined) return this;
    return new RecordMap(
      this.order,
      vectorSet(this.values, position, change(vectorGet(this.values, position))),
    );
  }

  *valuesInOrder(): IterableIterator<V> {
    for (let i = 0; i < this.size; i++) yield vectorGet(this.values, i);
  }

  /** A new plain object with the entries in order: what the old spread-based fold held. */
  toRecord(): Record<string, V> {
    const record: Record<string, V> = {};
    for (let i = 0; i < this.size; i++) {
      const id = this.order.ids[i]!;
      const value = vectorGet(this.values, i);
      // `record[id] = …` would set the prototype for this one id.
      if (id === '__proto__')
        Object.defineProperty(record, id, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else record[id] = value;
    }
    return record;
  }

  private positionOf(id: string): number | undefined {
    const position = this.order.positions.get(id);
    // Ids appended by newer versions are not in this one.
    return position !== undefined && position < this.size ? position : undefined;
  }
}

interface IdOrder {
  readonly ids: string[];
  readonly positions: Map<string, number>;
}

function forkOrder(order: IdOrder, size: number): IdOrder {
  const ids = order.ids.slice(0, size);
  return { ids, positions: new Map(ids.map((id, i) => [id, i])) };
}

// A persistent vector: a trie of 32-wide nodes, updated by copying the path.

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

type Trie<V> = ReadonlyArray<V | Trie<V>>;

interface Vector<V> {
  readonly size: number;
  /** Bits of the index the root node consumes: 0 when the root is a leaf. */
  readonly shift: number;
  readonly root: Trie<V>;
}

function emptyVector<V>(): Vector<V> {
  return { size: 0, shift: 0, root: [] };
}

function vectorGet<V>(vector: Vector<V>, index: number): V {
  let node = vector.root;
  for (let shift = vector.shift; shift > 0; shift -= BITS)
    node = node[(index >>> shift) & MASK] as Trie<V>;
  return node[index & MASK] as V;
}

function vectorSet<V>(vector: Vector<V>, index: number, value: V): Vector<V> {
  return { ...vector, root: setIn(vector.root, vector.shift, index, value) };
}

function setIn<V>(node: Trie<V> | undefined, shift: number, index: number, value: V): Trie<V> {
  const copy = node ? node.slice() : [];
  const slot = (index >>> shift) & MASK;
  copy[slot] =
    shift === 0 ? value : setIn(copy[slot] as Trie<V> | undefined, shift - BITS, index, value);
  return copy;
}

function vectorPush<V>(vector: Vector<V>, value: V): Vector<V> {
  const { size, shift, root } = vector;
  // The trie is full at this height: the old root becomes the first child of a new one.
  if (size === 1 << (shift + BITS)) {
    return { size: size + 1, shift: shift + BITS, root: setIn([root], shift + BITS, size, value) };
  }
  return { size: size + 1, shift, root: setIn(root, shift, size, value) };
}
