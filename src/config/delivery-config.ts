import { z } from 'zod';

/** Settings of activation's delivery part (see docs/activation.md). */
export const deliveryConfigSchema = z.object({}).strict().prefault({});

export type DeliveryConfig = z.infer<typeof deliveryConfigSchema>;
