import type { Config } from '../config/index.js';
import { IdentifierNormaliser, resolvePersonId } from '../identity/index.js';
import { explainNextOffer, type NextOfferRow } from '../needs/index.js';
import { explainClasses, explainDigitalType, explainOnlineMove, type ClassReason, type CustomerDigitalRow } from '../segments/index.js';
import { sql, type Engine, type Row } from '../store/index.js';
import { NotFoundError, UsageError } from '../errors.js';

/** Identifier types of the API, and the identity tables' names for them. */
export const LOOKUP_TYPES = ['userId', 'anonymousId', 'email', 'phone', 'loyaltyCard', 'accountId', 'externalId'] as const;
export type LookupType = (typeof LOOKUP_TYPES)[number];

export interface CustomerProfile {
  readonly id: string;
  /** The id asked for, when it was an older id of the person or one of his records. */
  readonly requestedId: string;
  readonly records: readonly string[];
  /** Golden record: each declared attribute with the record it was taken from. */
  readonly profile: Readonly<Record<string, { readonly value: unknown; readonly source: string | null }>>;
  readonly identifiers: readonly { readonly type: string; readonly value: string; readonly source: string | null }[];
  readonly consents: readonly { readonly channel: string; readonly status: string; readonly at: Date; readonly source: string }[];
  /** Value and classes from the last `fidelis run`; null before it or for a person who has not bought. */
  readonly value: Readonly<Record<string, unknown>> | null;
  readonly classes: readonly ClassReason[];
  readonly nextBestOffers: readonly (NextOfferRow & { readonly explanation: string })[];
  readonly lastEvents: readonly { readonly messageId: string; readonly type: string; readonly event: string | null; readonly timestamp: Date; readonly properties: unknown }[];
}

const VALUE_COLUMNS = [
  'orders', 'revenue', 'gross_margin', 'net_contribution', 'first_purchase', 'last_purchase', 'recency_days', 'tenure_days',
  'categories', 'category_list', 'clv', 'p_alive', 'expected_transactions', 'predicted_value', 'rfm_segment', 'rfm_code',
  'value_tier', 'value_column', 'grid', 'digital_type', 'online_move', 'attachment', 'potential', 'share_of_wallet', 'gap_categories',
] as const;

const OPTIONAL_TABLES = ['customer_classes', 'customer_digital', 'customer_next_offers', 'events'] as const;

/** Which of the tables a profile reads exist yet (derived tables appear after the first run), in one query. */
async function existing(engine: Engine): Promise<Set<string>> {
  return new Set((await engine.query<{ name: string }>(engine.dialect.existingTables(OPTIONAL_TABLES))).map((r) => r.name));
}

/** The person holding an identifier (normalised as identity resolution does). */
export async function lookupPerson(engine: Engine, config: Config, type: LookupType, raw: string): Promise<string> {
  const value = new IdentifierNormaliser(config.identity).normalise(type, raw);
  if (value === null) throw new UsageError(`${JSON.stringify(raw)} is not a usable ${type} (empty, junk or malformed).`);
  const persons = await engine.query<{ person_id: string }>(sql`SELECT DISTINCT person_id FROM person_identifiers
    WHERE type = ${type} AND value = ${value} ORDER BY person_id`);
  if (persons.length === 0) throw new NotFoundError(`No customer with ${type} ${raw}.`);
  if (persons.length > 1) {
    throw new UsageError(`${type} ${raw} is shared by ${persons.length} customers (${persons.slice(0, 5).map((p) => p.person_id).join(', ')}); look up by a more specific identifier.`);
  }
  return persons[0]?.person_id ?? '';
}

