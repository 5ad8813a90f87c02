import { z } from 'zod';

/** Settings of activation's planner part (see docs/activation.md). */
export const plannerConfigSchema = z.object({}).strict().prefault({});

export type PlannerConfig = z.infer<typeof plannerConfigSchema>;
