import type { PlanChannel } from './campaign-file.js';

/**
 * When a planned contact is due: the campaign's first day at the configured hour (UTC).
 * MERGE HOOK: once the pressure part exports `nextAllowedSendTime` (quiet hours), the coordinator
 * wraps this with it so no planned contact falls inside quiet hours.
 */
export function plannedSendTime(start: Date, _personId: string, _channel: PlanChannel, sendHourUtc: number): Date {
  return new Date(start.getTime() + sendHourUtc * 3_600_000);
}