/** Everything the datamart knows of one person, by his id (current or older) or one of his record ids. */
export async function customerProfile(engine: Engine, config: Config, requestedId: string, lastEvents = 20): Promise<CustomerProfile> {
  const { personId } = await resolvePersonId(engine, requestedId);
  const tables = await existing(engine);
  const records = (await engine.query<{ node_id: string }>(sql`SELECT node_id FROM identity_nodes WHERE person_id = ${personId} ORDER BY node_id`)).map((r) => r.node_id);
  const [golden] = await engine.query<Row>(sql`SELECT * FROM person_profiles WHERE person_id = ${personId}`);
  const profile: Record<string, { value: unknown; source: string | null }> = {};
  for (const [column, value] of Object.entries(golden ?? {})) {
    if (column === 'person_id' || column === 'records' || column.endsWith('_from') || value === null) continue;
    const source = golden?.[`${column}_from`];
    profile[column] = { value, source: typeof source === 'string' ? source : null };
  }
  // Filtered on the person alone so the lookup index serves it; types and duplicates sorted out here.
  const types = new Set<string>(LOOKUP_TYPES);
  const rows = await engine.query<{ type: string; value: string; source: string | null }>(sql`SELECT type, value, source
    FROM person_identifiers WHERE person_id = ${personId}`);
  const unique = new Map(rows.filter((i) => types.has(i.type)).map((i) => [JSON.stringify([i.type, i.value, i.source]), i]));
  const identifiers = [...unique.values()].sort((a, b) => a.type.localeCompare(b.type) || a.value.localeCompare(b.value));
  const inRecords = records.length > 0 ? sql`customer_id IN (${sql.join(records.map((r) => sql`${r}`))})` : sql`FALSE`;
  const consents = await engine.query<{ channel: string; status: string; at: Date; source: string }>(sql`SELECT channel, status,
    ${sql.id('at')} AS at, source FROM consents WHERE ${inRecords} ORDER BY 3 DESC`);
  let value: Record<string, unknown> | null = null;
  let classes: ClassReason[] = [];
  if (tables.has('customer_classes')) {
    const [row] = await engine.query<Row>(sql`SELECT * FROM customer_classes WHERE person_id = ${personId}`);
    if (row) {
      value = Object.fromEntries(VALUE_COLUMNS.map((c) => [c, row[c] ?? null]));
      classes = explainClasses(row, config.currency);
    }
  }
  if (tables.has('customer_digital')) {
    const [digital] = await engine.query<CustomerDigitalRow & Row>(sql`SELECT * FROM customer_digital WHERE person_id = ${personId}`);
    if (digital) {
      classes.push({ dimension: 'digital_type', value: digital.digital_type, reasons: [explainDigitalType(digital, config.digital)] });
      classes.push({ dimension: 'online_move', value: digital.online_move, reasons: [explainOnlineMove(digital)] });
    }
  }
  const offers = tables.has('customer_next_offers')
    ? await engine.query<NextOfferRow & Row>(sql`SELECT * FROM customer_next_offers WHERE person_id = ${personId} ORDER BY rank`)
    : [];
  const ids = (type: string): string[] => identifiers.filter((i) => i.type === type).map((i) => i.value);
  const userIds = ids('userId');
  const anonymousIds = ids('anonymousId');
  const eventFilter = [sql`${inRecords}`];
  if (userIds.length > 0) eventFilter.push(sql`user_id IN (${sql.join(userIds.map((v) => sql`${v}`))})`);
  if (anonymousIds.length > 0) eventFilter.push(sql`anonymous_id IN (${sql.join(anonymousIds.map((v) => sql`${v}`))})`);
  const events = tables.has('events')
    ? await engine.query<{ message_id: string; type: string; event: string | null; timestamp: Date; properties: string | null }>(sql`
        SELECT message_id, type, event, ${sql.id('timestamp')} AS timestamp, properties FROM events
        WHERE ${sql.join(eventFilter, ' OR ')} ORDER BY 4 DESC LIMIT ${lastEvents}`)
    : [];
  return {
    id: personId,
    requestedId,
    records,
    profile,
    identifiers,
    consents,
    value,
    classes,
    nextBestOffers: offers.map((o) => ({ ...o, explanation: explainNextOffer(o, config.currency) })),
    lastEvents: events.map((e) => ({
      messageId: e.message_id,
      type: e.type,
      event: e.event,
      timestamp: e.timestamp,
      properties: e.properties === null ? null : (JSON.parse(e.properties) as unknown),
    })),
  };
}
