import { sql, type Engine, type Row } from '../store/index.js';
import { NotFoundError } from '../errors.js';
import { explainAffinity, explainNextOffer, type CategoryAffinityRow, type NextOfferRow } from '../needs/index.js';
import { requireClasses } from './class-tables.js';
import { explainClasses, type ClassReason } from './explain.js';
import { customerPath, type SnapshotRow } from './snapshots.js';
import type { Config } from '../config/index.js';
import { explainDigitalType } from './digital-explain.js';
import type { CustomerDigitalRow } from './digital-types.js';
import { explainOnlineMove } from './online-migration.js';

export interface CustomerCard {
  readonly personId: string;
  readonly records: readonly { readonly customerId: string; readonly source: string }[];
  /** The declared data, each field from the most recently updated record that has it. */
  readonly profile: Readonly<Record<string, unknown>>;
  readonly identifiers: readonly { readonly type: string; readonly value: string; readonly source: string }[];
  readonly consents: readonly { readonly channel: string; readonly status: string; readonly at: Date; readonly source: string }[];
  /** His customer_classes row: value, scores and classes with the figures behind them. */
  readonly classes: Readonly<Record<string, unknown>> | null;
  readonly reasons: readonly ClassReason[];
  readonly affinities: readonly (CategoryAffinityRow & { readonly explanation: string })[];
  readonly offers: readonly (NextOfferRow & { readonly explanation: string })[];
  readonly gaps: readonly Row[];
  readonly path: readonly SnapshotRow[];
}

const PROFILE_FIELDS = [
  'first_name', 'last_name', 'birth_date', 'gender', 'household_size', 'children', 'postcode', 'city', 'country',
  'socio_professional_category', 'income_band', 'interests',
] as const;

/** Everything known about one person, by his person id or any of his customer record ids. */
export async function customerCard(engine: Engine, id: string, config: Config): Promise<CustomerCard> {
  const currency = config.currency;
  await requireClasses(engine);
  const [person] = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_persons WHERE person_id = ${id} OR customer_id = ${id} LIMIT 1`);
  if (!person) throw new NotFoundError(`No customer with id ${id} (a person id or a customer record id).`);
  const personId = person.person_id;
  const records = await engine.query<Row>(sql`SELECT c.* FROM customers AS c
    WHERE c.customer_id IN (SELECT customer_id FROM customer_persons WHERE person_id = ${personId})
    ORDER BY coalesce(c.updated_at, c.signup_at) DESC NULLS LAST, c.customer_id`);
  const profile: Record<string, unknown> = {};
  for (const field of PROFILE_FIELDS) profile[field] = records.map((r) => r[field]).find((v) => v !== null && v !== undefined) ?? null;
  const inRecords = sql`customer_id IN (SELECT customer_id FROM customer_persons WHERE person_id = ${personId})`;
  const identifiers = await engine.query<{ type: string; value: string; source: string }>(sql`SELECT DISTINCT type, value, source FROM identifiers
    WHERE ${inRecords} ORDER BY type, value`);
  const consents = await engine.query<{ channel: string; status: string; at: Date; source: string }>(sql`SELECT channel, status, ${sql.id("at")} AS at, source
    FROM consents WHERE ${inRecords} ORDER BY 3 DESC`);
  const [classes] = await engine.query<Row>(sql`SELECT * FROM customer_classes WHERE person_id = ${personId}`);
  const affinities = await engine.query<CategoryAffinityRow & Row>(sql`SELECT * FROM customer_category_affinity WHERE person_id = ${personId} ORDER BY share DESC`);
  const offers = await engine.query<NextOfferRow & Row>(sql`SELECT * FROM customer_next_offers WHERE person_id = ${personId} ORDER BY rank`);
  const [digital] = await engine.query<CustomerDigitalRow & Row>(sql`SELECT * FROM customer_digital WHERE person_id = ${personId}`);
  const reasons = classes ? explainClasses(classes, currency) : [];
  if (digital) {
    reasons.push({ dimension: 'digital_type', value: digital.digital_type, reasons: [explainDigitalType(digital, config.digital)] });
    reasons.push({ dimension: 'online_move', value: digital.online_move, reasons: [explainOnlineMove(digital)] });
  }
  const gaps = await engine.query<Row>(sql`SELECT * FROM customer_category_gaps WHERE person_id = ${personId} ORDER BY gap_rank`);
  return {
    personId,
    records: records.map((r) => ({ customerId: String(r.customer_id), source: String(r.source) })),
    profile,
    identifiers,
    consents,
    classes: classes ?? null,
    reasons,
    affinities: affinities.map((a) => ({ ...a, explanation: explainAffinity(a) })),
    offers: offers.map((o) => ({ ...o, explanation: explainNextOffer(o, currency) })),
    gaps,
    path: await customerPath(engine, personId),
  };
}
