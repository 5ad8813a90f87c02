import type { MiddlewareHandler } from 'hono';
import { forbidden, unauthorized } from './errors.js';
import { allows, type ApiKey, type KeyRing, type Scope } from './keys.js';
import type { AppEnv } from './types.js';

/**
 * The key presented in the Authorization header: HTTP Basic with the key as user name (as
 * Segment's and RudderStack's clients send it; the password is ignored), or a Bearer token.
 * Null when the header is absent.
 */
export function presentedKey(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) return value;
  if (!/^basic$/i.test(scheme)) return '';
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? decoded : decoded.slice(0, colon);
}

/** Checks a presented key against the ring and the scope: 401 when missing or unknown, 403 when the scope does not allow it. */
export async function authorize(keys: KeyRing, presented: string | null | undefined, scope: Scope): Promise<ApiKey> {
  if (presented === null || presented === undefined || presented === '') {
    throw unauthorized('an API key is required: HTTP Basic with the key as user name, or Authorization: Bearer <key>');
  }
  const key = await keys.verify(presented);
  if (!key) throw unauthorized('unknown or revoked API key');
  if (!allows(key.scope, scope)) throw forbidden(`this ${key.scope} key cannot be used here; a ${scope} key is needed`);
  return key;
}

/**
 * Middleware for a route module: the request must carry a key of `scope` (or admin). The key is
 * then in `c.get('apiKey')`. Usage: `app.use('/v1/customers/*', requireScope('read'))`.
 */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('apiKey', await authorize(c.get('deps').keys, presentedKey(c.req.header('authorization')), scope));
    await next();
  };
}
