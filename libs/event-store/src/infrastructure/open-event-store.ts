import { join } from 'node:path';
import type { Clock } from '@onrecord/kernel';
import type { EventStore } from '../event-store.port.js';
import { EsdbEventStore } from './esdb/esdb-event-store.js';
import { InMemoryEventStore } from './in-memory-event-store.js';
import { SqliteEventStore } from './sqlite-event-store.js';

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'memory' }
  | { readonly kind: 'esdb'; readonly connectionString: string };

/**
 * Reads ONRECORD_STORE: empty or `sqlite` for the embedded store in the data
 * directory, `sqlite:<path>` for another file, `memory` (tests and demos,
 * nothing kept), `esdb://…` / `esdb+discover://…` for EventStoreDB.
 */
export function parseStoreConfig(value: string | undefined, dataDir: string): StoreConfig {
  const text = (value ?? '').trim();
  if (text === '' || text === 'sqlite')
    return { kind: 'sqlite', file: join(dataDir, 'events.sqlite') };
  if (text.startsWith('sqlite:')) return { kind: 'sqlite', file: text.slice('sqlite:'.length) };
  if (text === 'memory') return { kind: 'memory' };
  if (text.startsWith('esdb://') || text.startsWith('esdb+discover://'))
    return { kind: 'esdb', connectionString: text };
  throw new Error(
    `ONRECORD_STORE="${text}" is not understood: use sqlite, sqlite:<file>, memory, esdb://host:2113?tls=false or esdb+discover://…`,
  );
}

export function openEventStore(config: StoreConfig, clock?: Clock): EventStore {
  switch (config.kind) {
    case 'sqlite':
      return new SqliteEventStore({ file: config.file, ...(clock ? { clock } : {}) });
    case 'memory':
      return new InMemoryEventStore(clock);
    case 'esdb':
      return new EsdbEventStore({
        connectionString: config.connectionString,
        ...(clock ? { clock } : {}),
      });
  }
}
