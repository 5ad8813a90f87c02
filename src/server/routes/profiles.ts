import { createRoute, z } from '@hono/zod-openapi';
import { CURRENT_CONSENT_STATUSES } from '../../consent/index.js';
import { LANGUAGES, preferredLanguage } from '../../messages/index.js';
import { customerProfile, localiseProfile, lookupPerson, LOOKUP_TYPES, MAX_LOOKUP_BYTES, type CustomerProfile } from '../../profiles/index.js';
import { CONTACT_CHANNELS } from '../../store/index.js';
import { requireScope } from '../auth.js';
import { errorSchema } from '../errors.js';
import type { App, AppDeps } from '../types.js';

const messageSchema = z.object({
  key: z.string().openapi({ description: 'Message key (docs/activation.md lists them); the UI may render it from `params` itself.' }),
  params: z.record(z.string(), z.union([z.string(), z.number()])).openapi({ description: 'Raw values: rates as fractions, amounts in the configured currency.' }),
  text: z.object({ en: z.string(), fr: z.string() }).openapi({ description: 'The sentence in English and French.' }),
});
const channelSchema = z.object({
  channel: z.enum(CONTACT_CHANNELS),
  segment: z.string().openapi({ description: 'The segment his rate is shrunk toward (activation.channels.segmentBy).' }),
  contacts: z.number().openapi({ description: 'Contacts sent to him on the channel in the history window.' }),
  responses: z.number().openapi({ description: 'Of which responded (activation.channels.response).' }),
  conversions: z.number().openapi({ description: 'Of which converted (a converted response or an attributed order).' }),
  person_rate: z.number().nullable().openapi({ description: 'responses / contacts; null when never contacted.' }),
  segment_rate: z.number().nullable().openapi({ description: "His segment's rate (mean of its fitted Beta prior); null when nobody was contacted on the channel." }),
  p_response: z.number().nullable().openapi({ description: 'Shrunk (empirical-Bayes) probability that a contact gets a response.' }),
  response_value: z.number().nullable().openapi({ description: 'What a response is worth for him, EUR of margin: expected order margin x conversions per response.' }),
  unit_cost: z.number().nullable().openapi({ description: 'Cost of one contact on the channel, EUR.' }),
  expected_value: z.number().nullable().openapi({ description: 'p_response x response_value - unit_cost, EUR per contact.' }),
  consented: z.boolean(),
  is_preferred: z.boolean(),
  evidence: messageSchema,
  value: messageSchema.nullable(),
});
const classMessageSchema = z.object({
  key: z.string().openapi({ description: 'Message key (src/messages/catalogue/, docs/api.md "Languages"); the UI may render it from `params` itself.' }),
  params: z
    .record(z.string(), z.union([z.string(), z.number(), z.null(), z.object({ key: z.string(), params: z.record(z.string(), z.unknown()) })]))
    .openapi({ description: 'Raw values: amounts in the configured currency, shares as fractions, lists comma-separated, dates ISO 8601; a clause of the sentence as a nested { key, params }.' }),
  text: z.object({ en: z.string(), fr: z.string() }).openapi({ description: 'The sentence in English and French.' }),
});
const reasonSchema = z.object({
  dimension: z.string(),
  value: z.string().openapi({ description: 'The class; for the potential a sentence, in the language asked for.' }),
  reasons: z.array(z.string()).openapi({ description: 'The reasons in the language asked for (`?lang=`, Accept-Language; English by default).' }),
  messages: z.array(classMessageSchema).optional().openapi({ description: 'The same reasons as message keys with their parameters and their text in English and French.' }),
  valueMessage: classMessageSchema.optional().openapi({ description: 'The class as a message where it is a sentence (potential).' }),
});
/** `?lang=`: the language of the sentences (`reasons`, `explanation`); else Accept-Language, else English. */
export const langQuery = z
  .enum(LANGUAGES)
  .optional()
  .openapi({ param: { name: 'lang', in: 'query' }, description: 'Language of the sentences (reasons, explanations): en or fr. Without it, the Accept-Language header decides; English by default.' });
