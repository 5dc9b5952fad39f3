import { type FieldProblem, InvalidWebhookError } from './integrations.errors.js';

/**
 * A webhook: a receiver's URL, what it wants (a filter) and the secret its
 * deliveries are signed with. `active` delivers; `paused` keeps its place
 * and lets undelivered events wait until a manager resumes or replays it.
 */
export type WebhookStatus = 'active' | 'paused';

export const MAX_WEBHOOK_URL_LENGTH = 2048;
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** Secret key sizes the Standard Webhooks libraries accept comfortably. */
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

/**
 * Only absolute http(s) URLs without credentials or a fragment: a target is
 * a receiver's endpoint, and user:password in a URL would be shown in every
 * listing. Returns the URL as the WHATWG parser normalises it.
 */
export function checkWebhookUrl(url: string): string {
  const problems: string[] = [];
  let parsed: URL | null = null;
  if (url.length > MAX_WEBHOOK_URL_LENGTH) {
    problems.push(`at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  } else {
    try {
      parsed = new URL(url);
    } catch {
      problems.push('must be an absolute URL, e.g. https://erp.example.com/onrecord');
    }
  }
  if (parsed) {
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      problems.push(`only http and https targets are allowed, not ${parsed.protocol.slice(0, -1)}`);
    }
    if (parsed.username !== '' || parsed.password !== '') {
      problems.push('must not carry credentials; receivers verify the signature instead');
    }
    if (parsed.hash !== '') problems.push('must not have a fragment');
  }
  if (!parsed || problems.length > 0) {
    throw new InvalidWebhookError([{ field: 'url', messages: problems }]);
  }
  return parsed.toString();
}

/** `whsec_` + base64 of 24 to 64 bytes, as the Standard Webhooks libraries take it. */
export function checkWebhookSecret(secret: string): string {
  const problems: FieldProblem[] = [];
  const body = secret.startsWith(WEBHOOK_SECRET_PREFIX)
    ? secret.slice(WEBHOOK_SECRET_PREFIX.length)
    : null;
  const bytes =
    body !== null && /^[A-Za-z0-9+/]+={0,2}$/.test(body) && body.length % 4 === 0
      ? Buffer.from(body, 'base64').length
      : null;
  if (bytes === null || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    problems.push({
      field: 'secret',
      messages: [
        `must be "${WEBHOOK_SECRET_PREFIX}" followed by the base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} random bytes; leave it out to have one generated`,
      ],
    });
  }
  if (problems.length > 0) throw new InvalidWebhookError(problems);
  return secret;
}

/** A secret from random bytes the caller supplies (the domain draws no randomness). */
export function webhookSecretFrom(randomBytes: Uint8Array): string {
  return `${WEBHOOK_SECRET_PREFIX}${Buffer.from(randomBytes).toString('base64')}`;
}
