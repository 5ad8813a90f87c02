import { z } from '@hono/zod-openapi';
import { SNAPSHOT_DIMENSIONS } from '../segments/index.js';
import { CONTACT_CHANNELS } from '../store/index.js';
import { CSV_DIALECTS } from './csv-dialect.js';
import { DASHBOARD_DIMENSIONS } from './dimensions.js';

const share = z.number().openapi({ description: 'A fraction, 0..1.' });
const money = z.number().openapi({ description: 'In the configured currency.' });

export const overviewSchema = z
  .object({
    asOf: z.string().openapi({ description: 'Date of the analysis (ISO 8601).' }),
    currency: z.string(),
    kpis: z.object({ customers: z.number(), activeCustomers: z.number(), revenue: money, margin: money, predictedClv: money, netContribution: money, predictedValue: money }),
    clvDefinition: z
      .object({ label: z.object({ en: z.string(), fr: z.string() }), definition: z.object({ en: z.string(), fr: z.string() }) })
      .nullable()
      .openapi({ description: 'What kpis.predictedClv sums (the customers\' `clv`: lifetime or horizon, basis, discounting), as the segment and customer pages name it.' }),
    trends: z.array(z.object({ month: z.string().openapi({ example: '2025-03' }), activeCustomers: z.number(), newCustomers: z.number(), revenue: money, margin: money, contribution: money })),
    pareto: z.array(z.object({ customerShare: share, revenueShare: share, marginShare: share, netShare: share, clvShare: share })),
    tiers: z.array(z.object({ tier: z.string(), column: z.string(), customers: z.number(), revenue: money, margin: money, predictedValue: money })),
    grid: z.object({
      quadrants: z.array(z.object({ grid: z.string(), customers: z.number(), revenue: money, contribution: money })),
      points: z.array(z.object({ id: z.string(), revenue: money, profitability: z.number(), grid: z.string() })),
      revenueThreshold: z.number().nullable(),
      profitabilityThreshold: z.number().nullable(),
    }),
    rfm: z.array(z.object({ r: z.number(), f: z.number(), customers: z.number(), avgMonetary: money })),
    clvHistogram: z.array(z.object({ from: money, to: money, customers: z.number() })),
    digital: z.array(z.object({ type: z.string(), customers: z.number(), revenue: money })),
    snapshots: z.array(z.object({ asOf: z.string(), customers: z.number() })),
  })
  .openapi('DashboardOverview');

export const dateParam = z
  .string()
  .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(new Date(v).getTime()), 'a date such as 2025-12-31 or 2025-12-31T23:00:00Z');

export const migrationQuery = z.object({
  dimension: z.enum(SNAPSHOT_DIMENSIONS).default('value_tier').openapi({ param: { name: 'dimension', in: 'query' } }),
  from: dateParam.optional().openapi({ param: { name: 'from', in: 'query' }, description: 'A snapshot date; default the one before `to`.' }),
  to: dateParam.optional().openapi({ param: { name: 'to', in: 'query' }, description: 'A snapshot date; default the latest.' }),
});

export const migrationSchema = z
  .object({
    dimension: z.enum(SNAPSHOT_DIMENSIONS),
    from: z.string().nullable().openapi({ description: 'Null when the datamart has fewer than two snapshots.' }),
    to: z.string().nullable(),
    dimensions: z.array(z.string()),
    snapshots: z.array(z.string()),
    rows: z.array(z.object({ from: z.string(), to: z.string(), customers: z.number() })),
  })
  .openapi('DashboardMigration');

export const SORT_FIELDS = ['revenue', 'clv', 'predicted_value', 'orders', 'last_purchase', 'net_contribution', 'gross_margin', 'p_alive', 'name', 'id', 'clv_12m'] as const;
export const MAX_PAGE_SIZE = 200;

const dimensionFilters = Object.fromEntries(
  DASHBOARD_DIMENSIONS.map((d) => [d, z.string().min(1).max(100).optional().openapi({ param: { name: d, in: 'query' }, description: `Only the customers of this ${d}.` })]),
) as Record<(typeof DASHBOARD_DIMENSIONS)[number], z.ZodOptional<z.ZodString>>;

