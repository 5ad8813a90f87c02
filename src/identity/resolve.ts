/**
 * Complete identity resolution: the whole graph read, merged by the rules and written back
 * (nodes, identifiers, merge log, ids handed out, redirects, customer_persons, golden records).
 */
import type { Config } from '../config/index.js';
import type { IdentityConfig } from '../config/identity-config.js';
import { replaceTable } from '../kernel/index.js';
import { sql, type Engine, type Sql } from '../store/index.js';
import { appendColumns, loadIntTable } from './bulk.js';
import { resolveGraph, VALUE_OVER_SHARED, type GraphResult, type GraphRules, type LinkDecision } from './graph.js';
import { dropScratch, loadGraph, matchKeyType, SCRATCH } from './load.js';
import { writeProfiles } from './profiles.js';

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

export async function resolveIdentities(engine: Engine, config: Config, now = new Date()): Promise<ResolutionReport> {
  const settings = identitySettings(config);
  const t0 = performance.now();
  const graph = await loadGraph(engine, settings);
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
const NODE_PERSON = '_identity_scratch_node_person';
const SIGHTINGS = '_identity_scratch_sightings';

/**
 * The resolver's answer goes back as integer columns (person of each node, id of each person,
 * status of each value that does not link, decisions); SQL joins them to the scratch tables of
 * loadGraph to write the identity tables, so no string crosses back.
 */
async function writeResolution(engine: Engine, result: GraphResult, now: Date): Promise<void> {
  const id = (name: string): Sql => sql.id(name);
  for (const table of ['identity_nodes', 'person_identifiers', 'identity_merges', 'person_redirects']) {
    await engine.exec(sql`DELETE FROM ${id(table)}`);
  }
  const nodeCount = result.personOfNode.length;
  await loadIntTable(engine, PERSON_OF, [
    { name: 'node_index', values: Int32Array.from({ length: nodeCount }, (_, i) => i) },
    { name: 'person', values: result.personOfNode },
  ]);
  await loadIntTable(engine, PERSONS, [
    { name: 'person', values: Int32Array.from({ length: result.personIssued.length }, (_, i) => i) },
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
  const columns = { node: new Int32Array(decisions.length), joined: new Int32Array(decisions.length), value: new Int32Array(decisions.length), merged: new Int32Array(decisions.length), reason: new Int32Array(decisions.length) };
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
  }
  await loadIntTable(engine, DECISIONS, Object.entries(columns).map(([name, values]) => ({ name, values })));
  await engine.exec(sql`DROP TABLE IF EXISTS ${id(REASONS)}`);
  await engine.exec(sql`CREATE TABLE ${id(REASONS)} (reason_code INTEGER, reason VARCHAR)`);
  await appendColumns(engine, REASONS, [
    { name: 'reason_code', type: 'int', values: reasons.map((_, i) => i) },
    { name: 'reason', type: 'string', values: reasons },
  ]);

  const nodes = id(SCRATCH.nodes);
  await engine.exec(sql`DROP TABLE IF EXISTS ${id(NODE_PERSON)}`);
  await engine.exec(
    engine.dialect.createTableAs(
      NODE_PERSON,
      sql`SELECT o.node_index, coalesce(i.person_id, named.node_id) AS person_id
        FROM ${id(PERSON_OF)} AS o JOIN ${id(PERSONS)} AS p ON p.person = o.person
        LEFT JOIN ${id(SCRATCH.issued)} AS i ON i.issued_rank = p.issued_rank
        LEFT JOIN ${nodes} AS named ON named.node_index = p.name_node`,
    ),
  );
  await engine.exec(sql`INSERT INTO identity_nodes (node_id, kind, source, first_seen_at, person_id, survivor_rank)
    SELECT n.node_id, n.kind, n.source, n.first_seen_at, np.person_id, n.survivor_rank
    FROM ${nodes} AS n JOIN ${id(NODE_PERSON)} AS np ON np.node_index = n.node_index`);
  const status = sql`CASE coalesce(s.status, 0) ${sql.join(STATUS.map((name, code) => sql`WHEN ${code} THEN ${name}`), ' ')} ELSE 'linked' END`;
  await engine.exec(sql`INSERT INTO person_identifiers (person_id, node_id, type, value, raw_value, source, first_seen_at, status)
    SELECT np.person_id, n.node_id, o.type, o.value, o.raw, o.source, o.first_seen_at, ${status}
    FROM ${id(SCRATCH.occValues)} AS o JOIN ${nodes} AS n ON n.node_index = o.node_index
    JOIN ${id(NODE_PERSON)} AS np ON np.node_index = o.node_index
    LEFT JOIN ${id(STATUSES)} AS s ON s.value_index = o.value_index`);

  // Where and when each side saw the value: its first occurrence on the node.
  await engine.exec(sql`DROP TABLE IF EXISTS ${id(SIGHTINGS)}`);
  await engine.exec(
    engine.dialect.createTableAs(
      SIGHTINGS,
      sql`SELECT o.node_index, o.value_index, o.source, o.first_seen_at FROM ${id(SCRATCH.occValues)} AS o
        WHERE o.pos IN (SELECT min(o2.pos) FROM ${id(SCRATCH.occValues)} AS o2
          JOIN (SELECT node AS node_index, value FROM ${id(DECISIONS)} UNION SELECT joined, value FROM ${id(DECISIONS)}) AS d
            ON d.node_index = o2.node_index AND d.value = o2.value_index
          GROUP BY o2.node_index, o2.value_index)`,
    ),
  );
  await engine.exec(sql`INSERT INTO identity_merges (person_id, node_id, joined_node_id, type, value, source, seen_at, status, reason, recorded_at)
    SELECT np.person_id, na.node_id, nb.node_id, v.type, v.value,
      coalesce(sa.source, na.source, '?') || ' / ' || coalesce(sb.source, nb.source, '?'),
      CASE WHEN sa.first_seen_at IS NULL THEN sb.first_seen_at WHEN sb.first_seen_at IS NULL THEN sa.first_seen_at
        WHEN sa.first_seen_at > sb.first_seen_at THEN sa.first_seen_at ELSE sb.first_seen_at END,
      CASE WHEN d.merged = 1 THEN 'merged' ELSE 'refused' END, r.reason, ${now}
    FROM ${id(DECISIONS)} AS d
    JOIN ${nodes} AS na ON na.node_index = d.node JOIN ${nodes} AS nb ON nb.node_index = d.joined
    JOIN ${id(NODE_PERSON)} AS np ON np.node_index = CASE WHEN d.merged = 1 THEN d.joined ELSE d.node END
    JOIN ${id(SCRATCH.values)} AS v ON v.value_index = d.value
    JOIN ${id(REASONS)} AS r ON r.reason_code = d.reason
    LEFT JOIN ${id(SIGHTINGS)} AS sa ON sa.node_index = d.node AND sa.value_index = d.value
    LEFT JOIN ${id(SIGHTINGS)} AS sb ON sb.node_index = d.joined AND sb.value_index = d.value`);

  await engine.exec(sql`INSERT INTO person_ids (person_id, node_id, issued_at)
    SELECT n.node_id, n.node_id, ${now} FROM ${id(PERSONS)} AS p JOIN ${nodes} AS n ON n.node_index = p.name_node WHERE p.issued_rank < 0`);
  await engine.exec(sql`INSERT INTO person_redirects (old_id, person_id, "at")
    SELECT i.person_id, np.person_id, ${now} FROM ${id(SCRATCH.issued)} AS i JOIN ${id(NODE_PERSON)} AS np ON np.node_index = i.node_index
    WHERE np.person_id <> i.person_id`);
  await replaceTable(engine, 'customer_persons', sql`SELECT node_id AS customer_id, person_id FROM identity_nodes WHERE kind = 'record'`);
  for (const table of [PERSON_OF, PERSONS, STATUSES, DECISIONS, REASONS, NODE_PERSON, SIGHTINGS]) await engine.exec(sql`DROP TABLE IF EXISTS ${id(table)}`);
}
