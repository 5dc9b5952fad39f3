import { describeEventStoreContract } from '../../../../test/support/event-store.contract.js';
import { InMemoryEventStore } from './in-memory-event-store.js';

describeEventStoreContract('in-memory', () => {
  let store: InMemoryEventStore | undefined;
  return {
    open: (clock) => Promise.resolve((store ??= new InMemoryEventStore(clock))),
    dispose: async () => store?.close(),
  };
});
