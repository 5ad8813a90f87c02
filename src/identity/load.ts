/**
 * Reads the identity graph from the store: nodes (customer records and event links), their
 * normalised identifiers, the ids handed out and the blocks left by splits.
 */
import { IDENTITY_TYPES, MATCH_ATTRIBUTES, type IdentityConfig, type IdentityType } from '../config/identity-config.js';
import { dropTables, joinBuckets, replaceTable, replaceTableByJoins, replaceTableInBuckets } from '../kernel/index.js';
import { sql, type Engine, type Sql } from '../store/index.js';
import { appendColumns, floats, ints, loadTable, queryBatches, queryColumns } from './bulk.js';
import { joinedRows } from './joined.js';
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
  shareOf: (attribute: string): string => `_identity_share_${attribute}`,
  recordCodes: '_identity_scratch_record_codes',
  nodes: '_identity_scratch_nodes',
  /** Nodes numbered in node_id order, then with their records' codes (nodes before ranking). */
  nodeRows: '_identity_scratch_node_rows',
  nodeCodes: '_identity_scratch_node_codes',
  /** Identifier occurrences with their raw value's number, before they are ordered and numbered. */
  occRows: '_identity_scratch_occ_rows',
  /** Raw identifiers with their normalised form: k, raw_type, raw_value, raw_country, norm_type_idx, norm_value. */
  rawNorm: '_identity_scratch_raw_norm',
  raw: '_identity_scratch_raw',
  norm: '_identity_scratch_norm',
  types: '_identity_scratch_types',
  occ: '_identity_scratch_occ',
  /** Occurrences with their value's number: pos, node_index, value_index, type, value, raw, source, first_seen_at. */
  occValues: '_identity_scratch_occ_values',
  values: '_identity_scratch_values',
  /** Each node's share of its value of every match key attribute. */
  shares: '_identity_scratch_shares',
  expected: '_identity_scratch_expected',
  blocked: '_identity_scratch_blocked',
  blockedSet: '_identity_scratch_blocked_set',
  valueFacts: '_identity_scratch_value_facts',
  issued: '_identity_scratch_issued',
} as const;

export async function dropScratch(engine: Engine, config: IdentityConfig): Promise<void> {
  // Only the attributes the configuration uses: each DROP costs milliseconds inside a transaction.
  const perAttribute = usedAttributes(config).flatMap((a) => [SCRATCH.codes(a), SCRATCH.shareOf(a)]);
  const tables = Object.values(SCRATCH).filter((t) => typeof t === 'string');
  await dropTables(engine, [...perAttribute, ...tables]);
}

function usedAttributes(config: IdentityConfig): Attribute[] {
  const used = new Set<Attribute>([...config.conflicts.attributes, ...config.matchKeys.flat()]);
  return MATCH_ATTRIBUTES.filter((a) => used.has(a));
}

/** How the graph is read: rows per batch of the large reads (tests make it small to prove the reads go batch by batch). */
export interface LoadOptions {
  readonly chunkRows?: number;
  /** Hash buckets of the large joins (tests cut them in pieces on every engine; else joinBuckets decides). */
  readonly joinBuckets?: number;
}

/**
 * Reads the graph with the strings left in the store: nodes, occurrences and values go to scratch
 * tables (SCRATCH) numbered densely in SQL, and the resolver gets typed arrays of those numbers,
 * read a batch at a time (memory: the arrays, O(nodes + occurrences), plus one batch).
 * JS computes only what SQL cannot say the same way: the codes of distinct declared values and
 * the normalisation of distinct identifiers (libphonenumber...), a batch at a time too. The
 * numbering reproduces the row-by-row reading: nodes in node_id order, values in order of first
 * occurrence (occurrences by node_id, type, raw value; then each match key's values in node order).
 *
 * The same SQL on every engine (dialect.numberRows where DuckDB has row_number, one JOIN per
 * SELECT where ClickHouse 18.16 takes no more, through replaceTableByJoins), and the joined
 * columns named apart from the aliases above them: 18.16 reads a qualified name as a SELECT
 * alias of that name first.
 */
