import { z } from 'zod';

/** Value tiers, the revenue x profitability grid, attachment and potential settings. */
export const segmentsConfigSchema = z.object({}).prefault({});

export type SegmentsConfig = z.infer<typeof segmentsConfigSchema>;
