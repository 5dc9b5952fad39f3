/**
 * The stand-in's storage: an in-memory transaction log kept with
 * EventStoreDB's rules, without any gRPC. The service layer
 * (streams-service.ts) translates protocol messages to and from it.
 *
 * Positions model EventStoreDB's transaction file with explicit commit
 * records: every event of an append is a prepare record at its own byte
 * offset, followed by one commit record. An event's position is therefore
 * (commit = offset of its append's commit record, prepare = its own offset):
 * all events of one append share the commit half, prepare < commit always,
 * and (commit, prepare) order is log order. Real servers writing implicit
 * transactions report commit === prepare; keeping them apart here is what
 * makes a client that swaps or collapses the two halves fail its tests.
 */

/** One event as the log holds it. */
export interface LogEvent {
  readonly streamId: string;
  readonly revision: bigint;
  /** Lower-case UUID. */
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as the server reports `created`. */
  readonly created: bigint;
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export type ExpectedState =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export type AppendOutcome =
  | {
      readonly kind: 'success';
      /** Revision of the stream's last event of this append (or of the original, when idempotent). */
      readonly currentRevision: bigint;
      /** The append's commit record and first prepare, as the server acknowledges a commit. */
      readonly position: LogPosition;
      /** False when the append was recognised as a retry and nothing was written. */
      readonly written: boolean;
    }
  | {
      readonly kind: 'wrong_expected_version';
      readonly current: bigint | null;
      readonly expected: ExpectedState;
    };

/** Bytes a prepare record takes besides its payload (header, ids, flags, timestamps). */
const PREPARE_OVERHEAD = 82n;
/** Bytes of one commit record. */
const COMMIT_RECORD_SIZE = 37n;

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function positionOf(event: LogEvent): LogPosition {
  return { commit: event.commit, prepare: event.prepare };
}

export class StandinLog {
  private readonly events: LogEvent[] = [];
  private readonly streams = new Map<string, LogEvent[]>();
  private nextOffset = 0n;
  private version = 0;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly ticksNow: () => bigint = () => BigInt(Date.now()) * 10_000n) {}

  /** Every event in log order. Callers index into it; it only ever grows. */
  get all(): readonly LogEvent[] {
    return this.events;
  }

  stream(streamId: string): readonly LogEvent[] | undefined {
    return this.streams.get(streamId);
  }

  /**
   * Judges and applies one append atomically, with EventStoreDB's
   * optimistic-concurrency and idempotency rules:
   * - an exact expectation (no_stream counts as -1) below the current
   *   revision is a retry when the events after it carry the same ids in the
   *   same order (acknowledged, nothing written); no match or a partial match
   *   is a wrong expected version;
   * - `any` and `stream_exists` recognise a retry when the first event id is
   *   in the stream and the following ones match; a partial match is a wrong
   *   expected version. (The real server checks a bounded cache here, so it
   *   only does its best; the stand-in always finds it.)
   */
  append(
    streamId: string,
    expected: ExpectedState,
    proposed: readonly ProposedEvent[],
  ): AppendOutcome {
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length === 0 ? null : BigInt(stream.length - 1);
    const wrong: AppendOutcome = { kind: 'wrong_expected_version', current, expected };

    if (expected.kind === 'no_stream' || expected.kind === 'revision') {
      const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
      const currentRevision = current ?? -1n;
      if (expectedRevision > currentRevision) return wrong;
      if (expectedRevision < currentRevision) {
        return this.idempotentAt(stream, Number(expectedRevision + 1n), proposed) ?? wrong;
      }
    } else {
      if (expected.kind === 'stream_exists' && current === null) return wrong;
      const first = proposed[0];
      const at = first ? stream.findIndex((event) => event.id === first.id) : -1;
      if (at >= 0) return this.idempotentAt(stream, at, proposed) ?? wrong;
    }
    if (proposed.length === 0) {
      // An empty append only checks the expectation, as on the real server.
      return {
        kind: 'success',
        currentRevision: current ?? -1n,
        position: this.headPosition(),
        written: false,
      };
    }
    return this.write(streamId, stream, proposed);
  }

  /** Null when the proposed ids are not exactly the stored ones from `from` on (no match or partial). */
  private idempotentAt(
    stream: readonly LogEvent[],
    from: number,
    proposed: readonly ProposedEvent[],
  ): AppendOutcome | null {
    if (proposed.length === 0 || from + proposed.length > stream.length) return null;
    for (let i = 0; i < proposed.length; i++) {
      if (stream[from + i]!.id !== proposed[i]!.id) return null;
    }
    const last = stream[from + proposed.length - 1]!;
    const first = stream[from]!;
    return {
      kind: 'success',
      currentRevision: last.revision,
      position: { commit: last.commit, prepare: first.prepare },
      written: false,
    };
  }

  private write(
    streamId: string,
    stream: LogEvent[],
    proposed: readonly ProposedEvent[],
  ): AppendOutcome {
    const created = this.ticksNow();
    const transactionStart = this.nextOffset;
    let offset = transactionStart;
    const prepares = proposed.map((event) => {
      const at = offset;
      offset +=
        PREPARE_OVERHEAD +
        BigInt(
          Buffer.byteLength(streamId) +
            Buffer.byteLength(event.type) +
            event.data.length +
            event.customMetadata.length,
        );
      return at;
    });
    const commit = offset;
    this.nextOffset = commit + COMMIT_RECORD_SIZE;
    proposed.forEach((event, i) => {
      const stored: LogEvent = {
        streamId,
        revision: BigInt(stream.length),
        id: event.id,
        type: event.type,
        contentType: event.contentType,
        data: event.data,
        customMetadata: event.customMetadata,
        created,
        commit,
        prepare: prepares[i]!,
      };
      stream.push(stored);
      this.events.push(stored);
    });
    this.streams.set(streamId, stream);
    this.notify();
    return {
      kind: 'success',
      currentRevision: BigInt(stream.length - 1),
      position: { commit, prepare: transactionStart },
      written: true,
    };
  }

  private headPosition(): LogPosition {
    const last = this.events[this.events.length - 1];
    return last ? positionOf(last) : { commit: 0n, prepare: 0n };
  }

  /** Index of the first event at or after `position` (inclusive), or after it (exclusive). */
  indexFrom(position: LogPosition, inclusive: boolean): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const order = comparePositions(positionOf(this.events[mid]!), position);
      if (order < 0 || (order === 0 && !inclusive)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** A number that changes whenever something is written. */
  get writes(): number {
    return this.version;
  }

  /** Resolves once something is written after `seen`, or when `signal` aborts. */
  waitForWrite(seen: number, signal: AbortSignal): Promise<void> {
    if (this.version !== seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  private notify(): void {
    this.version += 1;
    for (const wake of [...this.waiters]) wake();
  }
}
