import { createHash } from 'node:crypto';
import { DomainError, type JsonObject } from '@onrecord/kernel';
import {
  EventIdConflictError,
  type EventStore,
  WrongExpectedRevisionError,
} from '@onrecord/event-store';

/** What a first request answered, kept so a retry gets exactly the same answer. */
export interface RememberedResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'idempotency-key-reused';
  constructor(key: string) {
    super(`Idempotency-Key "${key}" was already used for a different request`, {
      idempotencyKey: key,
    });
  }
}

const KEY = /^[\x21-\x7e]{1,200}$/;

export function isValidIdempotencyKey(key: string): boolean {
  return KEY.test(key);
}

/**
 * A UUID derived from (caller, key, request, index): a retried request builds
 * the same event ids, so even a retry racing its original cannot store
 * anything twice — the store's idempotent append sees the same ids.
 */
export function deterministicEventId(parts: readonly string[], index: number): string {
  const hex = createHash('sha256')
    .update([...parts, String(index)].join('\u0000'))
    .digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Remembers responses by (caller, Idempotency-Key) in the event store itself,
 * one small stream per key, so it works on every store and every replica.
 */
export class IdempotencyStore {
  constructor(private readonly store: EventStore) {}

  private streamId(scope: string, key: string): string {
    return `idempotency-${createHash('sha256').update(`${scope}\u0000${key}`).digest('hex').slice(0, 40)}`;
  }

  /** The remembered response, or null; a key reused for another request is an error. */
  async lookup(
    scope: string,
    key: string,
    fingerprint: string,
  ): Promise<RememberedResponse | null> {
    const [event] = await this.store.readStream(this.streamId(scope, key), { maxCount: 1 });
    if (!event) return null;
    if (event.data['fingerprint'] !== fingerprint) throw new IdempotencyKeyReusedError(key);
    return event.data['response'] as unknown as RememberedResponse;
  }

  async remember(
    scope: string,
    key: string,
    fingerprint: string,
    response: RememberedResponse,
    now: Date,
  ): Promise<void> {
    try {
      await this.store.appendToStream(
        this.streamId(scope, key),
        [
          {
            id: deterministicEventId(['idempotency', scope, key], 0),
            type: 'IdempotentResponseRemembered',
            data: { fingerprint, response: response as unknown as JsonObject },
            metadata: {
              occurredAt: now.toISOString(),
              actor: { id: scope, role: 'system' },
              channel: 'system',
            },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    } catch (error) {
      // A concurrent duplicate remembered it first: its answer stands.
      if (error instanceof WrongExpectedRevisionError || error instanceof EventIdConflictError)
        return;
      throw error;
    }
  }
}
