import type { MiddlewareHandler } from 'hono';

/**
 * Headers every response gets, the APIs' as well as the pages': a response is never sniffed into
 * another type, never framed, never sends a referrer, and never cached (JSON about customers, a
 * session, an export) unless its route says otherwise (the dashboard's files set their own
 * Cache-Control and their page's Content-Security-Policy; those are kept). A JSON answer gets a
 * policy that lets it load nothing, should a browser ever render it.
 */
const DEFAULTS: readonly (readonly [string, string])[] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cache-Control', 'no-store'],
];

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  for (const [name, value] of DEFAULTS) if (!headers.has(name)) headers.set(name, value);
};
