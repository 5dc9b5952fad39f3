import { FixedClock } from '@onrecord/kernel';
import { InMemoryEventStore } from '@onrecord/event-store';
import { readAppConfig } from '@onrecord/platform';
import { PersonalDataService, contactKeysFile } from './personal-data.service.js';

const clock = new FixedClock(new Date('2026-11-23T10:00:00.000Z'));
const manager = { id: 'maria-manager', role: 'manager' };

/** A replica with a key vault of its own (in memory), on one shared store. */
function replica(store: InMemoryEventStore): PersonalDataService {
  return new PersonalDataService(readAppConfig({ ONRECORD_STORE: 'memory' }), store, clock);
}

describe('revealing sealed counterparties', () => {
  const buyer = { contactId: 'crm-0042', name: 'Dana Buyer', email: 'dana@acme.example' };

  it('reveals what it sealed, and marks it erased once erased', async () => {
    const here = replica(new InMemoryEventStore(clock));
    const sealed = here.seal(buyer);
    expect(JSON.stringify(sealed)).not.toContain('Dana');
    expect(here.reveal(sealed)).toEqual(buyer);

    await here.erase('crm-0042', manager);

    expect(here.reveal(sealed)).toEqual({ contactId: 'crm-0042', erased: true });
  });

  it('given a replica without the key and no erasure on record, says sealed, never erased', () => {
    const store = new InMemoryEventStore(clock);
    const sealed = replica(store).seal(buyer);

    expect(replica(store).reveal(sealed)).toEqual({ contactId: 'crm-0042', sealed: true });
  });

  it('keeps keys in ONRECORD_CONTACT_KEYS_FILE when given, else in the data directory', () => {
    const base = { ONRECORD_DATA_DIR: '/var/lib/onrecord' };
    expect(contactKeysFile(readAppConfig(base))).toBe('/var/lib/onrecord/contact-keys.sqlite');
    expect(
      contactKeysFile(readAppConfig({ ...base, ONRECORD_CONTACT_KEYS_FILE: '/vault/keys.sqlite' })),
    ).toBe('/vault/keys.sqlite');
  });
});
