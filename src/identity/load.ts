/**
 * Reads the identity graph from the store: nodes (customer records and event links), their
 * normalised identifiers, the ids handed out and the blocks left by splits.
 */
import { IDENTITY_TYPES, MATCH_ATTRIBUTES, type IdentityConfig, type IdentityType } from '../config/identity-config.js';
import { sql, type Engine, type Sql } from '../store/index.js';
import { appendColumns, floats, ints, queryColumns } from './bulk.js';
import type { GraphInput } from './graph.js';
import { IdentifierNormaliser, TABLE_TYPES } from './normalise.js';
import { normaliseStreetAddress } from './street.js';

type Attribute = (typeof MATCH_ATTRIBUTES)[number];

export interface LoadedGraph extends GraphInput {
  /** Survivorship order of each node's declared values (higher wins). */
  readonly survivorRank: Int32Array;
}

/** An identifier's type as the graph names it, from the identifiers table's or Segment's names. */
export function identityType(type: string): IdentityType | null {
  const mapped = TABLE_TYPES[type];
  if (mapped) return mapped;
  return (IDENTITY_TYPES as readonly string[]).includes(type) ? (type as IdentityType) : null;
}

/** The key two identifiers are the same under: userId types share one namespace. */
export function valueKey(type: IdentityType, value: string, config: IdentityConfig): string {
  return `${config.userIdTypes.includes(type) ? 'userId' : type}\u0001${value}`;
}

/** The name of a match key's type: its attributes joined by "+". */
export function matchKeyType(attributes: readonly string[]): string {
  return attributes.join('+');
}

/**
 * Names compared without case, accents or punctuation ("Éloïse" = "ELOISE"); street addresses as
 * normaliseStreetAddress writes them; other attributes trimmed, upper-cased, spaces removed.
 */
export function attributeCode(attribute: Attribute, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
  if (attribute === 'street_address') return normaliseStreetAddress(text);
  if (attribute !== 'first_name' && attribute !== 'last_name' && attribute !== 'city') return text.replace(/\s+/g, '').toUpperCase() || null;
  const letters = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');
  return letters === '' ? null : letters;
}

/** Scratch tables of one resolution (dropped by dropScratch). */
export const SCRATCH = {
  codes: (attribute: string): string => `_identity_codes_${attribute}`,
  nodes: '_identity_scratch_nodes',
  raw: '_identity_scratch_raw',
  norm: '_identity_scratch_norm',
  types: '_identity_scratch_types',
  occ: '_identity_scratch_occ',
  /** Occurrences with their value's number: pos, node_index, value_index, type, value, raw, source, first_seen_at. */
  occValues: '_identity_scratch_occ_values',
  values: '_identity_scratch_values',
  /** Each node's share of its value of every match key attribute. */
  shares: '_identity_scratch_shares',
  blocked: '_identity_scratch_blocked',
  issued: '_identity_scratch_issued',
} as const;

