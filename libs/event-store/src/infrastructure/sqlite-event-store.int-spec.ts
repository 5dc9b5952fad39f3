import { join } from 'node:path';
import { describeEventStoreContract } from '../../../../test/support/event-store.contract.js';
import { tempDir } from '../../../../test/support/temp-dir.js';
import { SqliteEventStore } from './sqlite-event-store.js';

// Two stores on one file are two writers with their own connections: the
// racing-writers cases then race through SQLite's own locking, as two
// processes would.
describeEventStoreContract('embedded SQLite', () => {
  const dir = tempDir('onrecord-sqlite-');
  const stores: SqliteEventStore[] = [];
  return {
    sharesBacking: true,
    open: (clock) => {
      const store = new SqliteEventStore({ file: join(dir.path, 'events.sqlite'), clock });
      stores.push(store);
      return Promise.resolve(store);
    },
    dispose: async () => {
      for (const store of stores) await store.close();
      dir.remove();
    },
  };
});
