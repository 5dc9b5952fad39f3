import type { JsonObject } from '@onrecord/kernel';

/*
 * Every signed checkpoint is published as an event, so every replica of a
 * deployment keeps the same checkpoints whichever replica signed them.
 *
 * The event is part of the log like any other (the log holds every event of
 * the store, no exceptions an auditor would have to take on trust); a
 * checkpoint published at tree size n therefore lands at a leaf ≥ n, and the
 * "has the log grown?" test of periodic signing ignores these events so that
 * publishing a checkpoint never causes the next one.
 */

/** The stream every replica publishes its checkpoints to. */
export const CHECKPOINT_STREAM = 'ledger-checkpoints';
export const CHECKPOINT_SIGNED = 'CheckpointSigned';

/** What a CheckpointSigned event carries: the note exactly as signed. */
export interface PublishedCheckpoint {
  readonly treeSize: number;
  /** The C2SP signed note. */
  readonly note: string;
  /** When it was signed (the note's timestamp line). */
  readonly createdAt: string;
}

export function checkpointEventData(checkpoint: PublishedCheckpoint): JsonObject {
  return {
    treeSize: checkpoint.treeSize,
    note: checkpoint.note,
    createdAt: checkpoint.createdAt,
  };
}

/**
 * The checkpoint an event publishes, or null when the event is not a
 * well-formed CheckpointSigned on the checkpoint stream. Says nothing about
 * whether the note verifies: the ledger checks that against its key and log.
 */
export function publishedCheckpointOf(event: {
  readonly streamId: string;
  readonly type: string;
  readonly data: JsonObject;
}): PublishedCheckpoint | null {
  if (event.streamId !== CHECKPOINT_STREAM || event.type !== CHECKPOINT_SIGNED) return null;
  const { treeSize, note, createdAt } = event.data;
  if (
    typeof treeSize !== 'number' ||
    !Number.isSafeInteger(treeSize) ||
    treeSize < 0 ||
    typeof note !== 'string' ||
    typeof createdAt !== 'string'
  ) {
    return null;
  }
  return { treeSize, note, createdAt };
}

/** True for events of the checkpoint stream: they never make the log count as grown. */
export function isCheckpointEvent(leaf: { readonly streamId: string }): boolean {
  return leaf.streamId === CHECKPOINT_STREAM;
}
