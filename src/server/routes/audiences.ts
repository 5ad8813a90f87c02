import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import {
  AudienceExistsError, AudienceFilterError, audienceDefinition, countAudience, createAudience, definitionFromText, definitionFromTree,
  deleteAudience, fieldListing, FIELD_TYPES, getAudience, listAudiences, previewAudience, type AudienceDefinition,
} from '../../activation/audiences/index.js';
import { AUDIENCE_EXPORT_FORMATS, startAudienceExport } from '../../dashboard/audience-export.js';
import { CSV_DIALECTS } from '../../dashboard/csv-dialect.js';
import { exportHeaders, EXPORT_HEADERS } from '../../dashboard/export.js';
import { CONTACT_CHANNELS } from '../../store/index.js';
import { auditActor } from '../actor.js';
import { requireScope } from '../auth.js';
import { ApiError, errorSchema } from '../errors.js';
import { requireExporter, requireReader, viewerPermissions } from '../session.js';
import type { App, AppDeps, AppEnv } from '../types.js';

const AUDIENCE_EXPORT_HEADERS = {
  ...EXPORT_HEADERS,
  'X-Fidelis-Left-Out-Pressure': {
    description: 'Included in X-Fidelis-Left-Out: opted in, but the contact-pressure policy allows no contact on the channel now (cap, cool-down, exclusion, tier).',
    schema: { type: 'integer' as const },
  },
};
const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = {
  400: json(errorSchema, 'A definition Fidelis refuses: the error names the position in `where` (line, column, offset) or the path in `definition`, and what was expected.'),
  401: json(errorSchema, 'No key (or session), or an unknown one.'),
  403: json(errorSchema, 'Not an admin key (or user).'),
};
const notFound = { 404: json(errorSchema, 'No audience of that name.') };

const fieldSchema = z
  .object({
    name: z.string(),
    type: z.enum(FIELD_TYPES),
    values: z.array(z.string()).nullable(),
    description: z.object({ en: z.string(), fr: z.string() }),
    source: z.string(),
  })
  .openapi('AudienceField');
const treeSchema = z.unknown().openapi({ description: 'The filter as a JSON tree (docs/activation.md, Audiences).' });
const audienceSchema = z
  .object({
    name: z.string(),
    tree: treeSchema,
    text: z.string().openapi({ description: 'The filter in the text form, canonical.' }),
    created_at: z.string(),
    created_by: z.string(),
    updated_at: z.string(),
    count: z.number().int().openapi({ description: 'Persons in the audience now.' }),
  })
  .openapi('Audience');
const definitionBody = z
  .object({
    where: z.string().optional().openapi({ description: 'The filter in the text form, e.g. `tier in ("CPP","CCM") and consent.email`.' }),
    definition: treeSchema.optional(),
  })
  .strict();
const createBody = definitionBody.extend({ name: z.string().openapi({ description: 'Name: 1 to 80 letters, digits, "_", "." or "-".' }) }).strict();
const memberSchema = z.object({
  person_id: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  city: z.string().nullable(),
  value_tier: z.string().nullable(),
  clv: z.number().nullable(),
  p_alive: z.number().nullable(),
});
const previewSchema = z.object({ text: z.string(), tree: treeSchema, count: z.number().int(), members: z.array(memberSchema) }).openapi('AudiencePreview');
const nameParam = z.object({ name: z.string().min(1).max(200).openapi({ param: { name: 'name', in: 'path' } }) });
const limitQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(20).openapi({ param: { name: 'limit', in: 'query' } }) });
const exportQuery = z.object({
  channel: z.enum(CONTACT_CHANNELS).openapi({ param: { name: 'channel', in: 'query' }, description: 'Only persons whose current consent for it is opt_in are exported.' }),
  format: z.enum(AUDIENCE_EXPORT_FORMATS).default('csv').openapi({ param: { name: 'format', in: 'query' } }),
  dialect: z.enum(CSV_DIALECTS).default('plain').openapi({
    param: { name: 'dialect', in: 'query' },
    description: 'For CSV: plain (RFC 4180, comma, ISO dates) or excel-fr (UTF-8 BOM, semicolon, decimal comma, dd/mm/yyyy hh:mm in server.dashboard.exportTimeZone).',
  }),
});

