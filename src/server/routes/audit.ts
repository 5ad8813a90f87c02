import { createRoute, z } from '@hono/zod-openapi';
import { readAudit } from '../../privacy/index.js';
import { errorSchema } from '../errors.js';
import { requireAdmin } from '../session.js';
import type { App, AppDeps } from '../types.js';

const entrySchema = z
  .object({
    id: z.string(),
    at: z.string().openapi({ description: 'ISO 8601 (UTC).' }),
    actor: z.string().openapi({ description: '"user:<name>" (dashboard), "key:<key id>" (API) or "cli:<OS user>".' }),
    action: z.string().openapi({ description: 'segment_export, list_export, audience_export, person_export, person_erase...' }),
    subject: z.string().nullable().openapi({ description: 'A segment ("value_tier=CPP"), an audience, a person id; never an e-mail or a name.' }),
    rows: z.number().int().nullable().openapi({ description: 'Rows (persons) that left the system or were removed.' }),
    detail: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'The request\'s options: format, dialect, channel, role, how many were left out for want of consent...' }),
  })
  .openapi('AuditEntry');

const json = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });

/** The audit log of exports and erasures, newest first: admin users and admin keys (docs/privacy.md). */
export function auditRoutes(app: App, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/audit',
      tags: ['privacy'],
      summary: 'The audit log: who exported or erased what, and how many rows',
      middleware: [requireAdmin] as const,
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ param: { name: 'limit', in: 'query' } }) }) },
      responses: {
        200: { description: 'The newest entries first.', content: { 'application/json': { schema: z.object({ entries: z.array(entrySchema) }).openapi('AuditLog') } } },
        401: json('Not logged in, and no API key.'),
        403: json('Not an admin user or key.'),
      },
    }),
    async (c) => {
      const rows = await readAudit(deps.engine, c.req.valid('query').limit);
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          entries: rows.map((r) => ({
            id: r.audit_id,
            at: new Date(r.occurred_at).toISOString(),
            actor: r.actor,
            action: r.action,
            subject: r.subject,
            rows: r.row_count === null ? null : Number(r.row_count),
            detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
          })),
        },
        200,
      );
    },
  );
}
