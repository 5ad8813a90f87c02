import type { Config } from '../../config/index.js';
import { NotFoundError } from '../../errors.js';
import type { Engine } from '../../store/index.js';
import { allowanceOf, type AllowanceRow } from './allowance.js';
import { pressureMessage, type VerdictParams } from './messages.js';
import type { AllowanceScope } from './policy.js';

/** One channel's verdict for one person, with its sentence in both languages. */
export interface PressureVerdict {
  readonly channel: AllowanceScope;
  readonly used: number;
  readonly cap: number | null;
  readonly remaining: number;
  /** Message key of why nothing may be sent, or null. */
  readonly blockedReason: string | null;
  readonly params: VerdictParams;
  readonly text: { readonly en: string; readonly fr: string };
}

export interface PressureExplanation {
  readonly personId: string;
  readonly asOf: string;
  readonly verdicts: readonly PressureVerdict[];
}

/** SQL renders timestamps as "2026-03-01 10:00:00[.fff]" in UTC; made ISO 8601 here. */
function isoOf(engineTimestamp: string): string {
  return /Z$|[+-]\d\d:?\d\d$/.test(engineTimestamp) ? new Date(engineTimestamp).toISOString() : new Date(`${engineTimestamp.replace(' ', 'T')}Z`).toISOString();
}

export function verdictParams(row: Pick<AllowanceRow, 'reason_params'>): VerdictParams {
  const raw = JSON.parse(row.reason_params) as VerdictParams;
  return raw.since === undefined ? raw : { ...raw, since: isoOf(raw.since) };
}

/** The cool-down length in force for a blocked reason (used to say until when). */
function cooldownDays(config: Config, reason: string | null): number {
  const c = config.activation.pressure.cooldown;
  if (reason === 'pressure.cooldown_complaint') return c.complaintDays;
  if (reason === 'pressure.cooldown_unsubscribe') return c.unsubscribeDays;
  return 0;
}

/**
 * One person's verdict on every channel and overall at `asOf`, in words (FR and EN): the same
 * SQL as `contactAllowance`, restricted to him, so what is said is what decides.
 */
export async function explainPressure(engine: Engine, config: Config, personId: string, asOf: Date): Promise<PressureExplanation> {
  const rows = await allowanceOf(engine, config, personId, asOf);
  if (rows.length === 0) throw new NotFoundError(`No person ${personId}: give a person id (customer_persons.person_id)`);
  return {
    personId,
    asOf: asOf.toISOString(),
    verdicts: rows.map((row) => {
      const params = verdictParams(row);
      const key = row.blocked_reason ?? 'pressure.allowed';
      const channel = row.channel as AllowanceScope;
      const context = { channel, cooldownDays: cooldownDays(config, row.blocked_reason) };
      return {
        channel,
        used: row.used,
        cap: row.cap,
        remaining: row.remaining,
        blockedReason: row.blocked_reason,
        params,
        text: { en: pressureMessage('en', key, params, context), fr: pressureMessage('fr', key, params, context) },
      };
    }),
  };
}
