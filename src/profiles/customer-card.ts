import type { Config } from '../config/index.js';
import { localised, type LocalisedMessage } from '../messages/index.js';
import { affinityMessage, type CategoryAffinityRow } from '../needs/index.js';
import { customerPath, requireClasses, type SnapshotRow } from '../segments/index.js';
import { sql, type Engine, type Row } from '../store/index.js';
import type { Language } from '../messages/index.js';
import { localiseExplained, localiseProfile } from './localise.js';
import { readCustomerOutlook, type CustomerOutlook } from '../value/customer-outlook.js';
import { customerProfile, type CustomerProfile } from './profile.js';

/** The profile API's view of a person, plus what the full card adds: affinities, gaps and his path over snapshots. */
export interface CustomerCard extends CustomerProfile {
  readonly affinities: readonly (CategoryAffinityRow & { readonly explanation: string; readonly explanationMessage: LocalisedMessage })[];
  readonly gaps: readonly Row[];
  readonly path: readonly SnapshotRow[];
  /** His expected next order, churn risk and why his CLV contradicts his RFM segment, if it does. */
  readonly outlook: CustomerOutlook;
}

/** Everything known about one person, by his person id (current or older) or any of his customer record ids. */
export async function customerCard(engine: Engine, id: string, config: Config): Promise<CustomerCard> {
  await requireClasses(engine);
  const profile = await customerProfile(engine, config, id);
  const affinities = await engine.query<CategoryAffinityRow & Row>(sql`SELECT * FROM customer_category_affinity WHERE person_id = ${profile.id} ORDER BY share DESC`);
  return {
    ...profile,
    affinities: affinities.map((a) => {
      const why = localised(affinityMessage(a));
      return { ...a, explanation: why.text.en, explanationMessage: why };
    }),
    gaps: await engine.query<Row>(sql`SELECT * FROM customer_category_gaps WHERE person_id = ${profile.id} ORDER BY gap_rank`),
    path: await customerPath(engine, profile.id),
    outlook: await readCustomerOutlook(engine, config, profile.id, profile.value),
  };
}

/** The card with its sentences in `lang` (the profile's reasons and explanations, the affinities' explanations). */
export function localiseCard(card: CustomerCard, lang: Language): CustomerCard {
  if (lang === 'en') return card;
  return { ...localiseProfile(card, lang), affinities: card.affinities.map((a) => localiseExplained(a, lang)) };
}
