import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { errorSchema } from '../errors.js';
import { ApiError } from '../errors.js';
import { requireExporter, requireReader, viewerPermissions } from '../session.js';
import type { App, AppDeps, AppEnv } from '../types.js';
import { LANGUAGES, preferredLanguage } from '../../messages/index.js';
import { customer360, localise360 } from '../../dashboard/customer-360.js';
import { customerPage } from '../../dashboard/customers.js';
import { auditActor } from '../actor.js';
import { writeAudit } from '../../privacy/audit.js';
import { csvDialect } from '../../dashboard/csv-dialect.js';
import { exportHeaders, EXPORT_HEADERS, segmentCsv, segmentExportTally } from '../../dashboard/export.js';
import { listExportRoute } from './list-export.js';
import { maskCustomer360, maskCustomerPage } from '../../dashboard/mask.js';
import { migration } from '../../dashboard/migration.js';
import { overview } from '../../dashboard/overview.js';
import { whenReady } from './dashboard-ready.js';
import {
  customer360Schema,
  customersQuery,
  customersSchema,
  exportQuery,
  migrationQuery,
  migrationSchema,
  overviewSchema,
  segmentParams,
  segmentSchema,
  segmentsSchema,
} from '../../dashboard/schemas.js';
import { segmentDetail, segments } from '../../dashboard/segments.js';
import { serverTiming } from '../timing.js';

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = {
  400: json(errorSchema, 'A parameter is invalid; the message names it.'),
  401: json(errorSchema, 'Not logged in, and no read API key.'),
  503: json(errorSchema, 'The datamart has not been analysed with the dashboard step yet (run `fidelis run`).'),
};
const notFound = { 404: json(errorSchema, 'No such customer or segment.') };

/** The paths of this module: its guards apply to these alone. */
const OWN_PATH = /^\/api\/(overview|migration|customers|segments)(\/|$)/;
/** Routes that return personal data in bulk: marketer and admin only (requireExporter). */
const BULK_PERSONAL_DATA = /^\/api\/(segments\/[^/]+\/[^/]+|customers)\/export\.csv$/;

/**
 * A reader is required: a session cookie or a read (or admin) key. sessionRoutes checks it first on
 * every /api route; an app mounted without sessionRoutes checks it here.
 */
const reader: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.var.viewer !== undefined) await next();
  else await requireReader(c, next);
};