export async function dropScratch(engine: Engine, config: IdentityConfig): Promise<void> {
  const tables = [...usedAttributes(config).map(SCRATCH.codes), SCRATCH.nodes, SCRATCH.raw, SCRATCH.norm, SCRATCH.types, SCRATCH.occ, SCRATCH.occValues, SCRATCH.values, SCRATCH.shares, SCRATCH.blocked, SCRATCH.issued];
  for (const table of tables) await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(table)}`);
}

function usedAttributes(config: IdentityConfig): Attribute[] {
  const used = new Set<Attribute>([...config.conflicts.attributes, ...config.matchKeys.flat()]);
  return MATCH_ATTRIBUTES.filter((a) => used.has(a));
}

/**
 * Reads the graph with the strings left in the store: nodes, occurrences and values go to scratch
 * tables (SCRATCH) numbered densely in SQL, and the resolver gets typed arrays of those numbers.
 * JS computes only what SQL cannot say the same way: the codes of distinct declared values and
 * the normalisation of distinct identifiers (libphonenumber...). The numbering reproduces the
 * row-by-row reading: nodes in node_id order, values in order of first occurrence (occurrences
 * by node_id, type, raw value; then each match key's values in node order).
 */
export async function loadGraph(engine: Engine, config: IdentityConfig): Promise<LoadedGraph> {
  const id = (name: string): Sql => sql.id(name);
  await dropScratch(engine, config);
  const attributes = usedAttributes(config);
  // Codes of declared values: computed once per distinct value, joined back in SQL.
  for (const attribute of attributes) {
    const [keys = [], values = []] = await queryColumns(
      engine,
      sql`SELECT DISTINCT CAST(${id(attribute)} AS VARCHAR) AS k, ${id(attribute)} AS v FROM customers WHERE ${id(attribute)} IS NOT NULL`,
      ['k', 'v'],
    );
    const codeIds = new Map<string, number>();
    const k: string[] = [];
    const code: string[] = [];
    const codeId: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const c = attributeCode(attribute, values[i]);
      if (c === null) continue;
      let n = codeIds.get(c);
      if (n === undefined) codeIds.set(c, (n = codeIds.size));
      k.push(String(keys[i]));
      code.push(c);
      codeId.push(n);
    }
    await engine.exec(sql`CREATE TABLE ${id(SCRATCH.codes(attribute))} (k VARCHAR, code VARCHAR, code_id INTEGER)`);
    await appendColumns(engine, SCRATCH.codes(attribute), [
      { name: 'k', type: 'string', values: k },
      { name: 'code', type: 'string', values: code },
      { name: 'code_id', type: 'int', values: codeId },
    ]);
  }
  const priority = config.survivorship.sourcePriority;
  const trust = priority.length === 0 ? sql`0` : sql`CASE ${sql.join(priority.map((p, i) => sql`WHEN coalesce(source, 'null') = ${p} THEN ${priority.length - i}`), ' ')} ELSE 0 END`;
  const codeColumns = attributes.map((a) => sql`${id(`k_${a}`)}.code AS ${id(`c_${a}`)}, coalesce(${id(`k_${a}`)}.code_id, -1) AS ${id(`a_${a}`)}`);
  const codeJoins = attributes.map((a) => sql`LEFT JOIN ${id(SCRATCH.codes(a))} AS ${id(`k_${a}`)} ON ${id(`k_${a}`)}.k = CAST(c.${id(a)} AS VARCHAR)`);
  const nullCodes = attributes.map((a) => sql`CAST(NULL AS VARCHAR) AS ${id(`c_${a}`)}, -1 AS ${id(`a_${a}`)}`);
  await engine.exec(
    engine.dialect.createTableAs(
      SCRATCH.nodes,
      sql`SELECT *, row_number() OVER (ORDER BY ${trust}, epoch_ms(updated_at) NULLS FIRST, node_index) AS survivor_rank,
        dense_rank() OVER (ORDER BY coalesce(source, 'null')) AS source_code FROM (
        SELECT row_number() OVER (ORDER BY node_id) - 1 AS node_index, * FROM (
          SELECT c.customer_id AS node_id, 'record' AS kind, c.source, coalesce(c.signup_at, c.updated_at) AS first_seen_at,
            coalesce(c.updated_at, c.signup_at) AS updated_at, c.country, ${sql.join(codeColumns)}
          FROM customers AS c ${sql.join(codeJoins, ' ')}
          UNION ALL
          SELECT link_id AS node_id, 'link' AS kind, min(source) AS source, min(seen_at) AS first_seen_at, max(seen_at) AS updated_at,
            NULL AS country, ${sql.join(nullCodes)} FROM identity_links GROUP BY link_id) AS all_nodes) AS numbered`,
    ),
  );
  const [firstSeen, sourceCodes, ranks, ...attributeCodes] = await queryColumns(
    engine,
    sql`SELECT CAST(epoch_ms(first_seen_at) AS DOUBLE) AS first_seen, CAST(source_code AS INTEGER) AS source_code, CAST(survivor_rank AS INTEGER) AS survivor_rank,
      ${sql.join(config.conflicts.attributes.map((a) => sql`CAST(${id(`a_${a}`)} AS INTEGER) AS ${id(`a_${a}`)}`))}
      FROM ${id(SCRATCH.nodes)} ORDER BY node_index`,
    ['first_seen', 'source_code', 'survivor_rank', ...config.conflicts.attributes.map((a) => `a_${a}`)],
  );
  const nodeFirstSeen = floats(firstSeen);
  const nodeCount = nodeFirstSeen.length;

  // Identifiers: each distinct (type, raw value, country for a phone) normalised once.
  const typeNames: string[] = [...IDENTITY_TYPES, ...config.matchKeys.map(matchKeyType)];
  const namespaces = typeNames.map((t) => (config.userIdTypes.includes(t as IdentityType) ? 'userId' : t));
  await engine.exec(sql`CREATE TABLE ${id(SCRATCH.types)} (type_idx INTEGER, type VARCHAR, ns VARCHAR)`);
  await appendColumns(engine, SCRATCH.types, [
    { name: 'type_idx', type: 'int', values: typeNames.map((_, i) => i) },
    { name: 'type', type: 'string', values: typeNames },
    { name: 'ns', type: 'string', values: namespaces },
  ]);
  const occurrences = sql`(SELECT customer_id AS node_id, type, value, source, first_seen_at FROM identifiers
    UNION ALL SELECT link_id AS node_id, type, value, source, seen_at AS first_seen_at FROM identity_links)`;
  const tableTypes = (await engine.query<{ type: string }>(sql`SELECT DISTINCT type FROM ${occurrences} AS o WHERE type IS NOT NULL`)).map((r) => r.type);
  const phoneTypes = tableTypes.filter((t) => identityType(t) === 'phone');
  const known = tableTypes.filter((t) => identityType(t) !== null);
  const list = (values: readonly string[]): Sql => (values.length === 0 ? sql`NULL` : sql.join(values.map((v) => sql`${v}`)));
  const phoneCountry = sql`CASE WHEN o.type IN (${list(phoneTypes)}) THEN n.country END`;
  await engine.exec(
    engine.dialect.createTableAs(
      SCRATCH.raw,
      sql`SELECT row_number() OVER (ORDER BY type, value, country) - 1 AS k, type, value, country FROM (
        SELECT DISTINCT o.type, o.value, ${phoneCountry} AS country FROM ${occurrences} AS o JOIN ${id(SCRATCH.nodes)} AS n ON n.node_id = o.node_id
        WHERE o.value IS NOT NULL AND o.type IN (${list(known)})) AS distinct_raw`,
    ),
  );
  const [rawTypes = [], rawValues = [], rawCountries = []] = await queryColumns(
    engine,
    sql`SELECT type, value, country FROM ${id(SCRATCH.raw)} ORDER BY k`,
    ['type', 'value', 'country'],
  );
  const normaliser = new IdentifierNormaliser(config);
  const normK: number[] = [];
  const normType: number[] = [];
  const normValue: (string | null)[] = [];
  const typeIndex = new Map<string, number>(tableTypes.map((t) => [t, typeNames.indexOf(identityType(t) as string)]));
  for (let k = 0; k < rawTypes.length; k++) {
    const tableType = rawTypes[k] as string;
    const raw = String(rawValues[k]);
    const value = normaliser.normalise(identityType(tableType) as IdentityType, raw, rawCountries[k] as string | null);
    if (value === null) continue;
    normK.push(k);
    normType.push(typeIndex.get(tableType) as number);
    normValue.push(value === raw ? null : value);
  }
  await engine.exec(sql`CREATE TABLE ${id(SCRATCH.norm)} (k INTEGER, type_idx INTEGER, value VARCHAR)`);
  await appendColumns(engine, SCRATCH.norm, [
    { name: 'k', type: 'int', values: normK },
    { name: 'type_idx', type: 'int', values: normType },
    { name: 'value', type: 'string', values: normValue },
  ]);

  // Occurrences: identifiers in (node_id, type, raw value) order, then each match key's in node order.
  // Sorted on the integers that stand for those strings (node_index follows node_id, the raw
  // value's k follows type and value): the same order as the strings', for a fraction of the sort.
  const matchKeyOcc = config.matchKeys.map((key, m) => {
    const type = matchKeyType(key);
    return sql`SELECT CAST(${m + 1} AS BIGINT) * 1000000000000 + node_index AS pos, node_index, ${type} AS type, ${type} AS ns,
      concat_ws('|', ${sql.join(key.map((a) => sql`${id(`c_${a}`)}`))}) AS value, concat_ws('|', ${sql.join(key.map((a) => sql`${id(`c_${a}`)}`))}) AS raw,
      source, first_seen_at FROM ${id(SCRATCH.nodes)} WHERE ${sql.join(key.map((a) => sql`${id(`c_${a}`)} IS NOT NULL`), ' AND ')}`;
  });
  await engine.exec(
    engine.dialect.createTableAs(
      SCRATCH.occ,
      sql`SELECT row_number() OVER (ORDER BY n.node_index, w.k, o.source, o.first_seen_at) - 1 AS pos, n.node_index, t.type, t.ns,
          coalesce(r.value, o.value) AS value, o.value AS raw, o.source, o.first_seen_at
        FROM ${occurrences} AS o JOIN ${id(SCRATCH.nodes)} AS n ON n.node_id = o.node_id
        JOIN ${id(SCRATCH.raw)} AS w ON w.type = o.type AND w.value = o.value AND w.country IS NOT DISTINCT FROM ${phoneCountry}
        JOIN ${id(SCRATCH.norm)} AS r ON r.k = w.k JOIN ${id(SCRATCH.types)} AS t ON t.type_idx = r.type_idx
        ${sql.join(matchKeyOcc.map((q) => sql`UNION ALL ${q}`), ' ')}`,
    ),
  );

  // Blocks: a few rows, keyed in JS as the graph keys values.
  const blockNs: string[] = [];
  const blockValue: string[] = [];
  for (const block of await engine.query<{ type: string; value: string }>(sql`SELECT type, value FROM identity_blocks`)) {
    const type = identityType(block.type);
    blockNs.push(type === null ? block.type : config.userIdTypes.includes(type) ? 'userId' : type);
    blockValue.push(block.value);
  }
  await engine.exec(sql`CREATE TABLE ${id(SCRATCH.blocked)} (ns VARCHAR, value VARCHAR)`);
  await appendColumns(engine, SCRATCH.blocked, [
    { name: 'ns', type: 'string', values: blockNs },
    { name: 'value', type: 'string', values: blockValue },
  ]);

  // Values, numbered by first occurrence; then each occurrence gets its value's number (one join on strings).
  await engine.exec(
    engine.dialect.createTableAs(
      SCRATCH.values,
      sql`SELECT row_number() OVER (ORDER BY v.first_pos) - 1 AS value_index, v.ns, v.value, v.type, t.type_idx
        FROM (SELECT ns, value, min(pos) AS first_pos, arg_min(type, pos) AS type FROM ${id(SCRATCH.occ)} GROUP BY ns, value) AS v
        JOIN ${id(SCRATCH.types)} AS t ON t.type = v.type`,
    ),
  );
  await engine.exec(
    engine.dialect.createTableAs(
      SCRATCH.occValues,
      sql`SELECT o.pos, o.node_index, v.value_index, o.type, o.value, o.raw, o.source, o.first_seen_at
        FROM ${id(SCRATCH.occ)} AS o JOIN ${id(SCRATCH.values)} AS v ON v.ns = o.ns AND v.value = o.value`,
    ),
  );
  await engine.exec(sql`DROP TABLE ${id(SCRATCH.occ)}`);
  // A match key's expected chance holders (Fellegi-Sunter u): (holders - 1) x the product of its values' shares.
  // Each node's shares are joined once, in a chain of LEFT JOINs from the nodes: joined with every
  // share table at once, DuckDB could pick a join order that multiplies the street addresses'
  // shares by another attribute's before reaching the nodes (minutes at 100k records).
  const keyAttributes = MATCH_ATTRIBUTES.filter((a) => config.matchKeys.some((key) => key.includes(a)));
  if (keyAttributes.length > 0) {
    const shareJoins = keyAttributes.map(
      (a) => sql`LEFT JOIN (SELECT ${id(`c_${a}`)} AS code, CAST(count(*) AS DOUBLE) / CAST(sum(count(*)) OVER () AS DOUBLE) AS share
        FROM ${id(SCRATCH.nodes)} WHERE ${id(`c_${a}`)} IS NOT NULL GROUP BY ${id(`c_${a}`)}) AS ${id(`s_${a}`)} ON ${id(`s_${a}`)}.code = n.${id(`c_${a}`)}`,
    );
    await engine.exec(
      engine.dialect.createTableAs(
        SCRATCH.shares,
        sql`SELECT n.node_index, ${sql.join(keyAttributes.map((a) => sql`${id(`s_${a}`)}.share AS ${id(`s_${a}`)}`))}
          FROM ${id(SCRATCH.nodes)} AS n ${sql.join(shareJoins, ' ')}`,
      ),
    );
  }
  const expected = config.matchKeys.map((key) => {
    const type = matchKeyType(key);
    const holders = sql`(SELECT CAST(count(*) AS DOUBLE) FROM ${id(SCRATCH.nodes)} WHERE ${sql.join(key.map((a) => sql`${id(`c_${a}`)} IS NOT NULL`), ' AND ')})`;
    return sql`SELECT o.value_index, min((${holders} - 1) * (${sql.join(key.map((a) => sql`s.${id(`s_${a}`)}`), ' * ')})) AS expected
      FROM ${id(SCRATCH.occValues)} AS o JOIN ${id(SCRATCH.shares)} AS s ON s.node_index = o.node_index
      WHERE o.type = ${type} GROUP BY o.value_index`;
  });
  const expectedTable = expected.length === 0 ? sql`(SELECT -1 AS value_index, CAST(NULL AS DOUBLE) AS expected WHERE false)` : sql`(${sql.join(expected, ' UNION ALL ')})`;
  const [valueTypeIdx, valueExpected, valueBlocked] = await queryColumns(
    engine,
    sql`SELECT CAST(v.type_idx AS INTEGER) AS type_idx, CAST(coalesce(e.expected, 0) AS DOUBLE) AS expected, CASE WHEN b.ns IS NULL THEN 0 ELSE 1 END AS blocked
      FROM ${id(SCRATCH.values)} AS v LEFT JOIN ${expectedTable} AS e ON e.value_index = v.value_index
      LEFT JOIN (SELECT DISTINCT ns, value FROM ${id(SCRATCH.blocked)}) AS b ON b.ns = v.ns AND b.value = v.value
      ORDER BY v.value_index`,
    ['type_idx', 'expected', 'blocked'],
  );
  const typeIdx = ints(valueTypeIdx);
  const valueTypes = Array.from(typeIdx, (t) => typeNames[t] as string);
  const [occNode, occValue] = await queryColumns(
    engine,
    sql`SELECT CAST(node_index AS INTEGER) AS node_index, CAST(value_index AS INTEGER) AS value_index FROM ${id(SCRATCH.occValues)} ORDER BY pos`,
    ['node_index', 'value_index'],
  );

  // Ids handed out, ranked as the naming prefers them: oldest first, then the smaller id.
  await engine.exec(
    engine.dialect.createTableAs(
      SCRATCH.issued,
      sql`SELECT row_number() OVER (ORDER BY epoch_ms(p.issued_at), p.person_id) - 1 AS issued_rank, p.person_id, n.node_index
        FROM person_ids AS p JOIN ${id(SCRATCH.nodes)} AS n ON n.node_id = p.node_id`,
    ),
  );
  const [issuedNode] = await queryColumns(engine, sql`SELECT CAST(node_index AS INTEGER) AS node_index FROM ${id(SCRATCH.issued)} ORDER BY issued_rank`, ['node_index']);

  return {
    nodeCount,
    survivorRank: ints(ranks),
    nodeFirstSeen,
    nodeSourceCodes: ints(sourceCodes),
    attributes: attributeCodes.map(ints),
    valueTypes,
    valueBlocked: Uint8Array.from(ints(valueBlocked)),
    valueExpected: floats(valueExpected),
    occNode: ints(occNode),
    occValue: ints(occValue),
    issuedNode: ints(issuedNode),
  };
}

/**
 * Survivorship order: a value from a more trusted source (listed earlier in sourcePriority)
 * wins, then the most recently updated, then the larger record id (any fixed tie-break will do).
 */
export function survivorRanks(sources: readonly unknown[], updated: readonly unknown[], priority: readonly string[]): Int32Array {
  const trust = (i: number): number => {
    const k = priority.indexOf(String(sources[i]));
    return k < 0 ? 0 : priority.length - k;
  };
  const time = (i: number): number => {
    const at = updated[i];
    return at instanceof Date ? at.getTime() : -Infinity;
  };
  const order = Array.from(sources.keys()).sort((a, b) => trust(a) - trust(b) || time(a) - time(b) || a - b);
  const rank = new Int32Array(sources.length);
  order.forEach((node, position) => (rank[node] = position + 1));
  return rank;
}
