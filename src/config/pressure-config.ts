import { z } from 'zod';

/** Settings of activation's pressure part (see docs/activation.md). */
export const pressureConfigSchema = z.object({}).strict().prefault({});

export type PressureConfig = z.infer<typeof pressureConfigSchema>;