/** The dashboard's data API: JSON under /api/ (and a CSV export), from the dashboard step's tables. */
export function dashboardRoutes(app: App, deps: AppDeps): void {
  const reads = deps.reads ?? deps.engine;
  const ready = whenReady(reads);
  const guard: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!OWN_PATH.test(c.req.path)) return next();
    await serverTiming(c, async () => {
      await reader(c, async () => {
        if (BULK_PERSONAL_DATA.test(c.req.path)) await requireExporter(c, async () => void (await ready(c, next)));
        else await ready(c, next);
      });
    });
  };
  app.use('/api/*', guard);
  const route = <P extends string>(path: P, summary: string, description: string) => ({ method: 'get' as const, path, tags: ['dashboard'], summary, description });

  app.openapi(
    createRoute({
      ...route('/api/overview', 'Overview of the customer base', 'Headline figures, monthly trends, Pareto, tiers, grid, RFM heatmap, CLV distribution, digital types, snapshots.'),
      responses: { 200: json(overviewSchema, 'The overview.'), ...errors },
    }),
    async (c) => c.json(await overview(reads, deps.config), 200),
  );

  app.openapi(
    createRoute({
      ...route('/api/migration', 'Moves between two snapshots', 'Customers per (class at `from`, class at `to`); "(none)" when absent from one. Defaults: the latest two snapshots.'),
      request: { query: migrationQuery },
      responses: { 200: json(migrationSchema, 'The migration matrix as rows.'), ...errors },
    }),
    async (c) => {
      const { dimension, from, to } = c.req.valid('query');
      return c.json(await migration(reads, dimension, { from, to }), 200);
    },
  );

  app.openapi(
    createRoute({
      ...route(
        '/api/customers',
        'The customer list',
        'Search (id, email, phone, name), filters on any class dimension of /api/segments, sort on a value, pages. ' +
          'For a viewer who does not see identifiers (analyst, read) names, e-mails and phones are null, `masked` is true, and a search (`q`) is refused.',
      ),
      request: { query: customersQuery },
      responses: { 200: json(customersSchema, 'One page of customers.'), ...errors, 403: json(errorSchema, 'A search by an analyst (or read) viewer: it would tell whose e-mail, phone or name is a customer.') },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const sees = viewerPermissions(c.get('viewer')).identifiers;
      if (!sees && query.q !== undefined && query.q !== '') {
        throw new ApiError(403, 'forbidden', `searching customers by id, e-mail, phone or name needs the marketer or admin role; the ${c.get('viewer').role} role sees figures without identifiers (filter by class instead)`, { role: c.get('viewer').role });
      }
      const page = await customerPage(reads, deps.config, query);
      return c.json(sees ? page : maskCustomerPage(page), 200);
    },
  );

  // Before /api/customers/{id}, which would otherwise take "export.csv" for an id.
  listExportRoute(app, deps);

  app.openapi(
    createRoute({
      ...route('/api/customers/{id}', 'The customer 360', 'Profile (as GET /v1/customers/{id}), timeline, value with the P(alive) curve, affinities, gaps.'),
      request: {
        params: z.object({ id: z.string().min(1).max(200).openapi({ param: { name: 'id', in: 'path' } }) }),
        query: z.object({
          lang: z.enum(LANGUAGES).optional().openapi({
            param: { name: 'lang', in: 'query' },
            description: 'Language of the sentences (reasons, explanations, timeline labels): en or fr; without it Accept-Language decides, English by default. Their messages carry the key, parameters and both texts.',
          }),
        }),
      },
      responses: { 200: json(customer360Schema, 'The customer (identifiers masked, `masked: true`, for an analyst or read viewer).'), ...errors, ...notFound },
    }),
    async (c) => {
      const lang = preferredLanguage(c.req.header('accept-language'), c.req.valid('query').lang);
      const card = localise360(await customer360(reads, deps.config, c.req.valid('param').id, deps.profiles), lang);
      return c.json(viewerPermissions(c.get('viewer')).identifiers ? card : maskCustomer360(card), 200);
    },
  );

  app.openapi(
    createRoute({
      ...route('/api/segments', 'Every class and RFM cell', 'Per dimension, its values with customers, revenue, margin and predicted value.'),
      responses: { 200: json(segmentsSchema, 'The segments.'), ...errors },
    }),
    async (c) => c.json(await segments(reads), 200),
  );

  app.openapi(
    createRoute({
      ...route('/api/segments/{dimension}/{value}', 'One segment', 'Size, value and behaviour (channels, ranges); its customers are GET /api/customers?<dimension>=<value>.'),
      request: { params: segmentParams },
      responses: { 200: json(segmentSchema, 'The segment.'), ...errors, ...notFound },
    }),
    async (c) => {
      const { dimension, value } = c.req.valid('param');
      return c.json(await segmentDetail(reads, dimension, value, deps.config), 200);
    },
  );

  app.openapi(
    createRoute({
      ...route(
        '/api/segments/{dimension}/{value}/export.csv',
        "A segment's customers opted in on a channel, as CSV",
        'CSV in the plain dialect (RFC 4180) or, with `dialect=excel-fr`, the one Excel opens in French (BOM, `;`, decimal comma, local dates); ' +
          'one line per customer after the header, streamed, with consent columns. Only persons whose current consent ' +
          'for `channel` (default email) is opt_in are exported: opted out and unknown (no consent event) are left out, and the ' +
          'X-Fidelis-Left-Out headers say how many. Every export is written to the audit log.',
      ),
      request: { params: segmentParams, query: exportQuery },
      responses: {
        200: {
          description: 'The customers opted in on the channel.',
          headers: EXPORT_HEADERS,
          content: { 'text/csv': { schema: z.string() } },
        },
        ...errors,
        403: json(errorSchema, 'An analyst (or read) user or key: exporting personal data needs the marketer or admin role.'),
        ...notFound,
      },
    }),
    async (c) => {
      const { dimension, value } = c.req.valid('param');
      const { channel, dialect } = c.req.valid('query');
      await segmentDetail(reads, dimension, value); // 404 before the stream starts
      const tally = await segmentExportTally(reads, dimension, value, channel);
      // Written before the first byte leaves: an export that starts is on record even if the download is cut.
      await writeAudit(deps.engine, {
        actor: auditActor(c.get('viewer')),
        action: 'segment_export',
        subject: `${dimension}=${value}`,
        rows: tally.exported,
        detail: { format: 'csv', dialect, role: c.get('viewer').role, channel, members: tally.members, leftOut: tally.leftOut, optedOut: tally.optedOut, unknown: tally.unknown },
      });
      const file = `${dimension}-${value}-${channel}.csv`.replace(/[^\w.-]+/g, '_');
      const csv = segmentCsv(reads, dimension, value, channel, undefined, csvDialect(dialect, deps.config.server.dashboard.exportTimeZone));
      return c.body(csv, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${file}"`,
        ...exportHeaders(channel, tally),
      });
    },
  );
}
