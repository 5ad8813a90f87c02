import { z } from 'zod';

/** Settings of activation's channels part (see docs/activation.md). */
export const channelsConfigSchema = z.object({}).strict().prefault({});

export type ChannelsConfig = z.infer<typeof channelsConfigSchema>;