const classValue = z.string().min(1).max(100);
export const customersQuery = z.object({
  q: z.string().trim().min(1).max(200).optional().openapi({ param: { name: 'q', in: 'query' }, description: 'A person id, email, phone or name (prefix of first or last name, or "first last").' }),
  ...dimensionFilters,
  moveDimension: z.enum(SNAPSHOT_DIMENSIONS).optional().openapi({ param: { name: 'moveDimension', in: 'query' }, description: 'With moveFrom and moveTo: only the customers who moved between two snapshots on this dimension (a cell of /api/migration).' }),
  moveFrom: classValue.optional().openapi({ param: { name: 'moveFrom', in: 'query' }, description: 'Their class at the earlier snapshot ("(none)": not in it).' }),
  moveTo: classValue.optional().openapi({ param: { name: 'moveTo', in: 'query' }, description: 'Their class at the later snapshot ("(none)": not in it).' }),
  moveFromDate: dateParam.optional().openapi({ param: { name: 'moveFromDate', in: 'query' }, description: 'The earlier snapshot; default the one before moveToDate.' }),
  moveToDate: dateParam.optional().openapi({ param: { name: 'moveToDate', in: 'query' }, description: 'The later snapshot; default the latest.' }),
  sort: z.enum(SORT_FIELDS).default('revenue').openapi({ param: { name: 'sort', in: 'query' } }),
  order: z.enum(['asc', 'desc']).default('desc').openapi({ param: { name: 'order', in: 'query' } }),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).openapi({ param: { name: 'page', in: 'query' } }),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50).openapi({ param: { name: 'pageSize', in: 'query' } }),
});
export type CustomersQuery = z.infer<typeof customersQuery>;

const bilingual = z.object({ en: z.string(), fr: z.string() });
/** A sentence: its message key, its raw parameters and its text in both languages. */
const valueMessage = z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])), text: bilingual });

export const customerRowSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    city: z.string().nullable(),
    value_tier: z.string(),
    value_column: z.string(),
    rfm_segment: z.string(),
    rfm_cell: z.string(),
    grid: z.string(),
    digital_type: z.string(),
    online_move: z.string(),
    orders: z.number(),
    revenue: money,
    gross_margin: money,
    net_contribution: money,
    clv: money.nullable(),
    predicted_value: money.nullable(),
    p_alive: z.number().nullable(),
    last_purchase: z.string().nullable(),
    clv_12m: money.nullable().openapi({ description: 'Value over the next 12 months, same basis and discounting as clv (lifetime unless value.clv.horizon).' }),
    clv_basis: z.string().nullable().openapi({ description: 'What clv and clv_12m count: revenue or margin.' }),
    referral_value: money.nullable().openapi({ description: 'Predicted value of the customers he referred.' }),
    latest_nps: z.number().nullable(),
    latest_csat: z.number().nullable(),
    complaints: z.number(),
    p_alive_reason: z
      .enum(['bgnbd_no_repeat_purchase'])
      .nullable()
      .openapi({ description: 'Why p_alive is null although he bought (as the 360\'s pAliveReason): not estimable under the model.' }),
    clv_explanation: valueMessage
      .nullable()
      .optional()
      .openapi({ description: 'Why his CLV is low although his RFM segment describes a valuable past (value.clvExplanation); null when nothing contradicts.' }),
  })
  .openapi('DashboardCustomerRow');

export const customersSchema = z
  .object({
    total: z.number(),
    page: z.number(),
    pageSize: z.number(),
    sort: z.enum(SORT_FIELDS),
    order: z.enum(['asc', 'desc']),
    rows: z.array(customerRowSchema),
    masked: z.boolean().optional().openapi({ description: 'True when names, e-mails and phones are hidden: the viewer\'s role (analyst, read) does not see identifiers.' }),
  })
  .openapi('DashboardCustomers');

export const segmentValueSchema = z.object({ value: z.string(), customers: z.number(), revenue: money, margin: money, predictedValue: money });
export const segmentsSchema = z
  .object({ dimensions: z.array(z.object({ dimension: z.enum(DASHBOARD_DIMENSIONS), label: z.string(), values: z.array(segmentValueSchema) })) })
  .openapi('DashboardSegments');

export const segmentParams = z.object({
  dimension: z.enum(DASHBOARD_DIMENSIONS).openapi({ param: { name: 'dimension', in: 'path' } }),
  value: z.string().min(1).max(100).openapi({ param: { name: 'value', in: 'path' } }),
});

export const exportQuery = z.object({
  channel: z
    .enum(CONTACT_CHANNELS)
    .default('email')
    .openapi({
      param: { name: 'channel', in: 'query' },
      description: 'The channel the file is for (default email): only persons whose current consent for it is opt_in are exported.',
    }),
  dialect: z
    .enum(CSV_DIALECTS)
    .default('plain')
    .openapi({
      param: { name: 'dialect', in: 'query' },
      description: 'plain: RFC 4180, comma, ISO 8601 dates in UTC. excel-fr: UTF-8 BOM, semicolon, decimal comma, dd/mm/yyyy hh:mm in server.dashboard.exportTimeZone (Europe/Paris).',
    }),
});

