import type { Config } from '../config/index.js';
import { liveCurrentConsents, recordsOfPerson } from '../consent/index.js';
import { IdentifierNormaliser, resolvePersonId } from '../identity/index.js';
import { sql, type Engine, type Row, type Sql } from '../store/index.js';
import { NotFoundError, UsageError } from '../errors.js';
import { fittedClvModel } from '../value/value-definitions.js';
import { assembleProfile, jsonRow, jsonValue, type CustomerProfile, type LookupType, type ProfileParts } from './parts.js';

/** How many of his last events a profile shows. */
export const LAST_EVENTS = 20;

const OPTIONAL_TABLES = ['customer_classes', 'customer_digital', 'customer_next_offers', 'customer_channels', 'events', 'clv_model'] as const;

/** Which of the tables a profile reads exist yet (derived tables appear after the first run), in one query. */
async function existing(engine: Engine): Promise<Set<string>> {
  return new Set((await engine.query<{ name: string }>(engine.dialect.existingTables(OPTIONAL_TABLES))).map((r) => r.name));
}

/** The normalised value of an identifier, or a UsageError naming what is wrong with it. */
export function normaliseLookup(config: Config, type: LookupType, raw: string): string {
  const value = new IdentifierNormaliser(config.identity).normalise(type, raw);
  if (value === null) throw new UsageError(`${JSON.stringify(raw)} is not a usable ${type} (empty, junk or malformed).`);
  return value;
}

/** One person among those holding an identifier, or the error saying there is none or several. */
export function onePerson(persons: readonly string[], type: LookupType, raw: string): string {
  if (persons.length === 0) throw new NotFoundError(`No customer with ${type} ${raw}.`);
  if (persons.length > 1) {
    throw new UsageError(`${type} ${raw} is shared by ${persons.length} customers (${persons.slice(0, 5).join(', ')}); look up by a more specific identifier.`);
  }
  return persons[0] ?? '';
}

/** The person holding an identifier (normalised as identity resolution does). */
export async function lookupPerson(engine: Engine, config: Config, type: LookupType, raw: string): Promise<string> {
  const value = normaliseLookup(config, type, raw);
  // Filtered on the value alone, which the lookup index serves (with the type too, DuckDB scanned
  // the table: ~330 ms on a million people); the type is checked here.
  const rows = await engine.query<{ person_id: string; type: string }>(sql`SELECT DISTINCT person_id, type FROM person_identifiers
    WHERE value = ${value}`);
  const persons = [...new Set(rows.filter((r) => r.type === type).map((r) => r.person_id))].sort();
  return onePerson(persons, type, raw);
}

/** A profile's parts read from the datamart's tables as they are now. */
export async function liveProfileParts(engine: Engine, personId: string, lastEvents = LAST_EVENTS): Promise<ProfileParts> {
  // Two waves of queries side by side (a read pool spreads them over its connections): what
  // names his records and identifiers, then what is read by them. One after the other, the ten
  // lookups took 60-100 ms on a million people.
  const [tables, records, [golden], identifiers] = await Promise.all([
    existing(engine),
    engine.query<{ node_id: string }>(sql`SELECT node_id FROM identity_nodes WHERE person_id = ${personId} ORDER BY node_id`).then((rows) => rows.map((r) => r.node_id)),
    engine.query<Row>(sql`SELECT * FROM person_profiles WHERE person_id = ${personId}`),
    // Filtered on the person alone so the lookup index serves it; types and duplicates sorted out later.
    engine.query<{ type: string; value: string; source: string | null }>(sql`SELECT type, value, source FROM person_identifiers WHERE person_id = ${personId}`),
  ]);
  const inRecords = records.length > 0 ? sql`customer_id IN (${sql.join(records.map((r) => sql`${r}`))})` : sql`FALSE`;
  const one = async (table: string): Promise<Row | null> =>
    tables.has(table) ? ((await engine.query<Row>(sql`SELECT * FROM ${sql.id(table)} WHERE person_id = ${personId}`))[0] ?? null) : null;
  const ids = (type: string): string[] => identifiers.filter((i) => i.type === type).map((i) => i.value);
  // His events by record, userId or anonymousId: one filter on one column per branch, so that each
  // probes its index (an OR of the three scanned every event: 80-90 ms a profile with 5M events).
  const eventsBy = (column: string, values: readonly string[]): Sql | null =>
    values.length === 0
      ? null
      : sql`SELECT message_id, type, event, ${sql.id('timestamp')} AS ${sql.id('timestamp')}, properties FROM events
          WHERE ${sql.id(column)} IN (${sql.join(values.map((v) => sql`${v}`))})`;
  const branches = [eventsBy('customer_id', records), eventsBy('user_id', ids('userId')), eventsBy('anonymous_id', ids('anonymousId'))].filter(
    (b): b is Sql => b !== null,
  );
  const [consents, current, classes, digital, offers, channels, events, clvModel] = await Promise.all([
    engine.query<{ channel: string; status: string; at: Date; source: string }>(sql`SELECT channel, status, ${sql.id('at')} AS at, source FROM consents WHERE ${inRecords}`),
    liveCurrentConsents(engine, personId, recordsOfPerson(records, identifiers)),
    one('customer_classes'),
    one('customer_digital'),
    tables.has('customer_next_offers') ? engine.query<Row>(sql`SELECT * FROM customer_next_offers WHERE person_id = ${personId}`) : Promise.resolve([]),
    tables.has('customer_channels') ? engine.query<Row>(sql`SELECT * FROM customer_channels WHERE person_id = ${personId}`) : Promise.resolve([]),
    tables.has('events') && branches.length > 0
      ? engine.query<{ message_id: string; type: string; event: string | null; timestamp: Date; properties: string | null }>(
          engine.dialect.topRows(sql`SELECT DISTINCT * FROM (${sql.join(branches, ' UNION ALL ')}) AS mine`, sql`${sql.id('timestamp')} DESC, message_id`, lastEvents),
        )
      : Promise.resolve([]),
    fittedClvModel(engine, tables.has('clv_model')),
  ]);
  return {
    personId,
    records,
    golden: golden ? jsonRow(golden) : null,
    identifiers,
    consents: consents.map((c) => ({ ...c, at: String(jsonValue(c.at)) })),
    currentConsents: current.map((c) => ({ channel: c.channel, status: c.status, at: String(jsonValue(c.at)), source: c.source, record: c.record })),
    classes: classes ? jsonRow(classes) : null,
    digital: digital ? jsonRow(digital) : null,
    offers: offers.map(jsonRow),
    channels: channels.map(jsonRow),
    events: events.map((e) => ({ ...e, timestamp: String(jsonValue(e.timestamp)) })),
    clvModel,
  };
}

/** Everything the datamart knows of one person, by his id (current or older) or one of his record ids, read live. */
export async function customerProfile(engine: Engine, config: Config, requestedId: string, lastEvents = LAST_EVENTS): Promise<CustomerProfile> {
  const { personId } = await resolvePersonId(engine, requestedId);
  return assembleProfile(await liveProfileParts(engine, personId, lastEvents), requestedId, config);
}

export type { CustomerProfile, LookupType };
