import { createRoute, z } from '@hono/zod-openapi';
import { auditActor } from '../actor.js';
import { errorSchema } from '../errors.js';
import type { App, AppDeps } from '../types.js';
import { writeAudit } from '../../privacy/audit.js';
import { sql } from '../../store/index.js';
import { csvDialect } from '../../dashboard/csv-dialect.js';
import { listConditions, listOrder, type ListFilters } from '../../dashboard/customers.js';
import { exportHeaders, EXPORT_HEADERS, listCsv, listExportTally, type ListSelection } from '../../dashboard/export.js';
import { listExportQuery } from '../../dashboard/schemas.js';

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });

/**
 * What the audit log says was exported: the list's filters and sort as a query string. A search
 * text is recorded as `q=*`: it may be an e-mail or a phone, which the log must not keep.
 */
export function exportSubject(filters: Record<string, unknown>): string {
  const parts = Object.entries(filters)
    .filter(([key, value]) => value !== undefined && !['channel', 'dialect'].includes(key))
    .map(([key, value]) => `${key}=${key === 'q' ? '*' : String(value)}`);
  return `customers?${parts.join('&')}`;
}

/**
 * GET /api/customers/export.csv: any list the customers and segment pages show (a class, a move
 * between snapshots, a search, filters combined) in its sort, through the segment export's
 * machinery: consent filter with the left-out headers, dialects, exporter roles, audit entry.
 */
export function listExportRoute(app: App, deps: AppDeps): void {
  const reads = deps.reads ?? deps.engine;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/customers/export.csv',
      tags: ['dashboard'],
      summary: 'A customer list opted in on a channel, as CSV',
      description:
        'The customers GET /api/customers lists with the same filters (class dimensions, q, moveDimension/moveFrom/moveTo and their dates), in its sort and order, ' +
        'every page. As the segment export: only persons opted in on `channel`, X-Fidelis-Left-Out headers, `dialect`, marketer or admin role, an audit entry with the row count.',
      request: { query: listExportQuery },
      responses: {
        200: { description: 'The listed customers opted in on the channel.', headers: EXPORT_HEADERS, content: { 'text/csv': { schema: z.string() } } },
        400: json(errorSchema, 'A parameter is invalid; the message names it.'),
        401: json(errorSchema, 'Not logged in, and no read API key.'),
        403: json(errorSchema, 'An analyst (or read) user or key: exporting personal data needs the marketer or admin role.'),
        503: json(errorSchema, 'The datamart has not been analysed with the dashboard step yet (run `fidelis run`).'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const { channel, dialect, sort, order, ...filters } = query;
      const conditions = await listConditions(reads, deps.config, filters satisfies ListFilters);
      const selection: ListSelection = {
        where: conditions.length > 0 ? sql.join(conditions, ' AND ') : sql`1 = 1`,
        order: listOrder(reads, sort, order),
      };
      const tally = await listExportTally(reads, selection, channel);
      const subject = exportSubject({ ...filters, sort, order });
      // Written before the first byte leaves: an export that starts is on record even if the download is cut.
      await writeAudit(deps.engine, {
        actor: auditActor(c.get('viewer')),
        action: 'list_export',
        subject,
        rows: tally.exported,
        detail: { format: 'csv', dialect, role: c.get('viewer').role, channel, members: tally.members, leftOut: tally.leftOut, optedOut: tally.optedOut, unknown: tally.unknown },
      });
      const csv = listCsv(reads, selection, channel, undefined, csvDialect(dialect, deps.config.server.dashboard.exportTimeZone));
      return c.body(csv, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="customers-${channel}.csv"`,
        ...exportHeaders(channel, tally),
      });
    },
  );
}
