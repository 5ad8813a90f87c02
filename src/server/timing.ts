import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './types.js';

/**
 * `Server-Timing: app;dur=<ms>`: the time the server spent on the request (for a streamed body, until
 * the stream was handed over), so a bench or a browser's network panel can tell server from network.
 */
export const serverTiming: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  await next();
  c.res.headers.append('Server-Timing', `app;dur=${(performance.now() - started).toFixed(1)}`);
};