/** Refusals become a 400 carrying where and what was expected; a duplicate name a 409. */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AudienceFilterError) throw new ApiError(400, error.code, error.message, error.toJSON());
    if (error instanceof AudienceExistsError) throw new ApiError(409, error.code, error.message);
    throw error;
  }
}

const ctx = () => ({ asOf: new Date() });

function definitionOf(body: { where?: string | undefined; definition?: unknown }): AudienceDefinition {
  if ((body.where === undefined) === (body.definition === undefined)) {
    throw new ApiError(400, 'invalid_request', 'give the filter once: either `where` (text form) or `definition` (JSON tree)');
  }
  return body.where !== undefined ? definitionFromText(body.where, ctx()) : definitionFromTree(body.definition, ctx());
}

/** The preview's members as the viewer may see them: an analyst (or read) user or key gets no names (src/server/roles.ts). */
const visibleMembers = <M extends { first_name: string | null; last_name: string | null }>(c: Context<AppEnv>, members: M[]): M[] =>
  c.var.viewer === undefined || viewerPermissions(c.var.viewer).identifiers ? members : members.map((m) => ({ ...m, first_name: null, last_name: null }));

const actorOf = (c: Context<AppEnv>): string => (c.var.viewer !== undefined ? auditActor(c.var.viewer) : `key:${c.get('apiKey').keyId}`);

/**
 * Audiences under `prefix`: `/v1/audiences` for admin keys, `/api/audiences` for the dashboard
 * (its session guard lets readers count and preview; saving, deleting and exporting need admin).
 */
