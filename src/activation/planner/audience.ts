import { audienceDefinition, audiencePersons, definitionFromText, type CompiledFilter } from '../audiences/index.js';
import type { Engine } from '../../store/index.js';
import type { AudienceRef } from './campaign-file.js';

/** The persons an audience holds: a set of person ids, or null for everyone classified. */
export type AudienceMembers = ReadonlySet<string> | null;

async function members(engine: Engine, compiled: CompiledFilter): Promise<ReadonlySet<string>> {
  const rows = await engine.query<{ person_id: string }>(audiencePersons(compiled));
  return new Set(rows.map((r) => String(r.person_id)));
}

/**
 * The one place a campaign's audience becomes persons: a saved audience's name or a `{ where }`
 * filter through the audience compiler (durations such as contacted_within count back from the
 * plan's date), a list of person ids, or everyone.
 */
export async function resolveAudience(engine: Engine, audience: AudienceRef, asOf: Date = new Date()): Promise<AudienceMembers> {
  if (typeof audience === 'string') return members(engine, (await audienceDefinition(engine, audience, { asOf })).compiled);
  if ('where' in audience) return members(engine, definitionFromText(audience.where, { asOf }).compiled);
  if ('personIds' in audience) return new Set(audience.personIds);
  return null;
}
