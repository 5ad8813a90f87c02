import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { preferredLanguage, recordUnsubscribe, unsubscribePage, unsubscribeSecret, verifyUnsubscribeToken } from '../../activation/index.js';
import type { App, AppDeps, AppEnv } from '../types.js';

const query = z.object({
  token: z.string().max(4096).optional().openapi({ param: { name: 'token', in: 'query' }, description: 'The signed token of the link an e-mail carried.' }),
  lang: z.enum(['fr', 'en']).optional().openapi({ param: { name: 'lang', in: 'query' }, description: 'Language of the page (default: from Accept-Language).' }),
});

const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
const responses = {
  200: html('Unsubscribed: the page says so, in French or English.'),
  400: html('A forged, altered or truncated link.'),
  503: html('Unsubscribe links are not configured on this server.'),
};

/**
 * The link every e-mail carries (List-Unsubscribe, RFC 2369) and its one-click POST (RFC 8058,
 * sent by mail clients with `List-Unsubscribe=One-Click`). No key and no session: the signed
 * token is the authority, and all it can do is withdraw one channel's consent of one record.
 */
export function unsubscribeRoutes(app: App, deps: AppDeps): void {
  const handle = async (c: Context<AppEnv>, token: string | undefined, lang: 'fr' | 'en' | undefined) => {
    const language = preferredLanguage(c.req.header('accept-language'), lang);
    const secret = unsubscribeSecret(deps.config);
    if (secret === null) return c.html(unsubscribePage(language, 'unavailable'), 503);
    const target = token === undefined ? null : verifyUnsubscribeToken(secret, token);
    if (target === null) return c.html(unsubscribePage(language, 'invalid'), 400);
    await recordUnsubscribe(deps.engine, target, new Date());
    // His profile reads live from now on, so the API and the 360 show the withdrawal at once.
    deps.profiles?.changed({ records: [target.record] });
    return c.html(unsubscribePage(language, { channel: target.channel }), 200);
  };
  const description = 'Records an opt_out consent event (source unsubscribe_link) on the contacted record for the link\'s channel, and the contact\'s `unsubscribed` response. docs/activation.md, Delivery.';
  app.openapi(createRoute({ method: 'get', path: '/v1/unsubscribe', tags: ['delivery'], summary: 'Unsubscribe link', description, request: { query }, responses }), (c) => {
    const { token, lang } = c.req.valid('query');
    return handle(c, token, lang);
  });
  app.openapi(createRoute({ method: 'post', path: '/v1/unsubscribe', tags: ['delivery'], summary: 'One-click unsubscribe (RFC 8058)', description, request: { query }, responses }), (c) => {
    const { token, lang } = c.req.valid('query');
    return handle(c, token, lang);
  });
}
