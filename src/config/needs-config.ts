import { z } from 'zod';

/** Needs and next best offer settings (affinities, associations, offers). */
export const needsConfigSchema = z.object({}).prefault({});

export type NeedsConfig = z.infer<typeof needsConfigSchema>;
