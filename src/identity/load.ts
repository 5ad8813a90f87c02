/**
 * Reads the identity graph from the store: nodes (customer records and event links), their
 * normalised identifiers, the ids handed out and the blocks left by splits.
 */
import { IDENTITY_TYPES, MATCH_ATTRIBUTES, type IdentityConfig, type IdentityType } from '../config/identity-config.js';
import { sql, type Engine } from '../store/index.js';
import { readColumns } from './bulk.js';
import type { GraphInput, IssuedId } from './graph.js';
import { IdentifierNormaliser, TABLE_TYPES } from './normalise.js';

type Attribute = (typeof MATCH_ATTRIBUTES)[number];

export interface LoadedGraph extends GraphInput {
  readonly nodeKinds: readonly ('record' | 'link')[];
  readonly nodeSources: readonly (string | null)[];
  /** Survivorship order of each node's declared values (higher wins). */
  readonly survivorRank: Int32Array;
  readonly valueTexts: readonly string[];
  /** Per occurrence: its own type (an identifier type or a match key's name), raw value, source and first sighting. */
  readonly occTypes: readonly string[];
  readonly occRaw: readonly string[];
  readonly occSource: readonly (string | null)[];
  readonly occSeenAt: readonly (Date | null)[];
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

/** Names compared without case, accents or punctuation ("Éloïse" = "ELOISE"); other attributes trimmed, upper-cased, spaces removed. */
export function attributeCode(attribute: Attribute, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
  if (attribute !== 'first_name' && attribute !== 'last_name' && attribute !== 'city') return text.replace(/\s+/g, '').toUpperCase() || null;
  const letters = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');
  return letters === '' ? null : letters;
}

export async function loadGraph(engine: Engine, config: IdentityConfig): Promise<LoadedGraph> {
  const attributeNames = config.conflicts.attributes;
  const nodeColumns = await readColumns(
    engine,
    sql`SELECT node_id, kind, source, first_seen_at, updated_at, country, ${sql.join(MATCH_ATTRIBUTES.map((a) => sql.id(a)))} FROM (
      SELECT customer_id AS node_id, 'record' AS kind, source, coalesce(signup_at, updated_at) AS first_seen_at,
        coalesce(updated_at, signup_at) AS updated_at, country, ${sql.join(MATCH_ATTRIBUTES.map((a) => sql.id(a)))} FROM customers
      UNION ALL
      SELECT link_id AS node_id, 'link' AS kind, min(source) AS source, min(seen_at) AS first_seen_at, max(seen_at) AS updated_at,
        NULL AS country, ${sql.join(MATCH_ATTRIBUTES.map((a) => sql`NULL AS ${sql.id(a)}`))} FROM identity_links GROUP BY link_id) AS nodes
      ORDER BY node_id`,
    ['node_id', 'kind', 'source', 'first_seen_at', 'updated_at', 'country', ...MATCH_ATTRIBUTES],
  );
  const [ids = [], kinds = [], sources = [], firstSeen = [], updated = [], countries = [], ...attributeColumns] = nodeColumns;
  const codeColumn = (name: Attribute): (string | null)[] => (attributeColumns[MATCH_ATTRIBUTES.indexOf(name)] ?? []).map((v) => attributeCode(name, v));
  const codes = new Map<Attribute, (string | null)[]>(MATCH_ATTRIBUTES.map((a) => [a, codeColumn(a)]));
  const sourceCodes = new Map<string, number>();
  const nodeSourceCodes = Int32Array.from(sources, (s) => {
    const key = String(s);
    let c = sourceCodes.get(key);
    if (c === undefined) sourceCodes.set(key, (c = sourceCodes.size));
    return c;
  });
  const nodeIds = ids.map(String);
  const nodeIndex = new Map<string, number>();
  nodeIds.forEach((id, i) => nodeIndex.set(id, i));
  const nodeFirstSeen = Float64Array.from(firstSeen, (t) => (t instanceof Date ? t.getTime() : NaN));
  const attributes = attributeNames.map((name) => {
    const seen = new Map<string, number>();
    return Int32Array.from(codes.get(name) ?? [], (code) => {
      if (code === null) return -1;
      let c = seen.get(code);
      if (c === undefined) seen.set(code, (c = seen.size));
      return c;
    });
  });

  const [occNodeIds = [], occTypeNames = [], occValues = [], occSources = [], occSeen = []] = await readColumns(
    engine,
    sql`SELECT node_id, type, value, source, first_seen_at FROM (
      SELECT customer_id AS node_id, type, value, source, first_seen_at FROM identifiers
      UNION ALL
      SELECT link_id AS node_id, type, value, source, seen_at AS first_seen_at FROM identity_links) AS occurrences
      ORDER BY node_id, type, value`,
    ['node_id', 'type', 'value', 'source', 'first_seen_at'],
  );
  const normaliser = new IdentifierNormaliser(config);
  const keys = new Map<string, number>();
  const valueTypes: string[] = [];
  const valueTexts: string[] = [];
  const occNode: number[] = [];
  const occValue: number[] = [];
  const occTypes: string[] = [];
  const occRaw: string[] = [];
  const occSource: (string | null)[] = [];
  const occSeenAt: (Date | null)[] = [];
  for (let i = 0; i < occNodeIds.length; i++) {
    const node = nodeIndex.get(String(occNodeIds[i]));
    const type = identityType(String(occTypeNames[i]));
    if (node === undefined || type === null) continue;
    const raw = occValues[i] === null || occValues[i] === undefined ? null : String(occValues[i]);
    const value = normaliser.normalise(type, raw, countries[node] as string | null);
    if (value === null || raw === null) continue;
    const key = valueKey(type, value, config);
    let v = keys.get(key);
    if (v === undefined) {
      keys.set(key, (v = valueTypes.length));
      valueTypes.push(type);
      valueTexts.push(value);
    }
    occNode.push(node);
    occValue.push(v);
    occTypes.push(type);
    occRaw.push(raw);
    occSource.push(occSources[i] === null || occSources[i] === undefined ? null : String(occSources[i]));
    const seenAt = occSeen[i];
    occSeenAt.push(seenAt instanceof Date ? seenAt : null);
  }

  // Match keys: one value per record declaring every attribute of the key.
  const expected: number[] = [];
  const shares = new Map<Attribute, (code: string) => number>();
  for (const attributes of config.matchKeys) {
    const type = matchKeyType(attributes);
    const columns = attributes.map((a) => codes.get(a) ?? []);
    const share = attributes.map((a) => {
      let f = shares.get(a);
      if (!f) shares.set(a, (f = shareOf(codes.get(a) ?? [])));
      return f;
    });
    let holders = 0;
    for (let node = 0; node < nodeIds.length; node++) if (columns.every((c) => c[node] !== null && c[node] !== undefined)) holders++;
    for (let node = 0; node < nodeIds.length; node++) {
      const parts = columns.map((c) => c[node] ?? null);
      if (parts.some((p) => p === null)) continue;
      const value = parts.join('|');
      const key = `${type}\u0001${value}`;
      let v = keys.get(key);
      if (v === undefined) {
        keys.set(key, (v = valueTypes.length));
        valueTypes.push(type);
        valueTexts.push(value);
        expected[v] = (holders - 1) * share.reduce((product, f, k) => product * f(parts[k] as string), 1);
      }
      occNode.push(node);
      occValue.push(v);
      occTypes.push(type);
      occRaw.push(value);
      occSource.push(sources[node] === null || sources[node] === undefined ? null : String(sources[node]));
      const t = nodeFirstSeen[node] as number;
      occSeenAt.push(Number.isNaN(t) ? null : new Date(t));
    }
  }

  const valueBlocked = new Uint8Array(valueTypes.length);
  const valueExpected = Float64Array.from({ length: valueTypes.length }, (_, v) => expected[v] ?? 0);
  for (const block of await engine.query<{ type: string; value: string }>(sql`SELECT type, value FROM identity_blocks`)) {
    const type = identityType(block.type);
    const v = keys.get(type === null ? `${block.type}\u0001${block.value}` : valueKey(type, block.value, config));
    if (v !== undefined) valueBlocked[v] = 1;
  }
  const issued: IssuedId[] = [];
  for (const row of await engine.query<{ person_id: string; node_id: string; issued_at: Date }>(sql`SELECT person_id, node_id, issued_at FROM person_ids`)) {
    const node = nodeIndex.get(row.node_id);
    if (node !== undefined) issued.push({ personId: row.person_id, node, issuedAt: row.issued_at.getTime() });
  }
  return {
    nodeIds,
    survivorRank: survivorRanks(sources, updated, config.survivorship.sourcePriority),
    nodeKinds: kinds.map((k) => (k === 'link' ? 'link' : 'record')),
    nodeSources: sources.map((s) => (typeof s === 'string' ? s : null)),
    nodeFirstSeen,
    nodeSourceCodes,
    attributes,
    valueTypes,
    valueTexts,
    valueBlocked,
    valueExpected,
    occNode: Int32Array.from(occNode),
    occValue: Int32Array.from(occValue),
    occTypes,
    occRaw,
    occSource,
    occSeenAt,
    issued,
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

/** The share of the records declaring an attribute that declare each value. */
function shareOf(codes: readonly (string | null)[]): (code: string) => number {
  const counts = new Map<string, number>();
  let declared = 0;
  for (const code of codes) {
    if (code === null) continue;
    declared++;
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return (code) => (declared === 0 ? 0 : (counts.get(code) ?? 0) / declared);
}
