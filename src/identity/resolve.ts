/**
 * Complete identity resolution: the whole graph read, merged by the rules and written back
 * (nodes, identifiers, merge log, ids handed out, redirects, customer_persons, golden records).
 */
import type { Config } from '../config/index.js';
import type { IdentityConfig } from '../config/identity-config.js';
import { replaceTable } from '../kernel/index.js';
import { sql, type Engine, type Sql } from '../store/index.js';
import { loadIntTable, loadTable } from './bulk.js';
import { resolveGraph, VALUE_OVER_SHARED, type GraphResult, type GraphRules, type LinkDecision } from './graph.js';
import { dropScratch, loadGraph, matchKeyType, SCRATCH, type LoadOptions } from './load.js';
import { writeProfiles } from './profiles.js';
import { joinedRows } from './joined.js';
import { IDENTITY_TABLES } from './tables.js';

export interface ResolutionReport {
  readonly nodes: number;
  readonly identifiers: number;
  readonly persons: number;
  readonly merges: number;
  readonly refused: number;
  readonly overShared: number;
  readonly seconds: { readonly load: number; readonly merge: number; readonly write: number };
}

/** The identity settings of a configuration (defaults when the file has no `identity` section). */
export function identitySettings(config: Config): IdentityConfig {
  return config.identity;
}

export function graphRules(config: IdentityConfig): GraphRules {
  return {
    trustOrder: config.trustOrder,
    matchKeyTypes: config.matchKeys.map(matchKeyType),
    maxExpectedMatches: config.maxExpectedMatches,
    maxPersonsPerValue: config.maxPersonsPerValue,
    userIdTypes: config.userIdTypes,
    conflictTypes: config.conflicts.types,
    attributeNames: config.conflicts.attributes,
  };
}

export async function resolveIdentities(engine: Engine, config: Config, now = new Date(), options: LoadOptions = {}): Promise<ResolutionReport> {
  const settings = identitySettings(config);
  const t0 = performance.now();
  const graph = await loadGraph(engine, settings, options);
  const t1 = performance.now();
  const result = resolveGraph(graph, graphRules(settings));
  const t2 = performance.now();
  await writeResolution(engine, result, now);
  await dropScratch(engine, settings);
  await writeProfiles(engine, settings);
  const t3 = performance.now();
  let overShared = 0;
  for (const status of result.valueStatus) if (status === VALUE_OVER_SHARED) overShared++;
  const merges = result.decisions.filter((d) => d.merged).length;
  return {
    nodes: graph.nodeCount,
    identifiers: graph.occNode.length,
    persons: result.personIssued.length,
    merges,
    refused: result.decisions.length - merges,
    overShared,
    seconds: { load: (t1 - t0) / 1000, merge: (t2 - t1) / 1000, write: (t3 - t2) / 1000 },
  };
}

const STATUS = ['linked', 'over_shared', 'blocked', 'ambiguous'] as const;

const PERSON_OF = '_identity_scratch_person_of';
const PERSONS = '_identity_scratch_persons';
const STATUSES = '_identity_scratch_status';
const DECISIONS = '_identity_scratch_decisions';
const REASONS = '_identity_scratch_reasons';
const NODE_PERSON_JOINED = '_identity_scratch_node_person_joined';
const NODE_PERSON = '_identity_scratch_node_person';
const IDENTIFIERS_JOINED = '_identity_scratch_identifiers_joined';
const DECIDED = '_identity_scratch_decided';
const SIGHTINGS = '_identity_scratch_sightings';
const MERGES_JOINED = '_identity_scratch_merges_joined';

/**
 * The resolver's answer goes back as integer columns (person of each node, id of each person,
 * status of each value that does not link, decisions); SQL joins them to the scratch tables of
 * loadGraph to write the identity tables, so no string crosses back. One JOIN per SELECT where
 * the engine takes no more (replaceTableByJoins), joined columns named apart (ClickHouse 18.16
 * reads a qualified name as the SELECT alias of that name first); each identity table's rows
 * replaced by dialect.replaceRows (the table made again and filled, without the indexes a DELETE and
 * INSERT would update row by row; on ClickHouse a new table swapped in).
 */
