import type { JsonObject } from '@onrecord/kernel';

/** Fields of a counterparty that identify a person: sealed per contact, erasable. */
export const PERSONAL_FIELDS = ['name', 'email', 'phone', 'title'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** A counterparty as a request gives it. */
export interface Counterparty {
  readonly contactId?: string;
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly title?: string;
}

/**
 * A counterparty as stored in an event: the contact id in clear (a
 * pseudonymous CRM reference) and the personal fields as AES-256-GCM
 * ciphertext under that contact's own key. Hashes and proofs cover this
 * stored form, so destroying the key erases the person without touching any
 * hash.
 */
export interface SealedCounterparty extends JsonObject {
  contactId: string;
  personal: { alg: 'A256GCM'; iv: string; ciphertext: string; tag: string };
}

/** What a reader sees: the fields, or the fact that they were erased. */
export type RevealedCounterparty =
  | (Counterparty & { readonly contactId: string; readonly erased?: false })
  | { readonly contactId: string; readonly erased: true }
  /**
   * Sealed, and this server holds no key for it and no record of its
   * erasure: a replica with a contact-key file of its own. Never shown as
   * erased, which it may not be.
   */
  | { readonly contactId: string; readonly sealed: true };

export function personalPart(counterparty: Counterparty): Partial<Record<PersonalField, string>> {
  const part: Partial<Record<PersonalField, string>> = {};
  for (const field of PERSONAL_FIELDS) {
    const value = counterparty[field];
    if (value !== undefined) part[field] = value;
  }
  return part;
}

export function isSealedCounterparty(value: unknown): value is SealedCounterparty {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { contactId?: unknown; personal?: { alg?: unknown } };
  return typeof candidate.contactId === 'string' && candidate.personal?.alg === 'A256GCM';
}