function audienceRoutesAt(app: App, deps: AppDeps, prefix: string, read: MiddlewareHandler<AppEnv>, admin: MiddlewareHandler<AppEnv>): void {
  const engine = deps.reads ?? deps.engine;
  // Saved audiences are read on the writer's connection: a statement the read pool cached while
  // the table was empty gives "" for a definition another connection inserted since (DuckDB
  // 1.5, node-api; seen in test/web/audiences.test.ts), and the table is tiny.
  const store = deps.engine;
  const security = prefix.startsWith('/v1') ? [{ adminKey: [] }] : [];
  const tags = ['audiences'];
  app.openapi(
    createRoute({ method: 'get', path: `${prefix}/fields`, tags, security, summary: 'The fields a filter can use', middleware: [read] as const, responses: { 200: json(z.object({ fields: z.array(fieldSchema) }), 'The catalogue.'), ...errors } }),
    (c) => c.json({ fields: fieldListing() as z.infer<typeof fieldSchema>[] }, 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: `${prefix}/count`, tags, security, summary: 'Count an unsaved definition', middleware: [read] as const, request: { body: { content: { 'application/json': { schema: definitionBody } }, required: true } }, responses: { 200: json(z.object({ text: z.string(), tree: treeSchema, count: z.number().int() }), 'Persons matching it now.'), ...errors } }),
    async (c) => {
      const def = await answer(() => Promise.resolve().then(() => definitionOf(c.req.valid('json'))));
      return c.json({ text: def.text, tree: def.tree, count: await countAudience(engine, def.compiled) }, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: `${prefix}/preview`, tags, security, summary: 'Count and first members of an unsaved definition', middleware: [read] as const, request: { query: limitQuery, body: { content: { 'application/json': { schema: definitionBody } }, required: true } }, responses: { 200: json(previewSchema, 'Its count and first members by person id.'), ...errors } }),
    async (c) => {
      const def = await answer(() => Promise.resolve().then(() => definitionOf(c.req.valid('json'))));
      const [count, members] = await Promise.all([countAudience(engine, def.compiled), previewAudience(engine, def.compiled, c.req.valid('query').limit)]);
      return c.json({ text: def.text, tree: def.tree, count, members: visibleMembers(c, members) }, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: prefix, tags, security, summary: 'Saved audiences with their counts now', middleware: [read] as const, responses: { 200: json(z.object({ audiences: z.array(audienceSchema) }), 'Every saved audience.'), ...errors } }),
    async (c) => c.json({ audiences: await answer(() => listAudiences(store, ctx())) }, 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: prefix, tags, security, summary: 'Save an audience', middleware: [admin] as const, request: { body: { content: { 'application/json': { schema: createBody } }, required: true } }, responses: { 201: json(audienceSchema, 'Saved, with its count.'), 409: json(errorSchema, 'An audience of that name exists.'), ...errors } }),
    async (c) => {
      const body = c.req.valid('json');
      const saved = await answer(async () => createAudience(deps.engine, { name: body.name, definition: definitionOf(body), actor: actorOf(c) }, ctx()));
      return c.json(saved, 201);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: `${prefix}/{name}`, tags, security, summary: 'A saved audience with its count now', middleware: [read] as const, request: { params: nameParam }, responses: { 200: json(audienceSchema, 'The audience.'), ...errors, ...notFound } }),
    async (c) => c.json(await answer(() => getAudience(store, c.req.valid('param').name, ctx())), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: `${prefix}/{name}`, tags, security, summary: 'Delete a saved audience', middleware: [admin] as const, request: { params: nameParam }, responses: { 200: json(z.object({ deleted: z.string() }), 'Deleted.'), ...errors, ...notFound } }),
    async (c) => {
      const { name } = c.req.valid('param');
      await answer(() => deleteAudience(deps.engine, name));
      return c.json({ deleted: name }, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: `${prefix}/{name}/members`, tags, security, summary: 'First members of a saved audience', middleware: [read] as const, request: { params: nameParam, query: limitQuery }, responses: { 200: json(previewSchema, 'Its count and first members by person id.'), ...errors, ...notFound } }),
    async (c) => {
      const def = await answer(() => audienceDefinition(store, c.req.valid('param').name, ctx()));
      const [count, members] = await Promise.all([countAudience(engine, def.compiled), previewAudience(engine, def.compiled, c.req.valid('query').limit)]);
      return c.json({ text: def.text, tree: def.tree, count, members: visibleMembers(c, members) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get', path: `${prefix}/{name}/export`, tags, security, middleware: [admin] as const,
      summary: 'Export an audience for a channel (CSV or JSON Lines)',
      description: 'Only persons opted in on the channel now whom the contact-pressure policy still allows a contact on it; the headers say how many were left out and why. Written to the audit log (audience_export).',
      request: { params: nameParam, query: exportQuery },
      responses: { 200: { description: 'The file.', headers: AUDIENCE_EXPORT_HEADERS, content: { 'text/csv': { schema: z.string() }, 'application/x-ndjson': { schema: z.string() } } }, ...errors, ...notFound },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const { channel, format, dialect } = c.req.valid('query');
      const def = await answer(() => audienceDefinition(store, name, ctx()));
      const { tally, file } = await startAudienceExport(deps.engine, deps.config, { name, compiled: def.compiled, channel, format, dialect, actor: actorOf(c), asOf: new Date() });
      return c.body(file, 200, {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="${`${name}-${channel}.${format}`.replace(/[^\w.-]+/g, '_')}"`,
        'cache-control': 'no-store',
        ...exportHeaders(channel, tally),
        'x-fidelis-left-out-pressure': String(tally.pressure),
      });
    },
  );
}

/** `/v1/audiences` (admin keys) and `/api/audiences` (the dashboard's session; admin to save, delete or export). */
export function audienceRoutes(app: App, deps: AppDeps): void {
  const adminKey = requireScope('admin');
  audienceRoutesAt(app, deps, '/v1/audiences', adminKey, adminKey);
  // sessionRoutes requires a reader on every /api route; an app mounted without it checks here.
  const reader: MiddlewareHandler<AppEnv> = async (c, next) => (c.var.viewer !== undefined ? next() : requireReader(c, next));
  audienceRoutesAt(app, deps, '/api/audiences', reader, requireExporter);
}
