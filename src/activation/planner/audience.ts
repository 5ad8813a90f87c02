import { FidelisError } from '../../errors.js';
import type { Engine } from '../../store/index.js';
import type { AudienceRef } from './campaign-file.js';

/** The persons an audience holds: a set of person ids, or null for everyone classified. */
export type AudienceMembers = ReadonlySet<string> | null;

export class AudienceUnavailableError extends FidelisError {
  constructor(what: string) {
    super('usage', `${what}: the audience filter language is not available in this build; give { "personIds": [...] } or { "all": true }`);
  }
}

/**
 * The one place a campaign's audience becomes persons. MERGE HOOK: a saved audience's name and
 * `{ where }` belong to the audience compiler (src/activation/audiences/); the coordinator points
 * these two branches at it (resolve the name / compile the text to person ids) when it lands.
 */
export function resolveAudience(_engine: Engine, audience: AudienceRef): Promise<AudienceMembers> {
  if (typeof audience === 'string') throw new AudienceUnavailableError(`saved audience ${JSON.stringify(audience)}`);
  if ('where' in audience) throw new AudienceUnavailableError(`audience filter ${JSON.stringify(audience.where)}`);
  if ('personIds' in audience) return Promise.resolve(new Set(audience.personIds));
  return Promise.resolve(null);
}
