import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Clock, DomainError, type JsonObject } from '@onrecord/kernel';
import { EventStore, type StoredEvent } from '@onrecord/event-store';
import { APP_CONFIG, type AppConfig } from '@onrecord/platform';
import {
  type Counterparty,
  type RevealedCounterparty,
  type SealedCounterparty,
  isSealedCounterparty,
  personalPart,
} from '../domain/personal-data.js';
import {
  type ContactKeyVault,
  InMemoryContactKeyVault,
  SqliteContactKeyVault,
} from '../infrastructure/contact-key-vault.js';

export class ContactIdRequiredError extends DomainError {
  readonly code = 'contact-id-required';
  constructor() {
    super(
      'A counterparty with personal fields (name, email, phone, title) needs a contactId, so it can be erased later',
    );
  }
}

export class ContactNotFoundError extends DomainError {
  readonly code = 'contact-not-found';
  constructor(contactId: string) {
    super(`No personal data is held for contact ${contactId}`, { contactId });
  }
}

export const contactStreamId = (contactId: string): string => `contact-${contactId}`;

const newKey = (): Buffer => randomBytes(32);

export const CONTACT_KEYS_FILE = 'contact-keys.sqlite';

/**
 * ONRECORD_CONTACT_KEYS_FILE, else `<dataDir>/contact-keys.sqlite`. Replicas
 * on one host share personal data by pointing at one file (one volume).
 */
export function contactKeysFile(config: Pick<AppConfig, 'dataDir' | 'env'>): string {
  const given = config.env['ONRECORD_CONTACT_KEYS_FILE'];
  return given ? resolve(given) : join(config.dataDir, CONTACT_KEYS_FILE);
}

/**
 * Seals counterparties before they are stored and reveals them on the way
 * out. Erasure destroys the contact's key: the ciphertext stays in the log
 * (every hash, chain and proof still verifies) but can no longer be read.
 */
@Injectable()
export class PersonalDataService implements OnApplicationShutdown {
  private readonly vault: ContactKeyVault;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.vault =
      config.store.kind === 'memory'
        ? new InMemoryContactKeyVault(newKey)
        : new SqliteContactKeyVault(contactKeysFile(config), newKey);
  }

  onApplicationShutdown(): void {
    this.vault.close();
  }

  /** The stored form of a counterparty: personal fields encrypted under the contact's key. */
  seal(counterparty: Counterparty): JsonObject {
    const personal = personalPart(counterparty);
    if (Object.keys(personal).length === 0)
      return counterparty.contactId ? { contactId: counterparty.contactId } : {};
    if (!counterparty.contactId) throw new ContactIdRequiredError();
    const key = this.vault.keyFor(counterparty.contactId);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(counterparty.contactId, 'utf8'));
    const ciphertext = Buffer.concat([
      cipher.update(JSON.stringify(personal), 'utf8'),
      cipher.final(),
    ]);
    const sealed: SealedCounterparty = {
      contactId: counterparty.contactId,
      personal: {
        alg: 'A256GCM',
        iv: iv.toString('base64'),
        ciphertext: ciphertext.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
      },
    };
    return sealed;
  }

  /** What a reader sees of a stored counterparty. */
  reveal(stored: unknown): RevealedCounterparty | JsonObject | null {
    if (!isSealedCounterparty(stored)) return (stored as JsonObject | undefined) ?? null;
    const key = this.vault.find(stored.contactId);
    if (!key) {
      return this.vault.wasErased(stored.contactId)
        ? { contactId: stored.contactId, erased: true }
        : { contactId: stored.contactId, sealed: true };
    }
    const decipher = createDecipheriv(
      'aes-256-gcm',
      key,
      Buffer.from(stored.personal.iv, 'base64'),
    );
    decipher.setAAD(Buffer.from(stored.contactId, 'utf8'));
    decipher.setAuthTag(Buffer.from(stored.personal.tag, 'base64'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(stored.personal.ciphertext, 'base64')),
      decipher.final(),
    ]);
    return { contactId: stored.contactId, ...(JSON.parse(plain.toString('utf8')) as Counterparty) };
  }

  /** An event as a reader sees it: the counterparty revealed or marked erased; nothing else changes. */
  revealEvent<T extends StoredEvent>(event: T): T {
    if (event.metadata.counterparty === undefined || event.metadata.counterparty === null)
      return event;
    return {
      ...event,
      metadata: {
        ...event.metadata,
        counterparty: this.reveal(event.metadata.counterparty) as JsonObject,
      },
    };
  }

  /** Destroys the contact's key and records the erasure. */
  async erase(
    contactId: string,
    actor: { id: string; role: string },
  ): Promise<{ contactId: string; erasedAt: string }> {
    if (!this.vault.find(contactId)) throw new ContactNotFoundError(contactId);
    const erasedAt = this.clock.now().toISOString();
    await this.store.appendToStream(contactStreamId(contactId), [
      {
        id: randomUUID(),
        type: 'PersonalDataErased',
        data: { contactId, fields: ['name', 'email', 'phone', 'title'] },
        metadata: { occurredAt: erasedAt, actor, channel: 'portal' },
      },
    ]);
    this.vault.destroy(contactId);
    return { contactId, erasedAt };
  }
}
