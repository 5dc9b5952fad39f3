import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Where the per-contact keys live: outside the event log, so a key can be
 * destroyed while every event stays as it was.
 */
export abstract class ContactKeyVault {
  /** The contact's key, created on first use. */
  abstract keyFor(contactId: string): Buffer;
  /** The contact's key, or null when it never existed or was destroyed. */
  abstract find(contactId: string): Buffer | null;
  /** Destroys the key for good and remembers that it did; returns whether there was one. */
  abstract destroy(contactId: string): boolean;
  /** True once the contact's key was destroyed through this vault (or its shared file). */
  abstract wasErased(contactId: string): boolean;
  abstract close(): void;
}

export class InMemoryContactKeyVault extends ContactKeyVault {
  private readonly keys = new Map<string, Buffer>();
  private readonly erased = new Set<string>();
  constructor(private readonly newKey: () => Buffer) {
    super();
  }
  keyFor(contactId: string): Buffer {
    let key = this.keys.get(contactId);
    if (!key) this.keys.set(contactId, (key = this.newKey()));
    return key;
  }
  find(contactId: string): Buffer | null {
    return this.keys.get(contactId) ?? null;
  }
  destroy(contactId: string): boolean {
    const key = this.keys.get(contactId);
    key?.fill(0);
    this.erased.add(contactId);
    return this.keys.delete(contactId);
  }
  wasErased(contactId: string): boolean {
    return this.erased.has(contactId);
  }
  close(): void {
    this.keys.clear();
  }
}

/**
 * Keys in their own SQLite file with secure_delete on, so a destroyed key's
 * bytes are overwritten in the database file rather than left in a free page.
 * Several processes on one host may share the file (WAL; a key is created
 * with INSERT OR IGNORE and read back, so two replicas racing for a new
 * contact agree on one key).
 */
export class SqliteContactKeyVault extends ContactKeyVault {
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string], { key: Buffer }>;
  private readonly insert: Database.Statement<[string, Buffer]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly remember: Database.Statement<[string]>;
  private readonly erasure: Database.Statement<[string], { contact_id: string }>;

  constructor(
    file: string,
    private readonly newKey: () => Buffer,
  ) {
    super();
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('secure_delete = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS contact_keys (contact_id TEXT PRIMARY KEY, key BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS erased_contacts (contact_id TEXT PRIMARY KEY) WITHOUT ROWID;
    `);
    this.select = this.db.prepare('SELECT key FROM contact_keys WHERE contact_id = ?');
    this.insert = this.db.prepare(
      'INSERT OR IGNORE INTO contact_keys (contact_id, key) VALUES (?, ?)',
    );
    this.remove = this.db.prepare('DELETE FROM contact_keys WHERE contact_id = ?');
    this.remember = this.db.prepare(
      'INSERT OR IGNORE INTO erased_contacts (contact_id) VALUES (?)',
    );
    this.erasure = this.db.prepare('SELECT contact_id FROM erased_contacts WHERE contact_id = ?');
  }

  keyFor(contactId: string): Buffer {
    const existing = this.find(contactId);
    if (existing) return existing;
    this.insert.run(contactId, this.newKey());
    return this.find(contactId)!;
  }

  find(contactId: string): Buffer | null {
    return this.select.get(contactId)?.key ?? null;
  }

  destroy(contactId: string): boolean {
    const removed = this.db.transaction(() => {
      this.remember.run(contactId);
      return this.remove.run(contactId).changes > 0;
    })();
    // Push the deletion out of the WAL into the main file, where secure_delete zeroed it.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return removed;
  }

  wasErased(contactId: string): boolean {
    return this.erasure.get(contactId) !== undefined;
  }

  close(): void {
    this.db.close();
  }
}
