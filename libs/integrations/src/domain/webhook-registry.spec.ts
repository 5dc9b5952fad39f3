import { WebhookNotFoundError } from './integrations.errors.js';
import type { SealedSecret } from './sealed-secret.js';
import {
  type WebhookCommand,
  type WebhookEvent,
  type WebhookRegistryState,
  decideWebhook,
  evolveWebhooks,
  initialWebhookRegistry,
} from './webhook-registry.js';

const ID = '7d5e7a4e-7a53-4c0e-9d86-1c6c1d1f0a01';
const SEALED: SealedSecret = {
  alg: 'A256GCM',
  kid: '0123456789abcdef',
  iv: 'AAAAAAAAAAAAAAAA',
  ciphertext: 'c2VhbGVk',
  tag: 'AAAAAAAAAAAAAAAAAAAAAA==',
};

const registered: WebhookEvent = {
  type: 'WebhookRegistered',
  data: {
    webhookId: ID,
    url: 'https://erp.example.com/hooks',
    description: 'ERP',
    filter: { accounts: ['acme'], types: [], categories: ['orders'] },
    secret: SEALED,
    from: '41',
    by: 'mia-manager',
    at: '2026-03-02T09:00:00.000Z',
  },
};

function given(...events: WebhookEvent[]): WebhookRegistryState {
  return events.reduce(evolveWebhooks, initialWebhookRegistry);
}

/** Decides, then folds what was decided: the state a replica sees after the command. */
function after(state: WebhookRegistryState, command: WebhookCommand) {
  const decided = decideWebhook(state, command);
  return { decided, state: decided.reduce(evolveWebhooks, state) };
}

describe('the webhook registry', () => {
  it('given nothing, when a manager registers a webhook, then it is recorded active, in run 1 from the chosen place, with the sealed secret only', () => {
    const { decided, state } = after(given(), {
      kind: 'register',
      ...registered.data,
    });

    expect(decided).toEqual([registered]);
    expect(state.webhooks.get(ID)).toEqual({
      id: ID,
      url: 'https://erp.example.com/hooks',
      description: 'ERP',
      filter: { accounts: ['acme'], types: [], categories: ['orders'] },
      secret: SEALED,
      status: 'active',
      pausedReason: null,
      run: 1,
      runFrom: '41',
      createdAt: '2026-03-02T09:00:00.000Z',
      createdBy: 'mia-manager',
      updatedAt: '2026-03-02T09:00:00.000Z',
    });
  });

  it('given an active webhook, when a manager pauses it, then it is paused by them; pausing again records nothing', () => {
    const { decided, state } = after(given(registered), {
      kind: 'pause',
      webhookId: ID,
      by: 'mia-manager',
      at: '2026-03-02T10:00:00.000Z',
    });

    expect(decided.map((e) => e.type)).toEqual(['WebhookPaused']);
    expect(state.webhooks.get(ID)).toMatchObject({
      status: 'paused',
      pausedReason: 'paused by mia-manager',
      run: 1,
      updatedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(
      decideWebhook(state, { kind: 'pause', webhookId: ID, by: 'max', at: '2026-03-02T11:00:00Z' }),
    ).toEqual([]);
  });

  it('given a paused webhook, when a manager resumes it, then a new run starts from where it stood', () => {
    const paused = given(registered, {
      type: 'WebhookPausedAfterFailures',
      data: {
        webhookId: ID,
        run: 1,
        failures: 10,
        reason: '10 failures',
        at: '2026-03-02T10:00:00Z',
      },
    });

    const { decided, state } = after(paused, {
      kind: 'resume',
      webhookId: ID,
      from: '57',
      by: 'mia-manager',
      at: '2026-03-02T11:00:00.000Z',
    });

    expect(decided).toEqual([
      {
        type: 'WebhookResumed',
        data: {
          webhookId: ID,
          run: 2,
          from: '57',
          by: 'mia-manager',
          at: '2026-03-02T11:00:00.000Z',
        },
      },
    ]);
    expect(state.webhooks.get(ID)).toMatchObject({
      status: 'active',
      pausedReason: null,
      run: 2,
      runFrom: '57',
    });
  });

  it('given a webhook, when a manager replays it from the start, then a new run starts from the first event', () => {
    const { decided, state } = after(given(registered), {
      kind: 'replay',
      webhookId: ID,
      from: null,
      by: 'mia-manager',
      at: '2026-03-02T11:00:00.000Z',
    });

    expect(decided.map((e) => [e.type, (e.data as { run: number }).run])).toEqual([
      ['WebhookReplayed', 2],
    ]);
    expect(state.webhooks.get(ID)).toMatchObject({ status: 'active', run: 2, runFrom: null });
  });

  it('given a replay started run 2, when the delivering replica pauses run 1 for its failures, then nothing is recorded', () => {
    const replayed = given(registered, {
      type: 'WebhookReplayed',
      data: { webhookId: ID, run: 2, from: null, by: 'mia-manager', at: '2026-03-02T11:00:00Z' },
    });
    const stale: WebhookCommand = {
      kind: 'pause-after-failures',
      webhookId: ID,
      run: 1,
      failures: 10,
      reason: '10 consecutive failed attempts on the event at 42; last: HTTP 503',
      at: '2026-03-02T11:00:01Z',
    };

    expect(decideWebhook(replayed, stale)).toEqual([]);

    const { decided, state } = after(replayed, { ...stale, run: 2 });
    expect(decided.map((e) => e.type)).toEqual(['WebhookPausedAfterFailures']);
    expect(state.webhooks.get(ID)).toMatchObject({
      status: 'paused',
      pausedReason: '10 consecutive failed attempts on the event at 42; last: HTTP 503',
    });
  });

  it('given a webhook, when a manager removes it, then it is gone, and every later command about it is refused as not found', () => {
    const { decided, state } = after(given(registered), {
      kind: 'remove',
      webhookId: ID,
      by: 'mia-manager',
      at: '2026-03-02T12:00:00Z',
    });

    expect(decided.map((e) => e.type)).toEqual(['WebhookRemoved']);
    expect(state.webhooks.size).toBe(0);
    for (const command of [
      { kind: 'pause', webhookId: ID, by: 'm', at: '2026-03-02T12:00:01Z' },
      { kind: 'resume', webhookId: ID, from: null, by: 'm', at: '2026-03-02T12:00:01Z' },
      { kind: 'replay', webhookId: ID, from: null, by: 'm', at: '2026-03-02T12:00:01Z' },
      { kind: 'remove', webhookId: ID, by: 'm', at: '2026-03-02T12:00:01Z' },
    ] as const) {
      expect(() => decideWebhook(state, command)).toThrow(WebhookNotFoundError);
    }
    expect(
      decideWebhook(state, {
        kind: 'pause-after-failures',
        webhookId: ID,
        run: 1,
        failures: 3,
        reason: 'x',
        at: '2026-03-02T12:00:01Z',
      }),
    ).toEqual([]);
  });

  it('keeps webhooks in registration order, a removal leaving the others in place', () => {
    const second = { ...registered, data: { ...registered.data, webhookId: 'b' } };
    const third = { ...registered, data: { ...registered.data, webhookId: 'c' } };
    const state = given(registered, second, third, {
      type: 'WebhookRemoved',
      data: { webhookId: 'b', by: 'm', at: '2026-03-02T12:00:00Z' },
    });
    expect([...state.webhooks.keys()]).toEqual([ID, 'c']);
  });
});
