import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  type ProjectionCheckpoint,
  ProjectionCheckpoints,
  type ProjectionDocument,
} from '../application/projection-checkpoints.port.js';

/** Where projections keep their checkpoints, inside the data directory. */
export const PROJECTIONS_DATABASE_FILE = 'projections.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoints (
  projection TEXT PRIMARY KEY,
  version    INTEGER NOT NULL,
  position   TEXT,
  events     INTEGER NOT NULL,
  updated_at TEXT    NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS documents (
  projection TEXT NOT NULL,
  kind       TEXT NOT NULL,
  key        TEXT NOT NULL,
  doc        TEXT NOT NULL,
  PRIMARY KEY (projection, kind, key)
) WITHOUT ROWID;
`;

interface CheckpointRow {
  version: number;
  position: string | null;
  events: number;
  updated_at: string;
}

/**
 * Projection checkpoints in one SQLite file (`<dataDir>/projections.sqlite`,
 * or `:memory:` when the event store keeps nothing either). WAL with
 * synchronous=NORMAL: a power cut may lose the last checkpoint, never tear
 * one, and a projection that lost one replays a little more.
 */
export class SqliteProjectionCheckpoints extends ProjectionCheckpoints {
  private readonly db: Database.Database;

  constructor(file: string) {
    super();
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
  }

  load(projection: string): {
    checkpoint: ProjectionCheckpoint | null;
    documents: ProjectionDocument[];
  } {
    const row = this.db
      .prepare<[string], CheckpointRow>(
        'SELECT version, position, events, updated_at FROM checkpoints WHERE projection = ?',
      )
      .get(projection);
    const documents = this.db
      .prepare<[string], ProjectionDocument>(
        'SELECT kind, key, doc FROM documents WHERE projection = ? ORDER BY kind, key',
      )
      .all(projection);
    return {
      checkpoint: row
        ? {
            version: row.version,
            position: row.position,
            events: row.events,
            updatedAt: row.updated_at,
          }
        : null,
      documents,
    };
  }

  save(
    projection: string,
    checkpoint: ProjectionCheckpoint,
    documents: Iterable<ProjectionDocument>,
  ): void {
    const upsert = this.db.prepare(
      `INSERT INTO documents (projection, kind, key, doc) VALUES (?, ?, ?, ?)
       ON CONFLICT (projection, kind, key) DO UPDATE SET doc = excluded.doc`,
    );
    const mark = this.db.prepare(
      `INSERT INTO checkpoints (projection, version, position, events, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (projection) DO UPDATE SET version = excluded.version, position = excluded.position,
         events = excluded.events, updated_at = excluded.updated_at`,
    );
    this.db.transaction(() => {
      for (const d of documents) upsert.run(projection, d.kind, d.key, d.doc);
      mark.run(
        projection,
        checkpoint.version,
        checkpoint.position,
        checkpoint.events,
        checkpoint.updatedAt,
      );
    })();
  }

  clear(projection: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM documents WHERE projection = ?').run(projection);
      this.db.prepare('DELETE FROM checkpoints WHERE projection = ?').run(projection);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
