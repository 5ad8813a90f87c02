import { createRoute, z } from '@hono/zod-openapi';
import { eraseFromFiles, erasePerson, erasureSummary, exportPerson, markCompactionPending, SERVER_STORAGE_DELAY } from '../../privacy/index.js';
import { MAX_LOOKUP_BYTES, servingStorePath } from '../../profiles/index.js';
import { requireScope } from '../auth.js';
import { errorSchema } from '../errors.js';
import type { App, AppDeps } from '../types.js';

// Ids within the profile store's keys, as the profile API's: a longer one names nobody, and is a 400 rather than a lookup.
const idParam = z.object({
  id: z
    .string()
    .min(1)
    .refine((v) => Buffer.byteLength(v) <= MAX_LOOKUP_BYTES, `at most ${MAX_LOOKUP_BYTES} bytes (UTF-8)`)
    .openapi({
      param: { name: 'id', in: 'path' },
      description: 'Person id, customer record id, or an identifier as `type=value` (`email=ann@example.com`, `phone=...`, `userId=...`).',
    }),
});

const exportSchema = z
  .object({
    personId: z.string(),
    requested: z.string(),
    exportedAt: z.string(),
    personIds: z.array(z.string()).openapi({ description: 'His person id and the older ids merged into it.' }),
    records: z.array(z.string()).openapi({ description: 'His customer records and event links.' }),
    rows: z.number().int(),
    tables: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).openapi({ description: 'Every table that can hold a person, with his rows.' }),
  })
  .openapi('PersonExport');

const erasureSchema = z
  .object({
    personId: z.string(),
    auditId: z.string().openapi({ description: 'The audit_log entry of the erasure.' }),
    rows: z.number().int(),
    tables: z.record(z.string(), z.number().int()).openapi({ description: 'Rows deleted (orders: pseudonymised) per table.' }),
    ordersKept: z.number().int().openapi({ description: 'Orders kept for accounting, their buyer replaced by a pseudonym.' }),
    suppressedIdentifiers: z.number().int(),
    profileFile: z.object({ documents: z.number().int(), keys: z.number().int() }).nullable(),
    eventLog: z.object({ segments: z.number().int(), lines: z.number().int() }),
    databaseFile: z.string().openapi({ description: 'When the erased rows leave the database file itself (on ClickHouse: its tables\' parts on disk).' }),
  })
  .openapi('PersonErasure');

const errors = {
  401: { description: 'No API key, or an unknown or revoked one.', content: { 'application/json': { schema: errorSchema } } },
  403: { description: 'Not an admin key.', content: { 'application/json': { schema: errorSchema } } },
  404: { description: 'No such customer.', content: { 'application/json': { schema: errorSchema } } },
  400: { description: 'An identifier that is junk, or shared by several persons.', content: { 'application/json': { schema: errorSchema } } },
};

const DATABASE_FILE_DELAY = 'rewritten without the erased rows when the server next stops or starts (or by `fidelis privacy compact` with the server stopped)';

/** A data subject's requests (admin keys): everything of a person, or his erasure. docs/privacy.md. */
export function privacyRoutes(app: App, deps: AppDeps): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminKey', {
    type: 'http',
    scheme: 'basic',
    description: 'An admin key as user name, empty password; or Authorization: Bearer <key>.',
  });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/customers/{id}/export',
      tags: ['privacy'],
      summary: "Everything of a person (a data subject's access request)",
      description: 'Every row of the person in every table that can hold one; written to the audit log (person_export).',
      security: [{ adminKey: [] }],
      middleware: [requireScope('admin')] as const,
      request: { params: idParam },
      responses: { 200: { description: 'His data.', content: { 'application/json': { schema: exportSchema } } }, ...errors },
    }),
    async (c) => {
      const result = await exportPerson(deps.engine, deps.config, c.req.valid('param').id, `key:${c.get('apiKey').keyId}`);
      c.header('Cache-Control', 'no-store');
      return c.json(result as z.infer<typeof exportSchema>, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/customers/{id}',
      tags: ['privacy'],
      summary: 'Erase a person (right to erasure)',
      description:
        'Removes him from every table, the profile documents and the event log; his orders stay for accounting under a pseudonym; his identifiers go on the suppression list, so later events naming him are dropped. Written to the audit log (person_erase).',
      security: [{ adminKey: [] }],
      middleware: [requireScope('admin')] as const,
      request: { params: idParam },
      responses: { 200: { description: 'What was erased.', content: { 'application/json': { schema: erasureSchema } } }, ...errors },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const actor = `key:${c.get('apiKey').keyId}`;
      const erase = async (): Promise<z.infer<typeof erasureSchema>> => {
        const erasure = await erasePerson(deps.engine, deps.config, id, actor);
        // From now on his profile is read live (and is gone) until the file is rewritten below.
        deps.profiles?.changed({ persons: erasure.subject.personIds, records: erasure.subject.nodeIds });
        // His rows leave the write-ahead log; a CHECKPOINT refused for a read in progress is retried by DuckDB's own.
        await deps.engine.exec('CHECKPOINT').catch(() => undefined);
        const paths = {
          profiles: servingStorePath(deps.engine.location),
          logFolder: deps.collector?.log.folder ?? null,
          activeSegment: deps.collector?.log.currentSegment ?? null,
        };
        let files: Awaited<ReturnType<typeof eraseFromFiles>> | undefined;
        if (deps.profiles) {
          await deps.profiles.rewriteStore(async (open) => {
            files = await eraseFromFiles(erasure, { ...paths, openProfiles: open });
          });
        }
        files ??= await eraseFromFiles(erasure, paths);
        if (servingStorePath(deps.engine.location)) markCompactionPending(deps.engine.location);
        const onServer = /^[a-z][a-z0-9+.-]*:\/\//i.test(deps.engine.location);
        return { ...erasureSummary(erasure, files), databaseFile: onServer ? SERVER_STORAGE_DELAY : DATABASE_FILE_DELAY };
      };
      // Between two loads: a load that had read his messages before the erasure would store them after it.
      const result = deps.collector ? await deps.collector.exclusive(erase) : await erase();
      c.header('Cache-Control', 'no-store');
      return c.json(result, 200);
    },
  );
}
