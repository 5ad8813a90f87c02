import { nextAllowedSendTime, type QuietPolicy } from '../pressure/index.js';
import type { PlanChannel } from './campaign-file.js';

/**
 * When a planned contact is due: the campaign's first day at the configured hour (UTC), moved
 * past the contact-pressure policy's quiet hours on his channel when it falls inside them.
 */
export function plannedSendTime(start: Date, channel: PlanChannel, sendHourUtc: number, quiet: QuietPolicy | undefined): Date {
  const at = new Date(start.getTime() + sendHourUtc * 3_600_000);
  return quiet === undefined ? at : nextAllowedSendTime(at, channel, quiet);
}
