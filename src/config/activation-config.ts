import { z } from 'zod';
import { channelsConfigSchema } from './channels-config.js';
import { deliveryConfigSchema } from './delivery-config.js';
import { plannerConfigSchema } from './planner-config.js';
import { pressureConfigSchema } from './pressure-config.js';

/**
 * Acting on the base (issue 13): the learned best channel, the contact-pressure policy every
 * planned, exported or sent contact passes through, the campaign planner and delivery. Each part's
 * defaults are documented in docs/activation.md.
 */
export const activationConfigSchema = z
  .object({
    channels: channelsConfigSchema,
    pressure: pressureConfigSchema,
    planner: plannerConfigSchema,
    delivery: deliveryConfigSchema,
  })
  .strict()
  .prefault({});
