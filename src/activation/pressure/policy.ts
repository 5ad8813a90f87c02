import type { PressureConfig, PressureScope, PressureWindow } from '../../config/index.js';
import { CONTACT_CHANNELS, sql, type Sql } from '../../store/index.js';

/** The rows of `contact_allowance` per person: the five channels, and `all` for the overall cap. */
export const ALLOWANCE_SCOPES = [...CONTACT_CHANNELS, 'all'] as const satisfies readonly PressureScope[];
export type AllowanceScope = (typeof ALLOWANCE_SCOPES)[number];

export const DAY_MS = 86_400_000;

/** One window of one scope, numbered in its scope's list (the column suffix of the usage table). */
export interface ScopedWindow extends PressureWindow {
  readonly scope: AllowanceScope;
  readonly index: number;
}

export function scopedWindows(policy: PressureConfig): ScopedWindow[] {
  return ALLOWANCE_SCOPES.flatMap((scope) => policy.caps[scope].map((w, index) => ({ ...w, scope, index })));
}

/**
 * A contact that weighs on pressure: planned or sent (a missing status is imported history,
 * hence sent); a cancelled contact never does.
 */
export function pressingContact(alias: string): Sql {
  return sql`coalesce(${sql.raw(alias)}.status, 'sent') <> 'cancelled'`;
}

/**
 * A contact Fidelis planned itself: the planner always writes a status ('planned', then 'sent'
 * by delivery), imported history leaves it empty. The one place that rule lives, so the report's
 * "without consent" count for Fidelis's own contacts changes with it if campaigns get a marker.
 */
export function plannedByFidelis(alias: string): Sql {
  return sql`${sql.raw(alias)}.status IN ('planned', 'sent')`;
}

/**
 * The span a window of `days` counts around `asOf`, for a new contact at `asOf`: contacts
 * planned or sent in the `days` days up to asOf (asOf - days excluded, asOf included), plus
 * contacts planned in the `days` days after it (asOf excluded, asOf + days excluded). Any window
 * of `days` days holding asOf lies within that span, so a contact allowed by it breaks no window.
 */
export function windowSpan(asOf: Date, days: number): { from: Date; to: Date } {
  return { from: new Date(asOf.getTime() - days * DAY_MS), to: new Date(asOf.getTime() + days * DAY_MS) };
}

export const TIER_NAMES = ['CPP', 'CCM', 'CNR'] as const;
