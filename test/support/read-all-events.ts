import type { AllFilter, EventStore, StoredEvent } from '@onrecord/event-store';

const PAGE = 1000;

/** Every event of the store (matching `filter`), in global order, read page by page. */
export async function readAllEvents(store: EventStore, filter?: AllFilter): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (;;) {
    const last = all[all.length - 1];
    const page = await store.readAll({
      fromPosition: last
        ? { commit: last.position.commit + 1n, prepare: last.position.prepare + 1n }
        : 'start',
      maxCount: PAGE,
      ...(filter ? { filter } : {}),
    });
    all.push(...page);
    if (page.length < PAGE) return all;
  }
}
