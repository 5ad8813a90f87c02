import { z } from 'zod';

/** Digital-maturity type rules and the online-migration matrix settings. */
export const digitalConfigSchema = z.object({}).prefault({});

export type DigitalConfig = z.infer<typeof digitalConfigSchema>;
