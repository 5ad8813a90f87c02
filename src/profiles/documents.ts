import { randomUUID } from 'node:crypto';
import { dropTables, type PipelineStep } from '../kernel/index.js';
import { sql, type Column, type Engine, type Sql } from '../store/index.js';
import { latestConsents, personRecords } from '../consent/index.js';
import type { DocumentLayout } from './document-format.js';
import { LOOKUP_TYPES } from './parts.js';
import { LAST_EVENTS } from './profile.js';
import { ProfileStoreWriter, removeStore, servingStorePath } from './serving-store.js';

/** Tables of earlier versions, which kept the documents in DuckDB (dropped by the step). */
const OLD_TABLES = ['profile_documents', 'profile_keys'];
/**
 * The one-row-a-person tables of a document, each with its alias in the document's SQL and the
 * step's scratch table that holds its rows' JSON in person order.
 */
const ROW_PARTS = [
  { table: 'person_profiles', alias: 'g', scratch: '_profile_doc_golden' },
  { table: 'customer_classes', alias: 'c', scratch: '_profile_doc_classes' },
  { table: 'customer_digital', alias: 'd', scratch: '_profile_doc_digital' },
] as const;
type RowTable = (typeof ROW_PARTS)[number]['table'];
export const STATE = 'profile_documents_state';

/**
 * What, outside a run, changes what a profile shows: files imported, events loaded, identities
 * linked or split. Counted when the documents are written and again when a server opens them; if
 * anything moved in between, the documents are stale and profiles are read live instead.
 */
const WATCHED = [
  // Not the log position: a server's start records one without loading anything; loaded events are counted.
  'import_log', 'customers', 'identifiers', 'consents', 'events',
  'identity_nodes', 'person_identifiers', 'identity_merges', 'person_redirects', 'identity_blocks',
] as const;

export async function dataFingerprint(engine: Engine): Promise<string> {
  const present = new Set((await engine.query<{ name: string }>(engine.dialect.existingTables(WATCHED))).map((r) => r.name));
  const counts = WATCHED.filter((t) => present.has(t)).map((t) => sql`SELECT ${t} AS name, count(*) AS n FROM ${sql.id(t)}`);
  const rows = counts.length > 0 ? await engine.query<{ name: string; n: number }>(sql.join(counts, ' UNION ALL ')) : [];
  const tally: [string, number][] = rows.map((r) => [r.name, Number(r.n)]);
  return JSON.stringify({ counts: Object.fromEntries(tally.sort()) });
}

type Columns = Map<string, string>;

/** Column name -> type of the tables a document reads, from the catalogue. */
async function columnTypes(engine: Engine, tables: readonly string[]): Promise<Map<string, Columns>> {
  const rows = await engine.query<{ table_name: string; column_name: string; data_type: string }>(sql`SELECT table_name, column_name, data_type
    FROM information_schema.columns WHERE table_name IN (${sql.join(tables.map((t) => sql`${t}`))}) ORDER BY table_name, ordinal_position`);
  const out = new Map<string, Columns>();
  for (const r of rows) {
    const columns = out.get(r.table_name) ?? new Map<string, string>();
    columns.set(r.column_name, r.data_type);
    out.set(r.table_name, columns);
  }
  return out;
}

/**
 * A column as the live road gives it once through JSON: timestamps and dates as ISO strings in
 * UTC with milliseconds (what Date.toISOString writes), decimals as numbers.
 */
function jsonColumn(alias: string, column: string, type: string): string {
  const ref = `${alias}.${JSON.stringify(column)}`;
  if (/^(TIMESTAMP|DATE)/.test(type)) return TIMESTAMP_ISO(ref);
  if (/^(DECIMAL|HUGEINT|UHUGEINT)/.test(type)) return `${ref}::DOUBLE`;
  return ref;
}

/** A row as a JSON array of its columns' values, in the layout's order (document-format.ts). */
function jsonArray(alias: string, columns: Columns | undefined): string {
  if (!columns) return 'NULL';
  return `json_array(${[...columns].map(([c, t]) => jsonColumn(alias, c, t)).join(', ')})`;
}

/**
 * Rows of a group as one JSON array text: each row's JSON text joined, cheaper than
 * to_json(list(...)), which builds a list of JSON values and converts it again (100k persons:
 * offers 5.5 CPU-s that way). In the order of the rows' texts, which makes a build's bytes
 * deterministic; the order within a part means nothing (assembleProfile sorts every list).
 * list_sort over an unordered list, not an ordered string_agg: DuckDB's ordered aggregates buffer
 * and sort each group apart (300k persons: a slice's statement 13.6-18.6 s that way, 11.6 s so).
 */