export const segmentSizeSchema = z.object({
  asOf: z.string().openapi({ description: 'The snapshot date (ISO 8601).' }),
  customers: z.number().openapi({ description: 'Members at that snapshot.' }),
  share: share.openapi({ description: 'Of the customers in that snapshot.' }),
});

export const segmentFiguresSchema = z.object({
  customers: z.number(),
  customerShare: share.openapi({ description: 'Of the whole base (1 for the base).' }),
  revenue: money.openapi({ description: 'Revenue to date.' }),
  revenueShare: share.openapi({ description: 'Of the whole base\'s revenue.' }),
  avgClv12m: money.nullable().openapi({ description: 'Mean clv_12m of those valued (valueDefinitions clv_12m: basis, horizon, discounting).' }),
  avgClvLifetime: money.nullable().openapi({ description: 'Mean clv_lifetime of those valued (valueDefinitions clv_lifetime); null when the run computed none.' }),
  avgPAlive: share.nullable().openapi({ description: 'Mean P(alive) over the pAliveEstimable customers.' }),
  pAliveEstimable: z.number().openapi({ description: 'Customers with a P(alive).' }),
  pAliveNotEstimable: z.number().openapi({ description: 'Customers whose P(alive) the model cannot estimate (p_alive_reason, e.g. BG/NBD without a repeat purchase).' }),
  pAliveWithoutModel: z.number().openapi({ description: 'Customers without any P(alive) otherwise (no order to fit on).' }),
  avgOrders: z.number(),
  avgRecencyDays: z.number().nullable().openapi({ description: 'Mean days since the last order, over customers with one.' }),
  emailConsentShare: share.nullable().openapi({ description: 'Share opted in to e-mail at the last run (person_consents); null without consent data.' }),
  mix: z.array(z.object({ dimension: z.string(), values: z.array(z.object({ value: z.string(), customers: z.number(), share: share })) })).openapi({
    description: 'Value tier and digital type mix: customers per class, largest first.',
  }),
});

export const segmentComparisonSchema = z
  .object({ segment: segmentFiguresSchema, base: segmentFiguresSchema })
  .openapi({ description: 'The segment beside the whole base on the same figures, from the class cube.' });

export const segmentSchema = z
  .object({
    dimension: z.enum(DASHBOARD_DIMENSIONS),
    value: z.string(),
    customers: z.number(),
    share: share,
    revenue: money,
    margin: money,
    netContribution: money,
    predictedValue: money,
    avgClv: money.nullable(),
    avgClv12m: money.nullable().openapi({ description: 'Mean 12-month value of the members valued.' }),
    avgReferralValue: money.openapi({ description: 'Mean referral value per member.' }),
    avgNps: z.number().nullable().openapi({ description: 'Mean latest NPS of the members who answered.' }),
    avgCsat: z.number().nullable(),
    complaintsPerCustomer: z.number(),
    valueDefinitions: z
      .array(z.object({ field: z.string(), label: z.object({ en: z.string(), fr: z.string() }), definition: z.object({ en: z.string(), fr: z.string() }) }))
      .openapi({ description: 'Label and definition of each value figure (horizon, basis, discounting), EN and FR.' }),
    avgOrders: z.number(),
    avgBasket: money.nullable(),
    avgRecencyDays: z.number().nullable(),
    pAlive: z.number().nullable(),
    activeCustomers: z.number(),
    channels: z.array(z.object({ channel: z.string(), share: share, orders: z.number(), revenue: money })),
    categories: z.array(z.object({ category: z.string(), share: share, customers: z.number(), revenue: money })),
    sizes: z.array(segmentSizeSchema).openapi({
      description: 'Its size at every snapshot, oldest first (customers with at least one order at that date); empty for RFM cells, which snapshots do not keep.',
    }),
    comparison: segmentComparisonSchema,
  })
  .openapi('DashboardSegment');

const timelineEntry = z.object({
  at: z.string(),
  kind: z.enum(['order', 'return', 'web', 'email', 'ticket', 'contact', 'survey', 'event']),
  label: z.string().openapi({ description: 'The entry in the language asked for (`?lang=`, Accept-Language; English by default): message.text[lang].' }),
  message: z
    .object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])), text: z.object({ en: z.string(), fr: z.string() }) })
    .openapi({ description: 'The entry as a message key (timeline.order, timeline.web.search...), its parameters and its text in each language.' }),
  amount: z.number().optional(),
  channel: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof timelineEntry>;

