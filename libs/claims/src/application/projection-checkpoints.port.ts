/** A projection's documents (one per account, per rep…) as stored, by kind and key. */
export type ProjectionDocument = {
  readonly kind: string;
  readonly key: string;
  readonly doc: string;
};

export type ProjectionCheckpoint = {
  /** Global position of the last event applied, as written on the wire; null before the first. */
  readonly position: string | null;
  /** The projection's code version the documents were written by. */
  readonly version: number;
  readonly events: number;
  readonly updatedAt: string;
};

/**
 * Durable checkpoints of read-model projections: the documents and the
 * position they reflect, saved together (one transaction), so that after a
 * restart a projection resumes exactly where its documents stopped. It
 * doubles as the injection token.
 */
export abstract class ProjectionCheckpoints {
  abstract load(projection: string): {
    checkpoint: ProjectionCheckpoint | null;
    documents: ProjectionDocument[];
  };

  /** Upserts the documents and moves the checkpoint, atomically. */
  abstract save(
    projection: string,
    checkpoint: ProjectionCheckpoint,
    documents: Iterable<ProjectionDocument>,
  ): void;

  /** Drops the projection's documents and checkpoint. */
  abstract clear(projection: string): void;

  abstract close(): void;
}
