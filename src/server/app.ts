import { OpenAPIHono } from '@hono/zod-openapi';
import { badRequest, errorResponse } from './errors.js';
import { securityHeaders } from './headers.js';
import { health } from './health.js';
import { ROUTES } from './routes/index.js';
import type { App, AppDeps, AppEnv, RouteModule } from './types.js';

/**
 * The HTTP app: every route module mounted on one OpenAPIHono, one error handler, and the
 * OpenAPI 3 document at /openapi.json, generated from the zod schemas the routes validate with.
 */
export function createApp(deps: AppDeps, routes: readonly RouteModule[] = ROUTES): App {
  const app = new OpenAPIHono<AppEnv>({
    // Routes declared with app.openapi(createRoute(...)) answer a failed validation here.
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message }));
        throw badRequest('invalid_request', issues.map((i) => `${i.field || '(body)'}: ${i.reason}`).join('; '), { issues });
      }
      return undefined;
    },
  });
  // First, so that it sees every answer: the routes', the errors' and the 404s'.
  app.use('*', securityHeaders);
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  for (const mount of routes) mount(app, deps);
  app.get('/health', async (c) => c.json(await health(deps.collector)));
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'Fidelis',
      version: '0.1.0',
      description: 'Event collection (Segment HTTP Tracking API compatible) and customer profiles.',
    },
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  app.onError(errorResponse);
  return app;
}
