import { z } from '@hono/zod-openapi';
import { ALLOWANCE_SCOPES } from '../activation/pressure/index.js';
import { dateParam } from './schemas.js';

const scope = z.enum(ALLOWANCE_SCOPES);
const tierCount = z.object({ tier: z.string().openapi({ description: 'CPP, CCM, CNR, or none (no tier yet).' }), persons: z.number().int() });

export const pressureQuery = z.object({
  asOf: dateParam.optional().openapi({ param: { name: 'asOf', in: 'query' }, description: 'Judge at this date; default the as-of date of the latest run.' }),
});

export const pressurePersonParams = z.object({
  id: z.string().min(1).max(200).openapi({ param: { name: 'id', in: 'path' }, description: 'Person id.' }),
});

export const pressureReportSchema = z
  .object({
    asOf: z.string(),
    persons: z.number().int(),
    windows: z.array(
      z.object({
        scope,
        days: z.number().int(),
        max: z.number().int().openapi({ description: "The policy's cap, before a tier's extra contacts." }),
        rows: z.array(z.object({ tier: z.string(), contacts: z.number().int(), persons: z.number().int() })).openapi({ description: 'Persons by tier and number of planned and sent contacts in the window ending at asOf.' }),
        overCap: z.array(tierCount).openapi({ description: 'Persons over their cap (tier extra included) in that window, by tier.' }),
        everOverCap: z.number().int().openapi({ description: 'Persons who ever had more contacts than their cap within the window length, up to asOf.' }),
      }),
    ),
    overCapPersons: z.number().int(),
    overCapExamples: z.array(z.string()),
    neverContacted: z.array(tierCount),
    withoutConsent: z.object({
      fidelis: z.number().int().openapi({ description: 'Planned or sent by Fidelis without opt-in at the send time (must be 0).' }),
      imported: z.number().int().openapi({ description: 'Imported history without opt-in at the send time.' }),
    }),
    verdicts: z.array(z.object({ channel: scope, allowed: z.number().int(), blocked: z.record(z.string(), z.number().int()) })),
  })
  .openapi('PressureReport');

export const pressureExplanationSchema = z
  .object({
    personId: z.string(),
    asOf: z.string(),
    verdicts: z.array(
      z.object({
        channel: scope,
        used: z.number().int(),
        cap: z.number().int().nullable(),
        remaining: z.number().int(),
        blockedReason: z.string().nullable().openapi({ description: 'Message key, e.g. pressure.capped; null when allowed.' }),
        params: z.record(z.string(), z.unknown()),
        text: z.object({ en: z.string(), fr: z.string() }),
      }),
    ),
  })
  .openapi('PressureExplanation');