export async function loadGraph(engine: Engine, config: IdentityConfig, options: LoadOptions = {}): Promise<LoadedGraph> {
  const d = engine.dialect;
  const id = (name: string): Sql => sql.id(name);
  const chunkRows = options.chunkRows;
  const table = async (name: string, query: Sql): Promise<void> => replaceTable(engine, name, query);
  const nullString = sql`CAST(NULL AS ${sql.raw(d.columnType('string', true))})`;
  await dropScratch(engine, config);
  const attributes = usedAttributes(config);
  // Codes of declared values: computed once per distinct value, joined back in SQL. Appended
  // once the read is over: a DuckDB connection streams one result at a time.
  for (const attribute of attributes) {
    const codeIds = new Map<string, number>();
    const k: string[] = [];
    const code: string[] = [];
    const codeId: number[] = [];
    for await (const [keys = [], values = []] of queryBatches(
      engine,
      sql`SELECT DISTINCT ${d.cast(id(attribute), 'string')} AS k, ${id(attribute)} AS v FROM customers WHERE ${id(attribute)} IS NOT NULL`,
      ['k', 'v'],
      chunkRows,
    )) {
      for (let i = 0; i < keys.length; i++) {
        const c = attributeCode(attribute, values[i]);
        if (c === null) continue;
        let n = codeIds.get(c);
        if (n === undefined) codeIds.set(c, (n = codeIds.size));
        k.push(String(keys[i]));
        code.push(c);
        codeId.push(n);
      }
    }
    await loadTable(engine, SCRATCH.codes(attribute), [
      { name: 'k', type: 'string', values: k },
      { name: 'code', type: 'string', values: code },
      { name: 'code_id', type: 'int', values: codeId },
    ]);
  }
  // Each record's codes, one attribute joined at a time.
  const recordCodes = await joinedRows(engine, SCRATCH.recordCodes, {
    from: sql`(SELECT ${sql.join([sql`customer_id AS record_id`, ...attributes.map((a) => sql`${d.cast(id(a), 'string')} AS ${id(`v_${a}`)}`)])} FROM customers)`,
    columns: sql.join(['record_id', ...attributes.map((a) => `v_${a}`)].map((c) => sql`base.${id(c)} AS ${id(c)}`)),
    joins: attributes.map((a) => ({
      table: SCRATCH.codes(a),
      alias: `k_${a}`,
      on: sql`${id(`k_${a}`)}.k = base.${id(`v_${a}`)}`,
      columns: sql`${id(`k_${a}`)}.code AS ${id(`c_${a}`)}, coalesce(${d.cast(sql`${id(`k_${a}`)}.code_id`, 'int')}, -1) AS ${id(`a_${a}`)}`,
    })),
  });
  const allNodes = sql`SELECT c.customer_id AS node_id, 'record' AS kind, c.source AS source, coalesce(c.signup_at, c.updated_at) AS first_seen_at,
      coalesce(c.updated_at, c.signup_at) AS updated_at, c.country AS country FROM customers AS c
    UNION ALL
    SELECT link_id AS node_id, 'link' AS kind, min(source) AS source, min(seen_at) AS first_seen_at, max(seen_at) AS updated_at,
      ${nullString} AS country FROM identity_links GROUP BY link_id`;
  // Nodes numbered in node_id order, then their codes joined (in hash buckets of the record
  // where the engine holds a join's right-hand side in memory: ClickHouse at 1M records needed
  // 2 GB for it in one piece), then ranked for survivorship and their sources numbered. One JOIN per SELECT.
  await table(SCRATCH.nodeRows, d.numberRows(allNodes, sql`node_id`, 'node_index'));
  const codeBuckets = await joinBuckets(engine, recordCodes, {
    textColumns: ['record_id', ...attributes.flatMap((a) => [`v_${a}`, `c_${a}`])],
    columns: 1 + 3 * attributes.length,
    forced: options.joinBuckets,
  });
  await replaceTableInBuckets(
    engine,
    SCRATCH.nodeCodes,
    codeBuckets,
    (inBucket) => sql`SELECT ${sql.join([
      ...['node_index', 'node_id', 'kind', 'source', 'first_seen_at', 'updated_at', 'country'].map((c) => sql`n.${id(c)} AS ${id(c)}`),
      ...attributes.map((a) => sql`r.${id(`c_${a}`)} AS ${id(`c_${a}`)}, coalesce(r.${id(`a_${a}`)}, -1) AS ${id(`a_${a}`)}`),
    ])}
      FROM (SELECT * FROM ${id(SCRATCH.nodeRows)} WHERE ${inBucket(sql`node_id`)}) AS n
      LEFT JOIN (SELECT * FROM ${recordCodes} AS codes WHERE ${inBucket(sql`record_id`)}) AS r ON r.record_id = n.node_id`,
  );
  const priority = config.survivorship.sourcePriority;
  const trust = priority.length === 0 ? sql`0` : sql`CASE ${sql.join(priority.map((p, i) => sql`WHEN coalesce(source, 'null') = ${p} THEN ${priority.length - i}`), ' ')} ELSE 0 END`;
  const ranked = d.numberRows(
    sql`SELECT *, ${trust} AS trust_key, ${d.epochMs(sql`updated_at`)} AS updated_ms, coalesce(source, 'null') AS source_key FROM ${id(SCRATCH.nodeCodes)} AS numbered_nodes`,
    sql`trust_key, updated_ms NULLS FIRST, node_index`,
    'survivor_position',
  );
  const sources = d.numberRows(sql`SELECT DISTINCT coalesce(source, 'null') AS numbered_source FROM (${allNodes}) AS source_nodes`, sql`numbered_source`, 'source_number');
  const nodeColumns = ['node_index', 'node_id', 'kind', 'source', 'first_seen_at', 'updated_at', 'country', ...attributes.flatMap((a) => [`c_${a}`, `a_${a}`])];
  await table(
    SCRATCH.nodes,
    sql`SELECT ${sql.join(nodeColumns.map((c) => sql`n.${id(c)} AS ${id(c)}`))}, n.survivor_position + 1 AS survivor_rank, s.source_number + 1 AS source_code
      FROM (${ranked}) AS n JOIN (${sources}) AS s ON s.numbered_source = n.source_key`,
  );
  // Their steps, no longer needed: each held every node.
  await dropTables(engine, [SCRATCH.nodeRows, SCRATCH.nodeCodes]);
  const [firstSeen, sourceCodes, ranks, ...attributeCodes] = await queryColumns(
    engine,
    sql`SELECT ${d.cast(d.epochMs(sql`first_seen_at`), 'float')} AS first_seen, CAST(source_code AS INTEGER) AS source_code, CAST(survivor_rank AS INTEGER) AS survivor_rank
      ${sql.join(config.conflicts.attributes.map((a) => sql`, CAST(${id(`a_${a}`)} AS INTEGER) AS ${id(`a_${a}`)}`), '')}
      FROM ${id(SCRATCH.nodes)} ORDER BY node_index`,
    ['first_seen', 'source_code', 'survivor_rank', ...config.conflicts.attributes.map((a) => `a_${a}`)],
    chunkRows,
  );
  const nodeFirstSeen = floats(firstSeen);
  const nodeCount = nodeFirstSeen.length;

  // Identifiers: each distinct (type, raw value, country for a phone: '' for none) normalised once.
  const typeNames: string[] = [...IDENTITY_TYPES, ...config.matchKeys.map(matchKeyType)];
  const namespaces = typeNames.map((t) => (config.userIdTypes.includes(t as IdentityType) ? 'userId' : t));
  await loadTable(engine, SCRATCH.types, [
    { name: 'type_idx', type: 'int', values: typeNames.map((_, i) => i) },
    { name: 'type', type: 'string', values: typeNames },
    { name: 'ns', type: 'string', values: namespaces },
  ]);
  const occurrences = sql`(SELECT customer_id AS node_id, type, value, source, first_seen_at FROM identifiers
    UNION ALL SELECT link_id AS node_id, type, value, source, seen_at AS first_seen_at FROM identity_links)`;
  const tableTypes = (await engine.query<{ type: string }>(sql`SELECT DISTINCT type FROM ${occurrences} AS o WHERE type IS NOT NULL`)).map((r) => r.type);
  const phoneTypes = tableTypes.filter((t) => identityType(t) === 'phone');
  const known = tableTypes.filter((t) => identityType(t) !== null);
  const isOneOf = (column: Sql, values: readonly string[]): Sql => (values.length === 0 ? sql`1 = 0` : sql`${column} IN (${sql.join(values.map((v) => sql`${v}`))})`);
  // The country an identifier is read in: the record's for a phone, '' otherwise (not NULL: joined on).
  const phoneCountry = sql`CASE WHEN ${isOneOf(sql`o.type`, phoneTypes)} THEN coalesce(n.country, '') ELSE '' END`;
  await table(
    SCRATCH.raw,
    d.numberRows(
      sql`SELECT DISTINCT o.type AS raw_type, o.value AS raw_value, ${phoneCountry} AS raw_country FROM ${occurrences} AS o JOIN ${id(SCRATCH.nodes)} AS n ON n.node_id = o.node_id
        WHERE o.value IS NOT NULL AND ${isOneOf(sql`o.type`, known)}`,
      sql`raw_type, raw_value, raw_country`,
      'k',
    ),
  );
  await engine.exec(d.createTable({ name: SCRATCH.norm, doc: '', key: [], columns: [
    { name: 'k', type: 'int', required: true, doc: '' },
    { name: 'type_idx', type: 'int', required: true, doc: '' },
    { name: 'value', type: 'string', required: false, doc: '' },
  ] }));
  const normaliser = new IdentifierNormaliser(config);
  const typeIndex = new Map<string, number>(tableTypes.map((t) => [t, typeNames.indexOf(identityType(t) as string)]));
  // Only the identifiers that normalise to another text are kept (with their number), appended
  // once the read is over: a DuckDB connection streams one result at a time.
  const normK: number[] = [];
  const normType: number[] = [];
  const normValue: (string | null)[] = [];
  for await (const [rawK = [], rawTypes = [], rawValues = [], rawCountries = []] of queryBatches(
    engine,
    sql`SELECT CAST(k AS INTEGER) AS k, raw_type, raw_value, raw_country FROM ${id(SCRATCH.raw)} ORDER BY k`,
    ['k', 'raw_type', 'raw_value', 'raw_country'],
    chunkRows,
  )) {
    for (let i = 0; i < rawK.length; i++) {
      const tableType = rawTypes[i] as string;
      const raw = String(rawValues[i]);
      const country = rawCountries[i] as string | null;
      const value = normaliser.normalise(identityType(tableType) as IdentityType, raw, country === '' ? null : country);
      if (value === null) continue;
      normK.push(Number(rawK[i]));
      normType.push(typeIndex.get(tableType) as number);
      normValue.push(value === raw ? null : value);
    }
  }
  await appendColumns(engine, SCRATCH.norm, [
    { name: 'k', type: 'int', values: normK },
    { name: 'type_idx', type: 'int', values: normType },
    { name: 'value', type: 'string', nullable: true, values: normValue },
  ]);

  // Occurrences: identifiers in (node_id, type, raw value) order, then each match key's in node order.
  // Sorted on the integers that stand for those strings (node_index follows node_id, the raw
  // value's k follows type and value): the same order as the strings', for a fraction of the sort.
  // Each join in its own SELECT (ClickHouse 18.16). The joins on the raw values are cut in hash
  // buckets where the engine holds a join's right-hand side in memory (ClickHouse: 3 GB for them
  // in one statement at 1M records): each raw value with its normalised form (by its number),
  // then each occurrence with that (by the value). Numbered after, alone: a sort spills to disk
  // where a join does not. The number cast to one type on both sides, so that equal numbers hash alike.
  const bigint = (expression: Sql): Sql => sql`CAST(${expression} AS ${sql.raw(d.columnType('int', false))})`;
  const normBuckets = await joinBuckets(engine, id(SCRATCH.norm), { textColumns: ['value'], columns: 3, forced: options.joinBuckets });
  await replaceTableInBuckets(
    engine,
    SCRATCH.rawNorm,
    normBuckets,
    (inBucket) => sql`SELECT w.k AS raw_k, w.raw_type AS raw_type, w.raw_value AS raw_value, w.raw_country AS raw_country,
        r.type_idx AS norm_type_idx, r.value AS norm_value
      FROM (SELECT * FROM ${id(SCRATCH.raw)} WHERE ${inBucket(bigint(sql`k`))}) AS w
      JOIN (SELECT * FROM ${id(SCRATCH.norm)} WHERE ${inBucket(bigint(sql`k`))}) AS r ON r.k = w.k`,
  );
  const located = (inBucket: (key: Sql) => Sql): Sql => sql`SELECT n.node_index AS node_index, o.type AS occ_type, o.value AS occ_value, o.source AS occ_source,
      o.first_seen_at AS occ_seen_at, ${phoneCountry} AS occ_country
    FROM (SELECT * FROM ${occurrences} AS all_occ WHERE ${inBucket(sql`value`)}) AS o JOIN ${id(SCRATCH.nodes)} AS n ON n.node_id = o.node_id`;
  const carried = (alias: string, columns: readonly string[]): Sql => sql.join(columns.map((c) => sql`${id(alias)}.${id(c)} AS ${id(c)}`));
  const occColumns = ['node_index', 'occ_type', 'occ_value', 'occ_source', 'occ_seen_at'];
  const rawBuckets = await joinBuckets(engine, id(SCRATCH.rawNorm), {
    textColumns: ['raw_type', 'raw_value', 'raw_country', 'norm_value'],
    columns: 6,
    forced: options.joinBuckets,
  });
  await replaceTableInBuckets(
    engine,
    SCRATCH.occRows,
    rawBuckets,
    (inBucket) => sql`SELECT ${carried('z', occColumns)}, w.raw_k AS raw_k, w.norm_type_idx AS norm_type_idx, w.norm_value AS norm_value FROM (${located(inBucket)}) AS z
      JOIN (SELECT * FROM ${id(SCRATCH.rawNorm)} WHERE ${inBucket(sql`raw_value`)}) AS w
        ON w.raw_type = z.occ_type AND w.raw_value = z.occ_value AND w.raw_country = z.occ_country`,
  );
  const identifierRows = sql`SELECT ${carried('x', [...occColumns, 'raw_k', 'norm_value'])}, t.type AS graph_type, t.ns AS graph_ns FROM ${id(SCRATCH.occRows)} AS x
    JOIN ${id(SCRATCH.types)} AS t ON t.type_idx = x.norm_type_idx`;
  const int = (expression: Sql): Sql => sql`CAST(${expression} AS ${sql.raw(d.columnType('int', false))})`;
  const matchKeyOcc = config.matchKeys.map((key, m) => {
    const type = matchKeyType(key);
    const joined = sql.join(key.map((a) => sql`${id(`c_${a}`)}`), " || '|' || ");
    return sql`SELECT ${int(sql`${m + 1}`)} * 1000000000000 + ${int(sql`node_index`)} AS pos, ${int(sql`node_index`)} AS node_index, ${type} AS type, ${type} AS ns,
      ${joined} AS value, ${joined} AS raw, source, first_seen_at FROM ${id(SCRATCH.nodes)} WHERE ${sql.join(key.map((a) => sql`${id(`c_${a}`)} IS NOT NULL`), ' AND ')}`;
  });
  const identifierOcc = d.numberRows(identifierRows, sql`node_index, raw_k, occ_source, occ_seen_at`, 'occ_pos');
  await table(
    SCRATCH.occ,
    sql`SELECT ${int(sql`occ_pos`)} AS pos, ${int(sql`node_index`)} AS node_index, graph_type AS type, graph_ns AS ns,
        coalesce(norm_value, occ_value) AS value, occ_value AS raw, occ_source AS source, occ_seen_at AS first_seen_at
      FROM (${identifierOcc}) AS identifier_occ
      ${sql.join(matchKeyOcc.map((q) => sql`UNION ALL ${q}`), ' ')}`,
  );
  await dropTables(engine, [SCRATCH.rawNorm, SCRATCH.occRows]);

  // Blocks: a few rows, keyed in JS as the graph keys values.
  const blockNs: string[] = [];
  const blockValue: string[] = [];
  for (const block of await engine.query<{ type: string; value: string }>(sql`SELECT type, value FROM identity_blocks`)) {
    const type = identityType(block.type);
    blockNs.push(type === null ? block.type : config.userIdTypes.includes(type) ? 'userId' : type);
    blockValue.push(block.value);
  }
  await loadTable(engine, SCRATCH.blocked, [
    { name: 'ns', type: 'string', values: blockNs },
    { name: 'value', type: 'string', values: blockValue },
  ]);

  // Values, numbered by first occurrence; then each occurrence gets its value's number (one join on strings).
  const valuesNumbered = d.numberRows(
    sql`SELECT ns AS value_ns, value AS value_text, min(pos) AS first_pos, ${d.argMin(sql`type`, sql`pos`)} AS first_type FROM ${id(SCRATCH.occ)} GROUP BY ns, value`,
    sql`first_pos`,
    'value_index',
  );
  await table(
    SCRATCH.values,
    sql`SELECT v.value_index AS value_index, v.value_ns AS ns, v.value_text AS value, v.first_type AS type, t.type_idx AS type_idx
      FROM (${valuesNumbered}) AS v JOIN ${id(SCRATCH.types)} AS t ON t.type = v.first_type`,
  );
  // Named apart inside (18.16 would read v.value as the alias `value`), renamed outside. In hash
  // buckets of the value where joins do not spill, as above.
  const valueBuckets = await joinBuckets(engine, id(SCRATCH.values), { textColumns: ['ns', 'value', 'type'], columns: 5, forced: options.joinBuckets });
  await replaceTableInBuckets(
    engine,
    SCRATCH.occValues,
    valueBuckets,
    (inBucket) => sql`SELECT pos, node_index, value_index, occ_type AS type, occ_text AS value, occ_raw AS raw, occ_source AS source, occ_seen_at AS first_seen_at
      FROM (SELECT o.pos AS pos, o.node_index AS node_index, v.value_index AS value_index, o.type AS occ_type, o.value AS occ_text, o.raw AS occ_raw,
          o.source AS occ_source, o.first_seen_at AS occ_seen_at
        FROM (SELECT * FROM ${id(SCRATCH.occ)} WHERE ${inBucket(sql`value`)}) AS o
        JOIN (SELECT * FROM ${id(SCRATCH.values)} WHERE ${inBucket(sql`value`)}) AS v ON v.ns = o.ns AND v.value = o.value) AS occ_joined`,
  );
  await engine.exec(sql`DROP TABLE ${id(SCRATCH.occ)}`);
  // A match key's expected chance holders (Fellegi-Sunter u): (holders - 1) x the product of its values' shares.
  // Each node's shares are joined once, in a chain of LEFT JOINs from the nodes: joined with every
  // share table at once, DuckDB could pick a join order that multiplies the street addresses'
  // shares by another attribute's before reaching the nodes (minutes at 100k records). The
  // totals are read first and bound as values (what a window sum over the groups gave).
  const keyAttributes = MATCH_ATTRIBUTES.filter((a) => config.matchKeys.some((key) => key.includes(a)));
  const countNodes = async (attributesHeld: readonly string[]): Promise<number> => {
    const [row] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${id(SCRATCH.nodes)} WHERE ${sql.join(attributesHeld.map((a) => sql`${id(`c_${a}`)} IS NOT NULL`), ' AND ')}`);
    return Number(row?.n ?? 0);
  };
  if (keyAttributes.length > 0) {
    for (const a of keyAttributes) {
      const total = await countNodes([a]);
      await table(
        SCRATCH.shareOf(a),
        sql`SELECT ${id(`c_${a}`)} AS share_code, CAST(count(*) AS DOUBLE) / CAST(${total} AS DOUBLE) AS share
          FROM ${id(SCRATCH.nodes)} WHERE ${id(`c_${a}`)} IS NOT NULL GROUP BY ${id(`c_${a}`)}`,
      );
    }
    await replaceTableByJoins(engine, SCRATCH.shares, {
      from: sql`(SELECT node_index, ${sql.join(keyAttributes.map((a) => id(`c_${a}`)))} FROM ${id(SCRATCH.nodes)})`,
      columns: sql`base.node_index AS node_index, ${sql.join(keyAttributes.map((a) => sql`base.${id(`c_${a}`)} AS ${id(`c_${a}`)}`))}`,
      joins: keyAttributes.map((a) => ({
        table: SCRATCH.shareOf(a),
        alias: `t_${a}`,
        on: sql`${id(`t_${a}`)}.share_code = base.${id(`c_${a}`)}`,
        columns: sql`${id(`t_${a}`)}.share AS ${id(`s_${a}`)}`,
      })),
    });
  }
  const expected: Sql[] = [];
  for (const key of config.matchKeys) {
    const holders = await countNodes(key);
    expected.push(sql`SELECT o.value_index AS value_index, min((CAST(${holders} AS DOUBLE) - 1) * (${sql.join(key.map((a) => sql`s.${id(`s_${a}`)}`), ' * ')})) AS expected
      FROM ${id(SCRATCH.occValues)} AS o JOIN ${id(SCRATCH.shares)} AS s ON s.node_index = o.node_index
      WHERE o.type = ${matchKeyType(key)} GROUP BY o.value_index`);
  }
  await table(
    SCRATCH.expected,
    expected.length === 0 ? sql`SELECT ${int(sql`-1`)} AS value_index, CAST(0 AS DOUBLE) AS expected WHERE 1 = 0` : sql.join(expected, ' UNION ALL '),
  );
  await table(SCRATCH.blockedSet, sql`SELECT DISTINCT ns AS blocked_ns, value AS blocked_value, 1 AS is_blocked FROM ${id(SCRATCH.blocked)}`);
  const valueFacts = await joinedRows(engine, SCRATCH.valueFacts, {
    from: id(SCRATCH.values),
    columns: sql`base.value_index AS value_index, base.type_idx AS type_idx, base.ns AS ns, base.value AS value`,
    joins: [
      { table: SCRATCH.expected, alias: 'e', on: sql`e.value_index = base.value_index`, columns: sql`e.expected AS value_expected` },
      { table: SCRATCH.blockedSet, alias: 'b', on: sql`b.blocked_ns = base.ns AND b.blocked_value = base.value`, columns: sql`b.is_blocked AS value_blocked` },
    ],
  });
  const [valueTypeIdx, valueExpected, valueBlocked] = await queryColumns(
    engine,
    sql`SELECT CAST(type_idx AS INTEGER) AS type_idx, CAST(coalesce(value_expected, 0) AS DOUBLE) AS expected, CAST(coalesce(value_blocked, 0) AS INTEGER) AS blocked
      FROM ${valueFacts} AS value_facts ORDER BY value_index`,
    ['type_idx', 'expected', 'blocked'],
    chunkRows,
  );
  const typeIdx = ints(valueTypeIdx);
  const valueTypes = Array.from(typeIdx, (t) => typeNames[t] as string);
  const [occNode, occValue] = await queryColumns(
    engine,
    sql`SELECT CAST(node_index AS INTEGER) AS node_index, CAST(value_index AS INTEGER) AS value_index FROM ${id(SCRATCH.occValues)} ORDER BY pos`,
    ['node_index', 'value_index'],
    chunkRows,
  );

  // Ids handed out, ranked as the naming prefers them: oldest first, then the smaller id.
  await table(
    SCRATCH.issued,
    sql`SELECT issued_rank, issued_person AS person_id, issued_node AS node_index FROM (${d.numberRows(
      sql`SELECT p.person_id AS issued_person, n.node_index AS issued_node, ${d.epochMs(sql`p.issued_at`)} AS issued_ms
        FROM person_ids AS p JOIN ${id(SCRATCH.nodes)} AS n ON n.node_id = p.node_id`,
      sql`issued_ms, issued_person`,
      'issued_rank',
    )}) AS ranked`,
  );
  const [issuedNode] = await queryColumns(engine, sql`SELECT CAST(node_index AS INTEGER) AS node_index FROM ${id(SCRATCH.issued)} ORDER BY issued_rank`, ['node_index'], chunkRows);

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
