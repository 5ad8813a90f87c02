import { z } from 'zod';

/**
 * Collection of tracked events beyond the server itself: how long they are kept. Retention is
 * the controller's decision (it depends on the purpose and legal basis), so nothing is deleted
 * unless it is set; docs/privacy.md suggests 395 days (13 months, the CNIL's guidance for data
 * collected by trackers).
 */
export const collectConfigSchema = z
  .object({
    /**
     * Days an event is kept in `events`, `raw_events` and the event log, counted from its time;
     * null keeps them forever. Applied by the loader (src/privacy/retention.ts).
     */
    retention: z.number().int().min(1, 'at least 1 day (null keeps events forever)').max(36_500).nullable().default(null),
  })
  .strict()
  .prefault({});
