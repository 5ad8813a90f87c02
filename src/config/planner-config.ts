import { z } from 'zod';

/** Settings of activation's planner part (see docs/activation.md, ## Campaign planner). */
export const plannerConfigSchema = z
  .object({
    /** Share of each campaign's eligible persons kept as a control group, unless the campaign sets its own. */
    holdoutShare: z.number().min(0).max(0.9).default(0.1),
    /** Seed of the holdout draw (same seed, same plan inputs: same control groups). */
    seed: z.number().int().nonnegative().default(1),
    /** Persons the dual prices are first searched on before the passes over everyone. */
    sampleSize: z.number().int().positive().default(40_000),
    /** Hour (UTC) planned contacts are due on the campaign's first day, before the pressure policy's quiet hours move them. */
    sendHourUtc: z.number().int().min(0).max(23).default(10),
    /** Days after a campaign's end during which orders still count in its report. */
    attributionDays: z.number().int().nonnegative().default(7),
  })
  .strict()
  .prefault({});

export type PlannerConfig = z.infer<typeof plannerConfigSchema>;