const jsonRows = (row: string): string => `'[' || array_to_string(list_sort(list((${row})::VARCHAR)), ',') || ']'`;

const TIMESTAMP_ISO = (ref: string): string => `strftime(${ref}::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%gZ')`;

const lookupTypes = LOOKUP_TYPES.map((t) => `'${t}'`).join(', ');

/** Streams a large result to `write` a batch at a time (all at once on an engine that cannot stream). */
async function stream(engine: Engine, query: Sql | string, write: (columns: Column[]) => void | Promise<void>): Promise<void> {
  if (engine.queryColumnBatches) {
    for await (const batch of engine.queryColumnBatches(query)) await write(batch);
  } else if (engine.queryColumns) {
    await write(await engine.queryColumns(query));
  } else {
    throw new Error('profile documents need an engine that reads columns');
  }
}

/**
 * One JSON document per person with everything the profile API shows from the run (golden
 * record, identifiers, consents and current consents, classes, offers, last events), and every key a profile is asked
 * by (person id, older id, record id, identifier), so a lookup is one or two reads of the
 * serving store (serving-store.ts) instead of nine queries. DuckDB builds the JSON in SQL, as
 * positional arrays (document-format.ts), in one pass over each table per slice of persons, and
 * streams it into the store.
 */
export function profileDocumentsStep(slicePersons = 100_000): PipelineStep {
  return {
    name: 'profile_documents',
    reads: ['identity_nodes', 'person_profiles', 'person_identifiers', 'person_redirects', 'consents', 'customer_classes', 'customer_digital', 'customer_next_offers', 'customer_channels', 'events'],
    writes: [STATE],
    // None: where the engine builds no JSON in SQL (ClickHouse) or keeps no database file, the step
    // writes no documents and profiles are read live, by design.
    requires: [],
    async run({ engine }) {
      const scratch = ROW_PARTS.map((p) => p.scratch);
      await dropTables(engine, [...OLD_TABLES, ...scratch, STATE]);
      const path = servingStorePath(engine.location);
      if (!engine.dialect.supportsJsonDocuments || !path) return;
      // Without identity resolution's tables (a datamart whose persons were given, not resolved) there is no profile to serve.
      const identity = ['identity_nodes', 'person_profiles', 'person_identifiers', 'person_redirects'];
      if ((await engine.query(engine.dialect.existingTables(identity))).length < identity.length) {
        removeStore(path);
        return;
      }
      const optional = ['customer_classes', 'customer_digital', 'customer_next_offers', 'customer_channels', 'events'];
      const present = new Set((await engine.query<{ name: string }>(engine.dialect.existingTables(optional))).map((r) => r.name));
      const types = await columnTypes(engine, ['person_profiles', 'customer_classes', 'customer_digital', 'customer_next_offers', 'customer_channels']);
      const has = (table: string): boolean => present.has(table) || table === 'person_profiles';
      const columnsOf = (table: string): string[] => (has(table) ? [...(types.get(table)?.keys() ?? [])] : []);
      const layout: DocumentLayout = {
        golden: columnsOf('person_profiles'),
        classes: columnsOf('customer_classes'),
        digital: columnsOf('customer_digital'),
        offers: columnsOf('customer_next_offers'),
        channels: columnsOf('customer_channels'),
      };
      // A million documents built at once hold every part in memory together (6 GB was not
      // enough); built a slice of persons at a time, each statement needs a fraction of it. The
      // slices are ranges of person ids, so the store receives its keys in order (appended, not
      // split: serving-store.ts).
      const [{ persons = 0 } = {}] = await engine.query<{ persons: number }>(sql`SELECT count(DISTINCT person_id) AS persons FROM identity_nodes`);
      const tiles = Math.max(1, Math.ceil(Number(persons) / slicePersons));
      // The greatest person id of each slice.
      const uppers =
        tiles === 1
          ? []
          : (
              await engine.query<{ upper: string }>(sql`SELECT max(person_id) AS upper FROM (
                SELECT person_id, ntile(${sql.raw(String(tiles))}) OVER (ORDER BY person_id) AS tile FROM (SELECT DISTINCT person_id FROM identity_nodes))
              GROUP BY tile ORDER BY upper`)
            ).map((r) => r.upper);
      const slices = Math.max(1, uppers.length);
      const text = (value: string): string => engine.dialect.literal(value);
      const inSlice = (column: string, slice: number): string => {
        const lower = slice > 0 ? `${column} > ${text(uppers[slice - 1] ?? '')}` : 'TRUE';
        const upper = slice < slices - 1 ? `${column} <= ${text(uppers[slice] ?? '')}` : 'TRUE';
        return `(${lower} AND ${upper})`;
      };
      const row = (table: RowTable, slice: number): string => {
        const { alias, scratch: json } = ROW_PARTS.find((p) => p.table === table) ?? ROW_PARTS[0];
        return has(table)
          ? `LEFT JOIN (SELECT person_id, doc FROM ${json} WHERE ${inSlice('person_id', slice)}) ${alias}_doc ON ${alias}_doc.person_id = n.person_id`
          : `LEFT JOIN (SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS doc) ${alias}_doc ON FALSE`;
      };
      // The wide one-row-a-person tables' JSON, once, in person order: a slice then reads its own
      // row groups (DuckDB skips the others by their min and max) instead of every row of every
      // column. Read in place, each slice scanned the whole of customer_classes and customer_digital:
      // 6.4 of a slice's 20.5 CPU-s at 300k persons, and more at 1M (11 slices over tables 3.3 times larger).
      for (const { table, alias, scratch: json } of ROW_PARTS) {
        if (!has(table)) continue;
        await engine.exec(`CREATE OR REPLACE TABLE ${json} AS
          SELECT person_id, (${jsonArray(alias, types.get(table))})::VARCHAR AS doc FROM ${table} ${alias} ORDER BY person_id`);
      }
      const offers = (slice: number): string =>
        present.has('customer_next_offers')
          ? `SELECT person_id, ${jsonRows(jsonArray('o', types.get('customer_next_offers')))} AS doc FROM customer_next_offers o
             WHERE ${inSlice('person_id', slice)} GROUP BY person_id`
          : `SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS doc`;
      const channels = (slice: number): string =>
        present.has('customer_channels')
          ? `SELECT person_id, ${jsonRows(jsonArray('h', types.get('customer_channels')))} AS doc FROM customer_channels h
             WHERE ${inSlice('person_id', slice)} GROUP BY person_id`
          : `SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS doc`;
      // An event belongs to a person through its record, or his userId or anonymousId (as the live road reads it).
      const events = (slice: number): string =>
        present.has('events')
          ? `SELECT person_id, ${jsonRows(`json_array(message_id, type, event, ${TIMESTAMP_ISO('"timestamp"')}, properties)`)} AS doc
              FROM (SELECT m.person_id, e.message_id, e.type, e.event, e."timestamp", e.properties,
                      row_number() OVER (PARTITION BY m.person_id ORDER BY e."timestamp" DESC, e.message_id) AS nth
                    FROM (SELECT DISTINCT person_id, message_id FROM (
                            SELECT x.person_id, e.message_id FROM events e JOIN identity_nodes x ON x.node_id = e.customer_id
                            UNION ALL SELECT i.person_id, e.message_id FROM events e JOIN person_identifiers i ON i.type = 'userId' AND i.value = e.user_id
                            UNION ALL SELECT i.person_id, e.message_id FROM events e JOIN person_identifiers i ON i.type = 'anonymousId' AND i.value = e.anonymous_id)
                          WHERE ${inSlice('person_id', slice)}) m
                    JOIN events e ON e.message_id = m.message_id)
              WHERE nth <= ${LAST_EVENTS} GROUP BY person_id`
          : `SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS doc`;
      const writer = ProfileStoreWriter.create(path);
      try {
        for (let slice = 0; slice < slices; slice++) {
          // The same rule as the live road and the person_consents step (src/consent), over this slice's records.
          const current = latestConsents(engine.dialect, personRecords(sql.raw(inSlice('person_id', slice))));
          await stream(
            engine,
            // Each part is JSON text already: concatenated, not passed to json_array, which parses
            // every part again (100k persons: 19.8 s for the step that way, 16-17 s concatenated).
            // The positions are document-format.ts's. As a BLOB of the text's UTF-8 bytes, which
            // the threads deflate as they come: read as VARCHAR, each document was decoded into a
            // string and encoded back (100k persons: ~2 s of the main thread's ~10 s).
            sql`${sql.raw(`SELECT n.person_id, encode(concat('[', to_json(n.records)::VARCHAR,
                ',', coalesce(g_doc.doc, 'null'),
                ',', coalesce(i.doc, '[]'),
                ',', coalesce(k.doc, '[]'),
                ',', coalesce(q.doc, '[]'),
                ',', coalesce(c_doc.doc, 'null'),
                ',', coalesce(d_doc.doc, 'null'),
                ',', coalesce(o.doc, '[]'),
                ',', coalesce(h.doc, '[]'),
                ',', coalesce(e.doc, '[]'), ']')) AS doc
            FROM (SELECT person_id, list_sort(list(node_id)) AS records FROM identity_nodes WHERE ${inSlice('person_id', slice)} GROUP BY person_id) n
            ${row('person_profiles', slice)}
            LEFT JOIN (SELECT person_id, ${jsonRows('json_array(type, value, source)')} AS doc
                       FROM (SELECT DISTINCT person_id, type, value, source FROM person_identifiers WHERE type IN (${lookupTypes}) AND ${inSlice('person_id', slice)})
                       GROUP BY person_id) i ON i.person_id = n.person_id
            LEFT JOIN (SELECT x.person_id, ${jsonRows(`json_array(c.channel, c.status, ${TIMESTAMP_ISO('c."at"')}, c.source)`)} AS doc
                       FROM consents c JOIN identity_nodes x ON x.node_id = c.customer_id WHERE ${inSlice('x.person_id', slice)} GROUP BY x.person_id) k ON k.person_id = n.person_id
            LEFT JOIN (SELECT person_id, ${jsonRows(`json_array(channel, status, ${TIMESTAMP_ISO('"at"')}, source, record)`)} AS doc
                       FROM (`)}${current}${sql.raw(`) GROUP BY person_id) q ON q.person_id = n.person_id
            ${row('customer_classes', slice)}
            ${row('customer_digital', slice)}
            LEFT JOIN (${offers(slice)}) o ON o.person_id = n.person_id
            LEFT JOIN (${channels(slice)}) h ON h.person_id = n.person_id
            LEFT JOIN (${events(slice)}) e ON e.person_id = n.person_id`)}`,
            ([ids = [], docs = []]) => writer.stageDocumentsInThreads(ids as unknown[], docs as unknown[]),
          );
          await writer.commitStagedFromThreads();
        }
        await dropTables(engine, scratch);
        // The persons of each key in the order resolvePersonId tries them after a person's own id
        // (a document of that id): an older id, then a record id; identifiers by person id.
        // In key order, so that the store appends them. Nearly every key has one person: that
        // person as text, and the list as JSON text only for the others. Read as a list for
        // every key, the lists cost more to turn into arrays than the query to compute (100k
        // persons' 552k keys: 2.6-3.0 s read that way, 2.0-2.3 s so).
        await stream(
          engine,
          `SELECT key, ranked[1] AS person, CASE WHEN len(ranked) > 1 THEN to_json(ranked)::VARCHAR END AS persons FROM (
             SELECT key, list_transform(list_sort(list({'priority': priority, 'id': person_id})), lambda p: p.id) AS ranked FROM (
               SELECT key, person_id, min(priority) AS priority FROM (
                 SELECT 'id:' || old_id AS key, person_id, 1 AS priority FROM person_redirects
                 UNION ALL SELECT 'id:' || node_id, person_id, 2 FROM identity_nodes
                 UNION ALL SELECT type || ':' || value, person_id, 0 FROM person_identifiers WHERE type IN (${lookupTypes}))
               GROUP BY key, person_id)
             GROUP BY key)
           ORDER BY key`,
          ([keys = [], person = [], persons = []]) =>
            writer.putKeys(
              keys as unknown[],
              Array.from(keys, (_, i) => (persons[i] === null ? [person[i]] : (JSON.parse(persons[i] as string) as unknown[]))),
            ),
        );
        const build = randomUUID();
        await writer.finish(build, layout);
        await engine.exec(sql`CREATE TABLE ${sql.id(STATE)} AS SELECT current_timestamp AS built_at, ${await dataFingerprint(engine)} AS fingerprint, ${build} AS build`);
      } catch (error) {
        await writer.abandon();
        await dropTables(engine, scratch);
        throw error;
      }
    },
  };
}

export const profileDocuments = profileDocumentsStep();