export const customer360Schema = z
  .object({
    profile: z.record(z.string(), z.unknown()).openapi({ description: "The profile API's object (GET /v1/customers/{id})." }),
    engagement: z
      .object({
        asOf: z.string().openapi({ description: 'The last run\'s date, which the windows count back from.' }),
        contacts30: z.number().openapi({ description: 'Marketing contacts sent to him in the 30 days before asOf, every channel.' }),
        contacts90: z.number(),
        emails: z.number().openapi({ description: 'E-mails sent to him, all history up to asOf.' }),
        openRate: z.number().nullable().openapi({ description: 'Share of those e-mails opened (or clicked); null without any.' }),
        clickRate: z.number().nullable().openapi({ description: 'Share of those e-mails clicked.' }),
      })
      .openapi({ description: 'His marketing contacts and his reactions to e-mails.' }),
    recordSystems: z.record(z.string(), z.string()).openapi({ description: 'The source system (customers.source: store, web, callcenter, events...) of each of his records, by record id.' }),
    timeline: z.array(timelineEntry).openapi({ description: 'Newest first, at most 200.' }),
    value: z.object({
      rfm: z.object({ r: z.number().nullable(), f: z.number().nullable(), m: z.number().nullable(), segment: z.string().nullable() }),
      clv: money.nullable(),
      pAlive: z.number().nullable(),
      pAliveReason: z
        .enum(['bgnbd_no_repeat_purchase'])
        .nullable()
        .openapi({ description: 'Why pAlive is null although he bought: bgnbd_no_repeat_purchase = BG/NBD counts a customer without repeat purchase as alive by construction.' }),
      expectedTransactions: z.number().nullable(),
      clv12m: money.nullable().openapi({ description: 'Value over the next 12 months (value.clv.horizonWeeks), same basis and discounting as clv.' }),
      clvLifetime: money.nullable().openapi({ description: 'Value over his remaining life (DERT x expected spend x margin rate).' }),
      clvBasis: z.enum(['revenue', 'margin']).nullable().openapi({ description: 'What clv, clv12m and clvLifetime count: revenue or margin.' }),
      predictedValue: money.nullable().openapi({ description: 'clv minus expected costs to serve (net), plus the referral value when the tiers count it.' }),
      referralValue: money.nullable().openapi({ description: 'Predicted value of the customers he referred.' }),
      referred: z.number().nullable(),
      satisfaction: z.object({ nps: z.number().nullable(), csat: z.number().nullable(), complaints: z.number().nullable() }),
      definitions: z
        .array(z.object({ field: z.string(), label: z.object({ en: z.string(), fr: z.string() }), definition: z.object({ en: z.string(), fr: z.string() }) }))
        .openapi({ description: 'Label and definition of each value figure (horizon, basis, discounting), EN and FR.' }),
      pAliveCurve: z.array(z.object({ date: z.string(), pAlive: z.number() })),
      nextOrder: z
        .object({
          date: z.string().nullable().openapi({ description: 'Day by which his expected purchases, if he is still a customer, reach 1 under the fitted model (definitions: next_order).' }),
          weeks: z.number().nullable().openapi({ description: 'The same, in weeks after the last run\'s date.' }),
          reason: z.enum(['bgnbd_no_repeat_purchase', 'not_expected', 'no_model']).nullable().openapi({ description: 'Why date is null: not estimable as P(alive) (BG/NBD, no repeat purchase), not within value.nextOrder.maxWeeks, or no fitted model.' }),
          text: bilingual.nullable().openapi({ description: 'What the page shows instead of a date.' }),
        })
        .optional(),
      churnRisk: z
        .object({ label: z.enum(['low', 'medium', 'high', 'lost', 'not_estimable']), text: bilingual })
        .optional()
        .openapi({ description: 'His P(alive) against value.churnRisk thresholds (definitions: churn_risk).' }),
      clvExplanation: valueMessage
        .nullable()
        .optional()
        .openapi({ description: 'Why his CLV is low although his RFM segment describes a valuable past (value.clvExplanation); null when nothing contradicts.' }),
    }),
    affinities: z.array(z.record(z.string(), z.unknown())).openapi({ description: 'His category affinities; `explanation` in the language asked for, `explanationMessage` as a message key with both texts.' }),
    gaps: z.array(z.record(z.string(), z.unknown())),
    path: z.array(z.record(z.string(), z.unknown())).openapi({ description: 'His classes at every snapshot, oldest first.' }),
    masked: z.boolean().optional().openapi({ description: 'True when his identifiers (names, e-mails, phones, street address, record ids) are masked: the viewer\'s role does not see them.' }),
  })
  .openapi('Customer360');

/** The list export's query: the customer list's filters and sort (so the file is the list), with the export's channel and dialect. */
export const listExportQuery = customersQuery.omit({ page: true, pageSize: true }).extend(exportQuery.shape);
