import { z } from 'zod';
import { FidelisError } from '../../errors.js';
import { CONTACT_CHANNELS } from '../../store/index.js';

export const channelSchema = z.enum(CONTACT_CHANNELS);
export type PlanChannel = z.infer<typeof channelSchema>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

const capacitySchema = z.union([
  z.number().int().positive(),
  z.object({ max: z.number().int().positive(), per: z.enum(['week', 'campaign']).default('campaign') }).strict(),
]);

/**
 * Who a campaign may reach. A saved audience's name or `{ where }` go through the audience
 * compiler (src/activation/audiences, see audience.ts); `{ personIds }` lists persons; `{ all: true }`
 * is every classified person.
 */
export const audienceSchema = z.union([
  z.string().min(1).describe('name of a saved audience'),
  z.object({ where: z.string().min(1) }).strict(),
  z.object({ personIds: z.array(z.string().min(1)).min(1) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);
export type AudienceRef = z.infer<typeof audienceSchema>;

export const campaignSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - (at most 64)'),
    name: z.string().min(1),
    audience: audienceSchema,
    channels: z.array(channelSchema).min(1),
    /** The channel the campaign would use for everyone (the comparison baseline); default the first allowed. */
    defaultChannel: channelSchema.optional(),
    offer: z.union([z.object({ product: z.string().min(1) }).strict(), z.object({ category: z.string().min(1) }).strict(), z.null()]).default(null),
    /** EUR a response is worth: a fixed margin, or the person's expected basket (customer_channels.response_value). */
    responseValue: z.union([z.object({ margin: z.number().positive() }).strict(), z.literal('expected_basket')]),
    start: isoDate,
    end: isoDate,
    budget: z.number().positive().describe('EUR'),
    capacities: z.partialRecord(channelSchema, capacitySchema).default({}),
    minimums: z.partialRecord(z.enum([...CONTACT_CHANNELS, 'all']), z.number().int().positive()).default({}),
    holdoutShare: z.number().min(0).max(0.9).optional(),
  })
  .strict()
  .refine((c) => c.end >= c.start, { message: 'end must not be before start', path: ['end'] })
  .refine((c) => c.defaultChannel === undefined || c.channels.includes(c.defaultChannel), { message: 'defaultChannel must be one of channels', path: ['defaultChannel'] });
export type Campaign = z.infer<typeof campaignSchema>;

export const campaignFileSchema = z
  .object({
    campaigns: z.array(campaignSchema).min(1),
    /** Capacities shared by every campaign of the plan (e.g. the call centre's calls a week). */
    capacities: z.partialRecord(channelSchema, capacitySchema).default({}),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.campaigns.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', message: `campaign id ${c.id} appears twice`, path: ['campaigns', i, 'id'] });
      seen.add(c.id);
    });
  });
export type CampaignFile = z.infer<typeof campaignFileSchema>;
export type CampaignFileInput = z.input<typeof campaignFileSchema>;

export class CampaignFileError extends FidelisError {
  constructor(readonly source: string, readonly issues: readonly { path: string; message: string }[]) {
    super('invalid_input', `${source}: campaign file refused:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
  }
}

/** Validates a campaign file; every problem names its path (e.g. campaigns.1.budget). */
export function parseCampaignFile(input: unknown, source = 'campaigns'): CampaignFile {
  const parsed = campaignFileSchema.safeParse(input);
  if (!parsed.success) {
    throw new CampaignFileError(source, parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  }
  return parsed.data;
}

const DAY_MS = 86_400_000;

export function campaignStart(c: Campaign): Date {
  return new Date(`${c.start}T00:00:00Z`);
}

export function campaignEnd(c: Campaign): Date {
  return new Date(new Date(`${c.end}T00:00:00Z`).getTime() + DAY_MS - 1);
}

/** A capacity over the campaign's dates: "per week" counts every started week. */
export function capacityOver(capacity: z.infer<typeof capacitySchema>, start: string, end: string): number {
  if (typeof capacity === 'number') return capacity;
  if (capacity.per === 'campaign') return capacity.max;
  const days = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS + 1;
  return capacity.max * Math.ceil(days / 7);
}

export function defaultChannel(c: Campaign): PlanChannel {
  return c.defaultChannel ?? c.channels[0]!;
}
