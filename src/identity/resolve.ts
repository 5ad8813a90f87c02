/**
 * Complete identity resolution: the whole graph read, merged by the rules and written back
 * (nodes, identifiers, merge log, ids handed out, redirects, customer_persons, golden records).
 */
import type { Config } from '../config/index.js';
import type { IdentityConfig } from '../config/identity-config.js';
import { replaceTable } from '../pipeline/tables.js';
import { sql, type Engine } from '../store/index.js';
import { appendColumns } from './bulk.js';
import { resolveGraph, VALUE_OVER_SHARED, type GraphResult, type GraphRules } from './graph.js';
import { loadGraph, matchKeyType, type LoadedGraph } from './load.js';
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
  await writeResolution(engine, graph, result, now);
  await writeProfiles(engine, settings);
  const t3 = performance.now();
  let overShared = 0;
  for (const status of result.valueStatus) if (status === VALUE_OVER_SHARED) overShared++;
  const merges = result.decisions.filter((d) => d.merged).length;
  return {
    nodes: graph.nodeIds.length,
    identifiers: graph.occNode.length,
    persons: result.personIds.length,
    merges,
    refused: result.decisions.length - merges,
    overShared,
    seconds: { load: (t1 - t0) / 1000, merge: (t2 - t1) / 1000, write: (t3 - t2) / 1000 },
  };
}

const STATUS = ['linked', 'over_shared', 'blocked', 'ambiguous'] as const;

async function writeResolution(engine: Engine, graph: LoadedGraph, result: GraphResult, now: Date): Promise<void> {
  const personOf = (node: number): string => result.personIds[result.personOfNode[node] as number] as string;
  for (const table of ['identity_nodes', 'person_identifiers', 'identity_merges', 'person_redirects']) {
    await engine.exec(sql`DELETE FROM ${sql.id(table)}`);
  }
  const n = graph.nodeIds.length;
  const nodePersons = Array.from({ length: n }, (_, i) => personOf(i));
  await appendColumns(engine, 'identity_nodes', [
    { name: 'node_id', type: 'string', values: graph.nodeIds },
    { name: 'kind', type: 'string', values: graph.nodeKinds },
    { name: 'source', type: 'string', values: graph.nodeSources },
    { name: 'first_seen_at', type: 'timestamp', values: Array.from(graph.nodeFirstSeen, (t) => (Number.isNaN(t) ? null : t)) },
    { name: 'person_id', type: 'string', values: nodePersons },
    { name: 'survivor_rank', type: 'int', values: graph.survivorRank },
  ]);

  const occ = graph.occNode.length;
  const status = Array.from({ length: occ }, (_, i) => STATUS[result.valueStatus[graph.occValue[i] as number] as number] ?? 'linked');
  await appendColumns(engine, 'person_identifiers', [
    { name: 'person_id', type: 'string', values: Array.from(graph.occNode, (node) => nodePersons[node] ?? null) },
    { name: 'node_id', type: 'string', values: Array.from(graph.occNode, (node) => graph.nodeIds[node] ?? null) },
    { name: 'type', type: 'string', values: graph.occTypes },
    { name: 'value', type: 'string', values: Array.from(graph.occValue, (v) => graph.valueTexts[v] ?? null) },
    { name: 'raw_value', type: 'string', values: graph.occRaw },
    { name: 'source', type: 'string', values: graph.occSource },
    { name: 'first_seen_at', type: 'timestamp', values: graph.occSeenAt },
    { name: 'status', type: 'string', values: status },
  ]);

  await appendMerges(engine, graph, result, now);

  const newIds = result.newIds;
  await appendColumns(engine, 'person_ids', [
    { name: 'person_id', type: 'string', values: newIds.map((x) => x.personId) },
    { name: 'node_id', type: 'string', values: newIds.map((x) => graph.nodeIds[x.node] ?? null) },
    { name: 'issued_at', type: 'timestamp', values: newIds.map(() => now) },
  ]);
  await appendColumns(engine, 'person_redirects', [
    { name: 'old_id', type: 'string', values: result.redirects.map((r) => r.oldId) },
    { name: 'person_id', type: 'string', values: result.redirects.map((r) => r.personId) },
    { name: 'at', type: 'timestamp', values: result.redirects.map(() => now) },
  ]);
  await replaceTable(engine, 'customer_persons', sql`SELECT node_id AS customer_id, person_id FROM identity_nodes WHERE kind = 'record'`);
}

/** Where and when each side saw the value: the sources of both, and the later of their first sightings. */
async function appendMerges(engine: Engine, graph: LoadedGraph, result: GraphResult, now: Date): Promise<void> {
  const sighting = new Map<string, number>();
  for (let i = 0; i < graph.occNode.length; i++) {
    const key = `${graph.occNode[i]}:${graph.occValue[i]}`;
    if (!sighting.has(key)) sighting.set(key, i);
  }
  const seen = (node: number, value: number): number => sighting.get(`${node}:${value}`) ?? -1;
  const rows = result.decisions;
  const sources = rows.map((d) => {
    const a = graph.occSource[seen(d.node, d.value)] ?? graph.nodeSources[d.node] ?? '?';
    const b = graph.occSource[seen(d.joined, d.value)] ?? graph.nodeSources[d.joined] ?? '?';
    return `${a} / ${b}`;
  });
  const seenAt = rows.map((d) => {
    const a = graph.occSeenAt[seen(d.node, d.value)]?.getTime() ?? NaN;
    const b = graph.occSeenAt[seen(d.joined, d.value)]?.getTime() ?? NaN;
    const later = Math.max(Number.isNaN(a) ? -Infinity : a, Number.isNaN(b) ? -Infinity : b);
    return Number.isFinite(later) ? later : null;
  });
  await appendColumns(engine, 'identity_merges', [
    { name: 'person_id', type: 'string', values: rows.map((d) => result.personIds[result.personOfNode[d.merged ? d.joined : d.node] as number] ?? null) },
    { name: 'node_id', type: 'string', values: rows.map((d) => graph.nodeIds[d.node] ?? null) },
    { name: 'joined_node_id', type: 'string', values: rows.map((d) => graph.nodeIds[d.joined] ?? null) },
    { name: 'type', type: 'string', values: rows.map((d) => graph.valueTypes[d.value] ?? null) },
    { name: 'value', type: 'string', values: rows.map((d) => graph.valueTexts[d.value] ?? null) },
    { name: 'source', type: 'string', values: sources },
    { name: 'seen_at', type: 'timestamp', values: seenAt },
    { name: 'status', type: 'string', values: rows.map((d) => (d.merged ? 'merged' : 'refused')) },
    { name: 'reason', type: 'string', values: rows.map((d) => d.reason) },
    { name: 'recorded_at', type: 'timestamp', values: rows.map(() => now) },
  ]);
}
