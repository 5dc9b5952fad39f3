import { Webhook as StandardWebhook } from 'standardwebhooks';
import { InvalidWebhookError } from './integrations.errors.js';
import { checkWebhookSecret, checkWebhookUrl, webhookSecretFrom } from './webhook.js';
import { signWebhook } from './webhook-signature.js';

describe('webhook targets and secrets', () => {
  it('accepts http and https URLs only', () => {
    expect(checkWebhookUrl('https://erp.example.com/hooks?x=1')).toBe(
      'https://erp.example.com/hooks?x=1',
    );
    expect(checkWebhookUrl('http://127.0.0.1:8080/in')).toBe('http://127.0.0.1:8080/in');
    for (const bad of [
      'ftp://example.com/x',
      'file:///etc/passwd',
      'javascript:alert(1)',
      '/relative',
      'https://u:p@example.com/',
      'https://example.com/#frag',
    ]) {
      expect(() => checkWebhookUrl(bad)).toThrow(InvalidWebhookError);
    }
  });

  it('takes secrets in the Standard Webhooks form only', () => {
    const secret = webhookSecretFrom(new Uint8Array(32).fill(9));
    expect(checkWebhookSecret(secret)).toBe(secret);
    for (const bad of [
      'hunter2',
      'whsec_',
      'whsec_c2hvcnQ=',
      `whsec_${'A'.repeat(200)}`,
      secret.slice(6),
    ]) {
      expect(() => checkWebhookSecret(bad)).toThrow(InvalidWebhookError);
    }
  });

  it('signs so that the official Standard Webhooks verifier accepts it, and only the signed body', () => {
    const secret = webhookSecretFrom(new Uint8Array(32).fill(3));
    const body = JSON.stringify({ id: 'e-1', data: { note: 'ships Friday' } });
    const now = Math.floor(Date.now() / 1000);
    const headers = signWebhook({ secret, id: 'e-1', timestampSeconds: now, body });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const verifier = new StandardWebhook(secret);
    expect(verifier.verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => verifier.verify(body.replace('Friday', 'Monday'), { ...headers })).toThrow();
  });
});
