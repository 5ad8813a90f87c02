import type { Config } from '../config/index.js';
import { explainAffinity, type CategoryAffinityRow } from '../needs/index.js';
import { customerPath, requireClasses, type SnapshotRow } from '../segments/index.js';
import { sql, type Engine, type Row } from '../store/index.js';
import { readCustomerOutlook, type CustomerOutlook } from '../value/customer-outlook.js';
import { customerProfile, type CustomerProfile } from './profile.js';

/** The profile API's view of a person, plus what the full card adds: affinities, gaps and his path over snapshots. */
export interface CustomerCard extends CustomerProfile {
  readonly affinities: readonly (CategoryAffinityRow & { readonly explanation: string })[];
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
    affinities: affinities.map((a) => ({ ...a, explanation: explainAffinity(a) })),
    gaps: await engine.query<Row>(sql`SELECT * FROM customer_category_gaps WHERE person_id = ${profile.id} ORDER BY gap_rank`),
    path: await customerPath(engine, profile.id),
    outlook: await readCustomerOutlook(engine, config, profile.id, profile.value),
  };
}
