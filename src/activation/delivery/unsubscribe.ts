import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import { CONTACT_CHANNELS, sql, type Engine } from '../../store/index.js';
import { deliveryText, type DeliveryLanguage } from './messages.js';
import { escapeHtml } from './template.js';

/** What an unsubscribe link names: the contacted record, the channel, and the contact it came with. */
const tokenPayload = z.object({ r: z.string().min(1), c: z.enum(CONTACT_CHANNELS), k: z.string().min(1) }).strict();
export type UnsubscribeTarget = { readonly record: string; readonly channel: (typeof CONTACT_CHANNELS)[number]; readonly contactId: string };

const MIN_SECRET = 32;

/**
 * The secret that signs unsubscribe links, from the environment variable the configuration names.
 * Read when a link is made or checked, never logged; null when unset.
 */
export function unsubscribeSecret(config: Config): string | null {
  const name = config.activation.delivery.unsubscribe.secretEnv;
  const value = process.env[name];
  if (value === undefined || value === '') return null;
  if (value.length < MIN_SECRET) throw new ConfigError(`${name} must hold at least ${MIN_SECRET} characters (a random secret signing unsubscribe links)`);
  return value;
}

export function requireUnsubscribeSecret(config: Config): string {
  const secret = unsubscribeSecret(config);
  if (secret === null) {
    throw new ConfigError(`set ${config.activation.delivery.unsubscribe.secretEnv} (a random secret of at least ${MIN_SECRET} characters, the same for \`fidelis serve\`): every e-mail carries a signed unsubscribe link`);
  }
  return secret;
}

const sign = (secret: string, body: string): string => createHmac('sha256', secret).update(`unsubscribe.${body}`).digest('base64url');

/**
 * A token `<payload>.<signature>`: the payload in base64url JSON, signed with HMAC-SHA256. No
 * expiry on purpose: a person must be able to unsubscribe from an old message (the law asks for
 * links that keep working), and all a token can do is withdraw one channel's consent of one record.
 */
export function unsubscribeToken(secret: string, target: UnsubscribeTarget): string {
  const body = Buffer.from(JSON.stringify({ r: target.record, c: target.channel, k: target.contactId })).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

export function unsubscribeUrl(config: Config, secret: string, target: UnsubscribeTarget): string {
  const url = new URL('/v1/unsubscribe', config.activation.delivery.unsubscribe.baseUrl);
  url.searchParams.set('token', unsubscribeToken(secret, target));
  return url.toString();
}

/** The target of a genuine token, or null (a forged, altered or truncated one). */
export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribeTarget | null {
  const [body, signature, ...rest] = token.split('.');
  if (body === undefined || signature === undefined || rest.length > 0) return null;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const parsed = tokenPayload.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    return parsed.success ? { record: parsed.data.r, channel: parsed.data.c, contactId: parsed.data.k } : null;
  } catch {
    return null;
  }
}

export const UNSUBSCRIBE_SOURCE = 'unsubscribe_link';

/**
 * Records the withdrawal as a consent event on the contacted record (the consent model's history:
 * the latest event of any of the person's records wins, so it takes effect at once, before any
 * run), and the contact's `unsubscribed` response so the channel learning sees it. A second click
 * adds nothing new that matters: another opt_out, the response kept once.
 */
export async function recordUnsubscribe(engine: Engine, target: UnsubscribeTarget, at: Date): Promise<void> {
  await engine.transaction(async (tx) => {
    await tx.exec(sql`INSERT INTO consents (customer_id, channel, status, ${sql.id('at')}, source)
      SELECT ${target.record}, ${target.channel}, 'opt_out', ${at}, ${UNSUBSCRIBE_SOURCE}
      WHERE NOT EXISTS (SELECT 1 FROM consents WHERE customer_id = ${target.record} AND channel = ${target.channel} AND ${sql.id('at')} = ${at})`);
    await tx.exec(sql`INSERT INTO responses (contact_id, type, ${sql.id('at')})
      SELECT contact_id, 'unsubscribed', ${at} FROM contacts WHERE contact_id = ${target.contactId}
        AND NOT EXISTS (SELECT 1 FROM responses WHERE contact_id = ${target.contactId} AND type = 'unsubscribed')`);
  });
}

/** The small page the link answers with, in the person's language. */
export function unsubscribePage(language: DeliveryLanguage, outcome: { readonly channel: string } | 'invalid' | 'unavailable'): string {
  const title = deliveryText(outcome === 'invalid' ? 'unsubscribe.invalid_title' : outcome === 'unavailable' ? 'unsubscribe.unavailable_title' : 'unsubscribe.title', language);
  const body =
    outcome === 'invalid'
      ? deliveryText('unsubscribe.invalid', language)
      : outcome === 'unavailable'
        ? deliveryText('unsubscribe.unavailable', language)
        : deliveryText('unsubscribe.done', language, { channel: deliveryText(`channel.${outcome.channel}` as 'channel.email', language) });
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></body></html>`;
}