async function writeResolution(engine: Engine, result: GraphResult, now: Date): Promise<void> {
  const id = (name: string): Sql => sql.id(name);
  const replaceRows = async (table: string, rows: Sql): Promise<void> => {
    const spec = IDENTITY_TABLES.find((t) => t.name === table);
    if (!spec) throw new Error(`no identity table ${table}`);
    for (const statement of engine.dialect.replaceRows(spec, rows)) await engine.exec(statement);
  };
  const nodeCount = result.personOfNode.length;
  // Each node with its person's naming (the id kept, or the node named after): one table, no join.
  const issuedRank = new Int32Array(nodeCount);
  const nameNode = new Int32Array(nodeCount);
  for (let i = 0; i < nodeCount; i++) {
    const person = result.personOfNode[i] as number;
    issuedRank[i] = result.personIssued[person] as number;
    nameNode[i] = result.personNode[person] as number;
  }
  await loadIntTable(engine, PERSON_OF, [
    { name: 'node_index', values: Int32Array.from({ length: nodeCount }, (_, i) => i) },
    { name: 'issued_rank', values: issuedRank },
    { name: 'name_node', values: nameNode },
  ]);
  await loadIntTable(engine, PERSONS, [
    { name: 'issued_rank', values: result.personIssued },
    { name: 'name_node', values: result.personNode },
  ]);
  let notLinked = 0;
  for (const status of result.valueStatus) if (status !== 0) notLinked++;
  const statusValue = new Int32Array(notLinked);
  const statusCode = new Int32Array(notLinked);
  for (let v = 0, w = 0; v < result.valueStatus.length; v++) {
    if (result.valueStatus[v] === 0) continue;
    statusValue[w] = v;
    statusCode[w++] = result.valueStatus[v] as number;
  }
  await loadIntTable(engine, STATUSES, [
    { name: 'value_index', values: statusValue },
    { name: 'status', values: statusCode },
  ]);
  const decisions = result.decisions;
  const reasons: string[] = [];
  const reasonCodes = new Map<string, number>();
  const columns = {
    node: new Int32Array(decisions.length),
    joined: new Int32Array(decisions.length),
    value: new Int32Array(decisions.length),
    merged: new Int32Array(decisions.length),
    reason: new Int32Array(decisions.length),
    // Whose person the log names: the joined node's after a merge, the refused holder's otherwise.
    person_node: new Int32Array(decisions.length),
  };
  for (let i = 0; i < decisions.length; i++) {
    const d = decisions[i] as LinkDecision;
    let code = reasonCodes.get(d.reason);
    if (code === undefined) {
      reasonCodes.set(d.reason, (code = reasons.length));
      reasons.push(d.reason);
    }
    columns.node[i] = d.node;
    columns.joined[i] = d.joined;
    columns.value[i] = d.value;
    columns.merged[i] = d.merged ? 1 : 0;
    columns.reason[i] = code;
    columns.person_node[i] = d.merged ? d.joined : d.node;
  }
  await loadIntTable(engine, DECISIONS, Object.entries(columns).map(([name, values]) => ({ name, values })));
  await loadTable(engine, REASONS, [
    { name: 'reason_code', type: 'int', values: reasons.map((_, i) => i) },
    { name: 'reason', type: 'string', values: reasons },
  ]);

  const nodes = SCRATCH.nodes;
  const named = await joinedRows(engine, NODE_PERSON_JOINED, {
    from: id(PERSON_OF),
    columns: sql`base.node_index AS node_index, base.issued_rank AS issued_rank, base.name_node AS name_node`,
    joins: [
      { table: SCRATCH.issued, alias: 'i', on: sql`i.issued_rank = base.issued_rank`, columns: sql`i.person_id AS issued_person_id` },
      { table: nodes, alias: 'named', on: sql`named.node_index = base.name_node`, columns: sql`named.node_id AS named_node_id` },
    ],
  });
  await replaceTable(engine, NODE_PERSON, sql`SELECT node_index, coalesce(issued_person_id, named_node_id) AS node_person_id FROM ${named} AS named_nodes`);
  await replaceRows('identity_nodes', sql`SELECT n.node_id AS node_id, n.kind AS kind, n.source AS source, n.first_seen_at AS first_seen_at,
      np.node_person_id AS person_id, n.survivor_rank AS survivor_rank
    FROM ${id(nodes)} AS n JOIN ${id(NODE_PERSON)} AS np ON np.node_index = n.node_index`);

  const identifiers = await joinedRows(engine, IDENTIFIERS_JOINED, {
    from: id(SCRATCH.occValues),
    columns: sql`base.node_index AS node_index, base.value_index AS value_index, base.type AS type, base.value AS value, base.raw AS raw,
      base.source AS source, base.first_seen_at AS first_seen_at`,
    joins: [
      { table: nodes, alias: 'n', inner: true, on: sql`n.node_index = base.node_index`, columns: sql`n.node_id AS holder_node_id` },
      { table: NODE_PERSON, alias: 'np', inner: true, on: sql`np.node_index = base.node_index`, columns: sql`np.node_person_id AS holder_person_id` },
      { table: STATUSES, alias: 's', on: sql`s.value_index = base.value_index`, columns: sql`s.status AS value_status` },
    ],
  });
  const status = sql`CASE ${sql.join(STATUS.map((name, code) => sql`WHEN coalesce(value_status, 0) = ${code} THEN ${name}`), ' ')} ELSE 'linked' END`;
  await replaceRows('person_identifiers', sql`SELECT holder_person_id AS person_id, holder_node_id AS node_id, type, value, raw AS raw_value, source, first_seen_at,
      ${status} AS status FROM ${identifiers} AS holders`);

  // Where and when each side saw the value: its first occurrence on the node.
  await replaceTable(engine, DECIDED, sql`SELECT DISTINCT node_index, value_index FROM (SELECT node AS node_index, value AS value_index FROM ${id(DECISIONS)}
    UNION ALL SELECT joined AS node_index, value AS value_index FROM ${id(DECISIONS)}) AS sides`);
  await replaceTable(
    engine,
    SIGHTINGS,
    sql`SELECT node_index, value_index, source, first_seen_at FROM ${id(SCRATCH.occValues)}
      WHERE pos IN (SELECT min(o2.pos) FROM ${id(SCRATCH.occValues)} AS o2
        JOIN ${id(DECIDED)} AS d ON d.node_index = o2.node_index AND d.value_index = o2.value_index
        GROUP BY o2.node_index, o2.value_index)`,
  );
  const merges = await joinedRows(engine, MERGES_JOINED, {
    from: id(DECISIONS),
    columns: sql`base.node AS node, base.joined AS joined, base.value AS value, base.merged AS merged, base.reason AS reason, base.person_node AS person_node`,
    joins: [
      { table: nodes, alias: 'na', inner: true, on: sql`na.node_index = base.node`, columns: sql`na.node_id AS na_id, na.source AS na_source` },
      { table: nodes, alias: 'nb', inner: true, on: sql`nb.node_index = base.joined`, columns: sql`nb.node_id AS nb_id, nb.source AS nb_source` },
      { table: NODE_PERSON, alias: 'np', inner: true, on: sql`np.node_index = base.person_node`, columns: sql`np.node_person_id AS merge_person_id` },
      { table: SCRATCH.values, alias: 'v', inner: true, on: sql`v.value_index = base.value`, columns: sql`v.type AS value_type, v.value AS value_text` },
      { table: REASONS, alias: 'r', inner: true, on: sql`r.reason_code = base.reason`, columns: sql`r.reason AS reason_text` },
      { table: SIGHTINGS, alias: 'sa', on: sql`sa.node_index = base.node AND sa.value_index = base.value`, columns: sql`sa.source AS sa_source, sa.first_seen_at AS sa_seen` },
      { table: SIGHTINGS, alias: 'sb', on: sql`sb.node_index = base.joined AND sb.value_index = base.value`, columns: sql`sb.source AS sb_source, sb.first_seen_at AS sb_seen` },
    ],
  });
  await replaceRows('identity_merges', sql`SELECT merge_person_id AS person_id, na_id AS node_id, nb_id AS joined_node_id, value_type AS type, value_text AS value,
      coalesce(sa_source, na_source, '?') || ' / ' || coalesce(sb_source, nb_source, '?') AS source,
      CASE WHEN sa_seen IS NULL THEN sb_seen WHEN sb_seen IS NULL THEN sa_seen WHEN sa_seen > sb_seen THEN sa_seen ELSE sb_seen END AS seen_at,
      CASE WHEN merged = 1 THEN 'merged' ELSE 'refused' END AS status, reason_text AS reason, ${now} AS recorded_at
    FROM ${merges} AS decided`);

  await engine.exec(sql`INSERT INTO person_ids (person_id, node_id, issued_at)
    SELECT n.node_id AS new_person_id, n.node_id AS new_node_id, ${now} AS new_issued_at
    FROM ${id(PERSONS)} AS p JOIN ${id(nodes)} AS n ON n.node_index = p.name_node WHERE p.issued_rank < 0`);
  await replaceRows('person_redirects', sql`SELECT old_id, new_id AS person_id, ${now} AS ${id('at')} FROM (
      SELECT i.person_id AS old_id, np.node_person_id AS new_id FROM ${id(SCRATCH.issued)} AS i
      JOIN ${id(NODE_PERSON)} AS np ON np.node_index = i.node_index) AS moved
    WHERE new_id <> old_id`);
  await replaceTable(engine, 'customer_persons', sql`SELECT node_id AS customer_id, person_id FROM identity_nodes WHERE kind = 'record'`);
  const scratch = [PERSON_OF, PERSONS, STATUSES, DECISIONS, REASONS, NODE_PERSON_JOINED, NODE_PERSON, IDENTIFIERS_JOINED, DECIDED, SIGHTINGS, MERGES_JOINED];
  for (const table of scratch) await engine.exec(sql`DROP TABLE IF EXISTS ${id(table)}`);
}
