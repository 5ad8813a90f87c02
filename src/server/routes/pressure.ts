import type { z } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { defaultPressureAsOf, explainPressure, pressureReport } from '../../activation/pressure/index.js';
import { requireScope } from '../auth.js';
import { errorSchema } from '../errors.js';
import { requireReader } from '../session.js';
import type { App, AppDeps, AppEnv } from '../types.js';
import type { Engine } from '../../store/index.js';
import { pressureExplanationSchema, pressureQuery, pressurePersonParams, pressureReportSchema } from '../../dashboard/pressure-schemas.js';
import { whenReady } from './dashboard-ready.js';

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = {
  400: json(errorSchema, 'A parameter is invalid; the message names it.'),
  401: json(errorSchema, 'Not logged in, and no key.'),
  503: json(errorSchema, 'The datamart has not been analysed yet (run `fidelis run`).'),
};
const notFound = { 404: json(errorSchema, 'No such person.') };

const reader: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.var.viewer !== undefined) await next();
  else await requireReader(c, next);
};

async function asOfOf(reads: Engine, asOf: string | undefined): Promise<Date> {
  return asOf === undefined ? defaultPressureAsOf(reads) : new Date(asOf);
}

/**
 * Contact pressure over HTTP: the dashboard's page (/api/pressure, a session or read key) and the
 * same report for integrations (GET /v1/pressure, admin key: it names persons over a cap).
 */
export function pressureRoutes(app: App, deps: AppDeps): void {
  const reads = deps.reads ?? deps.engine;
  const ready = whenReady(reads);
  app.use('/api/pressure', reader, ready);
  app.use('/api/pressure/*', reader, ready);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/pressure',
      tags: ['dashboard'],
      summary: 'Contact pressure',
      description: 'Contacts per person per window by tier and channel, persons over a cap now and ever, never contacted, contacts without consent (Fidelis apart from imported history), verdict per channel.',
      request: { query: pressureQuery },
      responses: { 200: json(pressureReportSchema, 'The report.'), ...errors },
    }),
    async (c) => c.json(await pressureReport(reads, deps.config, await asOfOf(reads, c.req.valid('query').asOf)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/pressure/persons/{id}',
      tags: ['dashboard'],
      summary: "One person's pressure verdict",
      description: 'Per channel and overall: used, cap, remaining, and the reason in English and French.',
      request: { params: pressurePersonParams, query: pressureQuery },
      responses: { 200: json(pressureExplanationSchema, 'His verdicts.'), ...errors, ...notFound },
    }),
    async (c) => c.json(await explainPressure(reads, deps.config, c.req.valid('param').id, await asOfOf(reads, c.req.valid('query').asOf)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/pressure',
      tags: ['activation'],
      summary: 'Contact pressure report',
      description: 'As the dashboard\'s /api/pressure, for integrations (admin key: it lists persons over a cap).',
      security: [{ adminKey: [] }],
      middleware: [requireScope('admin'), ready] as const,
      request: { query: pressureQuery },
      responses: { 200: json(pressureReportSchema, 'The report.'), 401: json(errorSchema, 'No API key, or an unknown or revoked one.'), 403: json(errorSchema, 'Not an admin key.'), 400: errors[400], 503: errors[503] },
    }),
    async (c) => c.json(await pressureReport(reads, deps.config, await asOfOf(reads, c.req.valid('query').asOf)), 200),
  );
}