const profileSchema = z
  .object({
    id: z.string().openapi({ description: 'Stable person id (the oldest id of the merged records).' }),
    requestedId: z.string().openapi({ description: 'The id or identifier value asked for.' }),
    records: z.array(z.string()).openapi({ description: 'Customer records and event links resolved to this person.' }),
    profile: z.record(z.string(), z.object({ value: z.unknown(), source: z.string().nullable() })).openapi({
      description: 'Golden record: each declared attribute with the record it survived from.',
    }),
    identifiers: z.array(z.object({ type: z.enum(LOOKUP_TYPES), value: z.string(), source: z.string().nullable() })),
    consents: z.array(z.object({ channel: z.string(), status: z.string(), at: z.string(), source: z.string() })),
    currentConsents: z
      .array(
        z.object({
          channel: z.enum(CONTACT_CHANNELS),
          status: z.enum(CURRENT_CONSENT_STATUSES).openapi({ description: 'unknown: no consent event for the channel, which is not consent (nothing may be sent).' }),
          at: z.string().nullable().openapi({ description: 'When the deciding event happened (ISO 8601, UTC); null when unknown.' }),
          source: z.string().nullable().openapi({ description: 'Where it was collected; null when unknown.' }),
          record: z.string().nullable().openapi({ description: 'Customer record holding the deciding event; null when unknown.' }),
        }),
      )
      .openapi({
        description: 'The consent that holds now, one entry per contact channel: his latest consent event over all his records (`consents` is the history). On a tie at the same instant opt_out wins.',
      }),
    value: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'Value and classes from the last `fidelis run` (null before it).' }),
    valueDefinitions: z
      .array(
        z.object({
          field: z.string().openapi({ description: 'The field of `value` it defines (clv, clv_12m, clv_lifetime, predicted_value, referral_value...).' }),
          key: z.string(),
          params: z.record(z.string(), z.union([z.string(), z.number()])),
          label: z.object({ en: z.string(), fr: z.string() }),
          definition: z.object({ en: z.string(), fr: z.string() }),
        }),
      )
      .openapi({ description: 'What each value figure is: horizon, basis (revenue, margin or net) and discounting, in English and French.' }),
    classes: z.array(reasonSchema).openapi({ description: 'Each class with its reasons and figures.' }),
    nextBestOffers: z.array(z.record(z.string(), z.unknown())).openapi({ description: 'Ranked offers; `explanation` says why in the language asked for, `explanationMessage` as a message key in English and French.' }),
    channels: z
      .object({
        preferred: z.enum(CONTACT_CHANNELS).nullable().openapi({ description: 'Best expected value among the channels he consented to; null when none.' }),
        response: z.enum(['opened', 'clicked', 'converted']).openapi({ description: 'What counted as a response (activation.channels.response).' }),
        explanation: messageSchema,
        channels: z.array(channelSchema),
      })
      .nullable()
      .openapi({ description: 'His learned response rate, value and cost per contact channel, and his preferred channel (null before the first run).' }),
    lastEvents: z.array(z.object({ messageId: z.string(), type: z.string(), event: z.string().nullable(), timestamp: z.string(), properties: z.unknown() })),
  })
  .openapi('CustomerProfile');

/** An id or identifier a profile is looked up by: within the profile store's keys (a longer one cannot exist). */
const lookupValue = z
  .string()
  .min(1)
  .refine((v) => Buffer.byteLength(v) <= MAX_LOOKUP_BYTES, `at most ${MAX_LOOKUP_BYTES} bytes (UTF-8)`);

const lookupSchema = z
  .object(Object.fromEntries(LOOKUP_TYPES.map((t) => [t, lookupValue.optional().openapi({ param: { name: t, in: 'query' } })])) as Record<
    (typeof LOOKUP_TYPES)[number],
    z.ZodOptional<typeof lookupValue>
  >)
  .extend({ lang: langQuery })
  .refine((q) => LOOKUP_TYPES.filter((t) => q[t] !== undefined).length === 1, {
    message: `give exactly one of ${LOOKUP_TYPES.join(', ')}`,
  });

const errors = {
  400: { description: 'Bad lookup (none or several identifiers, junk value).', content: { 'application/json': { schema: errorSchema } } },
  401: { description: 'No API key, or an unknown or revoked one.', content: { 'application/json': { schema: errorSchema } } },
  403: { description: 'The key is not a read (or admin) key.', content: { 'application/json': { schema: errorSchema } } },
  404: { description: 'No such customer.', content: { 'application/json': { schema: errorSchema } } },
};

/** A profile is JSON-shaped already (timestamps as ISO strings): only its static type differs from the schema's. */
const asJson = (profile: CustomerProfile): z.infer<typeof profileSchema> => profile as unknown as z.infer<typeof profileSchema>;

/** The profile API: a customer by id, or by any of his identifiers (read keys). */
export function profileRoutes(app: App, deps: AppDeps): void {
  const reads = deps.reads ?? deps.engine;
  app.openAPIRegistry.registerComponent('securitySchemes', 'readKey', {
    type: 'http',
    scheme: 'basic',
    description: 'A read (or admin) key as user name, empty password; or Authorization: Bearer <key>.',
  });
  app.use('/v1/customers', requireScope('read'));
  app.use('/v1/customers/*', requireScope('read'));
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/customers/{id}',
      tags: ['profiles'],
      summary: 'A customer by id',
      description: 'By person id (an older id redirects to the person it was merged into) or by one of his customer record ids.',
      security: [{ readKey: [] }],
      request: { params: z.object({ id: lookupValue.openapi({ param: { name: 'id', in: 'path' } }) }), query: z.object({ lang: langQuery }) },
      responses: { 200: { description: 'The customer.', content: { 'application/json': { schema: profileSchema } } }, ...errors },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const lang = preferredLanguage(c.req.header('accept-language'), c.req.valid('query').lang);
      return c.json(asJson(localiseProfile(deps.profiles ? await deps.profiles.byId(id) : await customerProfile(reads, deps.config, id), lang)), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/customers',
      tags: ['profiles'],
      summary: 'A customer by one of his identifiers',
      description: 'Exactly one of the query parameters; the value is normalised as identity resolution does (emails lower-cased, phones to E.164...).',
      security: [{ readKey: [] }],
      request: { query: lookupSchema },
      responses: { 200: { description: 'The customer.', content: { 'application/json': { schema: profileSchema } } }, ...errors },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const lang = preferredLanguage(c.req.header('accept-language'), query.lang);
      const type = LOOKUP_TYPES.find((t) => query[t] !== undefined) ?? 'userId';
      const value = query[type] ?? '';
      if (deps.profiles) return c.json(asJson(localiseProfile(await deps.profiles.byIdentifier(type, value), lang)), 200);
      const personId = await lookupPerson(reads, deps.config, type, value);
      return c.json(asJson(localiseProfile({ ...(await customerProfile(reads, deps.config, personId)), requestedId: value }, lang)), 200);
    },
  );
}
