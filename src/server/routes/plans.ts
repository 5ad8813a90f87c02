import { createRoute, z } from '@hono/zod-openapi';
import { getPlan, listPlans, makePlan, parseCampaignFile, type PlanReport } from '../../activation/planner/index.js';
import { refreshAllowance } from '../../activation/planner/allowance.js';
import { CampaignFileError } from '../../activation/planner/campaign-file.js';
import { defaultAsOf } from '../../pipeline/index.js';
import type { MiddlewareHandler } from 'hono';
import { requireScope } from '../auth.js';
import { requireReader } from '../session.js';
import { badRequest, errorSchema } from '../errors.js';
import type { App, AppDeps, AppEnv } from '../types.js';

const channelSchema = z.object({ channel: z.string(), contacts: z.number().int(), cost: z.number(), expectedValue: z.number() });
const planSchema = z
  .object({
    planId: z.string(),
    asOf: z.string(),
    createdAt: z.string(),
    expectedValue: z.number().openapi({ description: 'Expected net value of the planned contacts, EUR.' }),
    upperBound: z.number().openapi({ description: 'Lagrangian dual bound: no plan meeting the same constraints is worth more, EUR.' }),
    gap: z.number().openapi({ description: '(upperBound - expectedValue) / upperBound.' }),
    seconds: z.number(),
    contacts: z.number().int(),
    unmetMinimums: z.array(z.string()),
    campaigns: z.array(z.object({
      id: z.string(), name: z.string(), budget: z.number(), eligible: z.number().int(), holdout: z.number().int(),
      contacts: z.number().int(), cost: z.number(), expectedValue: z.number(), channels: z.array(channelSchema),
    })),
  })
  .openapi('Plan');

const errors = {
  401: { description: 'No API key, or an unknown or revoked one.', content: { 'application/json': { schema: errorSchema } } },
  403: { description: 'Not an admin key.', content: { 'application/json': { schema: errorSchema } } },
};

const toJson = (p: PlanReport): z.infer<typeof planSchema> => p as z.infer<typeof planSchema>;

/** The dashboard's reader check (a session, or a read or admin key), as src/dashboard/routes.ts does for its own paths. */
const reader: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.var.viewer !== undefined) await next();
  else await requireReader(c, next);
};

/**
 * Campaign plans (admin keys): make one from a campaign file, list them, read one. docs/activation.md.
 * The dashboard's page reads the same list under /api/plans (any logged-in user).
 */
export function planRoutes(app: App, deps: AppDeps): void {
  app.use('/api/plans', reader);
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/plans',
      tags: ['dashboard'],
      summary: 'Stored campaign plans, newest first (dashboard)',
      responses: {
        200: { description: 'Plans.', content: { 'application/json': { schema: z.object({ plans: z.array(planSchema) }) } } },
        401: { description: 'Not logged in, and no read API key.', content: { 'application/json': { schema: errorSchema } } },
      },
    }),
    async (c) => c.json({ plans: (await listPlans(deps.reads ?? deps.engine, 20)).map(toJson) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/plans',
      tags: ['activation'],
      summary: 'Plan campaigns',
      description: 'Body: a campaign file (`{"campaigns": [...], "capacities"?}`), optionally with `asOf`. Writes the plan, each campaign\'s holdout and the planned contacts (status planned).',
      security: [{ adminKey: [] }],
      middleware: [requireScope('admin')] as const,
      request: { body: { content: { 'application/json': { schema: z.object({ asOf: z.string().optional() }).passthrough() } }, required: true } },
      responses: {
        201: { description: 'The plan.', content: { 'application/json': { schema: planSchema } } },
        400: { description: 'A campaign file to fix (each problem names its path).', content: { 'application/json': { schema: errorSchema } } },
        ...errors,
      },
    }),
    async (c) => {
      const { asOf: asOfText, ...body } = c.req.valid('json');
      let file;
      try {
        file = parseCampaignFile(body, 'body');
      } catch (error) {
        if (error instanceof CampaignFileError) throw badRequest('invalid_campaigns', error.message, { issues: error.issues });
        throw error;
      }
      const asOf = asOfText !== undefined ? new Date(asOfText) : await defaultAsOf(deps.engine);
      if (Number.isNaN(asOf.getTime())) throw badRequest('invalid_as_of', `asOf ${JSON.stringify(asOfText)} is not a date`);
      await refreshAllowance(deps.engine, deps.config, asOf, file.campaigns.map((c) => c.id));
      const plan = await makePlan(deps.engine, deps.config.activation.planner, file, { asOf, quiet: deps.config.activation.pressure });
      return c.json(toJson(plan), 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/plans',
      tags: ['activation'],
      summary: 'Stored plans, newest first',
      security: [{ adminKey: [] }],
      middleware: [requireScope('admin')] as const,
      responses: { 200: { description: 'Plans.', content: { 'application/json': { schema: z.object({ plans: z.array(planSchema) }) } } }, ...errors },
    }),
    async (c) => c.json({ plans: (await listPlans(deps.reads ?? deps.engine)).map(toJson) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/plans/{id}',
      tags: ['activation'],
      summary: 'One plan',
      security: [{ adminKey: [] }],
      middleware: [requireScope('admin')] as const,
      request: { params: z.object({ id: z.string().min(1).max(200).openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: {
        200: { description: 'The plan.', content: { 'application/json': { schema: planSchema } } },
        404: { description: 'No such plan.', content: { 'application/json': { schema: errorSchema } } },
        ...errors,
      },
    }),
    async (c) => c.json(toJson(await getPlan(deps.reads ?? deps.engine, c.req.valid('param').id)), 200),
  );
}
