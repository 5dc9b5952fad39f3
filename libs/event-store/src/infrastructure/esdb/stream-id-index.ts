/** The ids of one stream's events up to a revision. */
export interface StreamIds {
  /** Event id → revision. */
  readonly ids: ReadonlyMap<string, number>;
  /** The ids of every event up to and including this revision are known. */
  readonly through: number;
}

/**
 * Event ids of recently appended-to streams, so that recognising a re-sent
 * `any` / `stream_exists` append (whose events could be anywhere in the
 * stream) costs one full scan the first time a stream is seen, then only a
 * read of what was written since. It holds facts that never change in an
 * append-only stream, so a stale entry is merely incomplete, never wrong;
 * the least recently used streams are forgotten beyond `maxIds` ids.
 */
export class StreamIdIndex {
  private readonly streams = new Map<string, { ids: Map<string, number>; through: number }>();
  private size = 0;

  constructor(private readonly maxIds: number) {}

  get(streamId: string): StreamIds | undefined {
    const entry = this.streams.get(streamId);
    if (entry) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.streams.delete(streamId);
      this.streams.set(streamId, entry);
    }
    return entry;
  }

  /**
   * Records the ids of events `from`…`through` (all of them, none missing).
   * Ignored unless they continue what is known, so a gap can never creep in.
   */
  extend(
    streamId: string,
    from: number,
    through: number,
    events: Iterable<{ id: string; revision: number }>,
  ): void {
    let entry = this.streams.get(streamId);
    if (!entry) {
      if (from !== 0) return;
      entry = { ids: new Map(), through: -1 };
    }
    if (from !== entry.through + 1 || through < entry.through) return;
    for (const event of events) {
      if (event.revision < from || event.revision > through) continue;
      if (!entry.ids.has(event.id)) this.size += 1;
      entry.ids.set(event.id, event.revision);
    }
    entry.through = through;
    this.streams.delete(streamId);
    this.streams.set(streamId, entry);
    for (const [oldest, evicted] of this.streams) {
      if (this.size <= this.maxIds || oldest === streamId) break;
      this.streams.delete(oldest);
      this.size -= evicted.ids.size;
    }
  }
}
