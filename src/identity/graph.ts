/**
 * The identity graph's merge, as a pure function over integer arrays: nodes (customer records,
 * event links) joined by the identifier values they share, with union-find.
 *
 * Why in JS and not as label propagation in SQL: the rules are decisions taken in an order. A link
 * is refused when the two parts it would join already hold two different userIds or declare two
 * different first names, and whether they do depends on the links accepted before it (strongest
 * types first). Min-label propagation joins every connected pair at once and cannot refuse one
 * edge on the state of the components. Over compact Int32Arrays the union-find itself takes well
 * under a second for 1.6M records; reading and writing the rows is what costs (bulk.ts).
 */
import type { IdentityType } from '../config/identity-config.js';

export interface GraphInput {
  /** Nodes (customer records and event links), numbered in the order of their ids. */
  readonly nodeCount: number;
  /** When each node appeared (ms since epoch, NaN when unknown): a new person is named after his oldest node. */
  readonly nodeFirstSeen: Float64Array;
  /** Source system of each node, as a code: match keys are unambiguous when no source repeats. */
  readonly nodeSourceCodes: Int32Array;
  /** Declared attributes that tell people apart, one array per attribute: a code per node, -1 when undeclared. */
  readonly attributes: readonly Int32Array[];
  /** Identifier values: canonical type (an identifier type or a match key's name) and whether a split blocked it. */
  readonly valueTypes: readonly string[];
  readonly valueBlocked: Uint8Array;
  /** Match keys: people expected to hold the value by chance (0 for identifiers). */
  readonly valueExpected: Float64Array;
  /** Occurrences: node i holds value occValue[i]. */
  readonly occNode: Int32Array;
  readonly occValue: Int32Array;
  /**
   * Person ids handed out before, as the node each was named after, in order of preference (the
   * oldest first, then the smaller id): a person keeps the first of his.
   */
  readonly issuedNode: Int32Array;
}

export interface GraphRules {
  readonly trustOrder: readonly IdentityType[];
  /** Match keys' type names, tried after every identifier, in this order. */
  readonly matchKeyTypes: readonly string[];
  /** A match key value expected on more other people than this is too common to link. */
  readonly maxExpectedMatches: number;
  readonly maxPersonsPerValue: Readonly<Record<IdentityType, number>>;
  readonly userIdTypes: readonly IdentityType[];
  /** Types whose links are refused when the two sides declare different attributes (match keys always are). */
  readonly conflictTypes: readonly string[];
  /** Attribute names, in the order of GraphInput.attributes (for the refusal reasons). */
  readonly attributeNames: readonly string[];
}

export const VALUE_LINKED = 0;
export const VALUE_OVER_SHARED = 1;
export const VALUE_BLOCKED = 2;
export const VALUE_AMBIGUOUS = 3;

export interface LinkDecision {
  /** Node already holding the value (in the group it was refused from, for a refusal). */
  readonly node: number;
  readonly joined: number;
  readonly value: number;
  readonly merged: boolean;
  readonly reason: string;
}

export interface GraphResult {
  /** Person index of each node. */
  readonly personOfNode: Int32Array;
  /** Each person's id: the position in issuedNode of the id he keeps, -1 for a new person. */
  readonly personIssued: Int32Array;
  /** A new person's id is his oldest node's (-1 for a person keeping an id handed out). */
  readonly personNode: Int32Array;
  /** VALUE_LINKED, VALUE_OVER_SHARED, VALUE_BLOCKED or VALUE_AMBIGUOUS per value. */
  readonly valueStatus: Uint8Array;
  readonly decisions: readonly LinkDecision[];
}

class UnionFind {
  readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      const grand = p[p[x] as number] as number;
      p[x] = grand;
      x = grand;
    }
    return x;
  }
}

export function resolveGraph(input: GraphInput, rules: GraphRules): GraphResult {
  const n = input.nodeCount;
  const { start, nodes } = groupOccurrences(input);
  const uf = new UnionFind(n);
  const trustOf = trustPositions(rules);
  // State of each component, kept at its root: its userId value (-1 none) and its attributes.
  const userIdOf = new Int32Array(n).fill(-1);
  const userIdTypes = new Set<string>(rules.userIdTypes);
  for (let i = 0; i < input.occNode.length; i++) {
    const v = input.occValue[i] as number;
    if (userIdTypes.has(input.valueTypes[v] as string) && !input.valueBlocked[v]) {
      const node = input.occNode[i] as number;
      if (userIdOf[node] === -1) userIdOf[node] = v;
    }
  }
  const attributes = input.attributes.map((a) => Int32Array.from(a));
  const conflictTypes = new Set([...rules.conflictTypes, ...rules.matchKeyTypes]);
  const matchKeyTypes = new Set(rules.matchKeyTypes);
  const sourceRoot = new Map<number, number>();
  const valueStatus = new Uint8Array(input.valueTypes.length);
  const decisions: LinkDecision[] = [];
  const stamp = new Int32Array(n).fill(-1);

  const conflict = (a: number, b: number, type: string): string | null => {
    const ua = userIdOf[a] as number;
    const ub = userIdOf[b] as number;
    if (ua >= 0 && ub >= 0 && ua !== ub) return 'refused: the two sides hold different userIds';
    if (!conflictTypes.has(type)) return null;
    for (const [k, attribute] of attributes.entries()) {
      const x = attribute[a] as number;
      const y = attribute[b] as number;
      if (x >= 0 && y >= 0 && x !== y) return `refused: the two sides declare different ${rules.attributeNames[k] ?? 'attributes'}`;
    }
    return null;
  };
  const union = (a: number, b: number): void => {
    // The larger index becomes the child: roots stay stable enough for path halving.
    const [root, child] = a < b ? [a, b] : [b, a];
    uf.parent[child] = root;
    if (userIdOf[root] === -1) userIdOf[root] = userIdOf[child] as number;
    for (const attribute of attributes) if (attribute[root] === -1) attribute[root] = attribute[child] as number;
  };

  const trust = (v: number): number => trustOf.get(input.valueTypes[v] as string) ?? 99;
  const order = [...input.valueTypes.keys()].sort((x, y) => trust(x) - trust(y) || x - y);
  let from = 0;
  while (from < order.length) {
    const position = trust(order[from] as number);
    let to = from;
    while (to < order.length && trust(order[to] as number) === position) to++;
    // Persons per value are counted before this type's links, so one person's records count once.
    for (let k = from; k < to; k++) {
      const v = order[k] as number;
      if (input.valueBlocked[v]) {
        valueStatus[v] = VALUE_BLOCKED;
        continue;
      }
      if (matchKeyTypes.has(input.valueTypes[v] as string)) {
        if ((input.valueExpected[v] as number) > rules.maxExpectedMatches || ambiguous(v)) valueStatus[v] = VALUE_AMBIGUOUS;
        continue;
      }
      let persons = 0;
      for (let j = start[v] as number; j < (start[v + 1] as number); j++) {
        const root = uf.find(nodes[j] as number);
        if (stamp[root] !== v) {
          stamp[root] = v;
          persons++;
        }
      }
      if (persons > (rules.maxPersonsPerValue[input.valueTypes[v] as IdentityType] ?? Infinity)) valueStatus[v] = VALUE_OVER_SHARED;
    }
    for (let k = from; k < to; k++) {
      const v = order[k] as number;
      if (valueStatus[v] !== VALUE_LINKED) continue;
      linkValue(v);
    }
    from = to;
  }

  /** A match key held by two records of one source that are not yet one person names two people. */
  function ambiguous(v: number): boolean {
    sourceRoot.clear();
    for (let j = start[v] as number; j < (start[v + 1] as number); j++) {
      const node = nodes[j] as number;
      const root = uf.find(node);
      const source = input.nodeSourceCodes[node] as number;
      const seen = sourceRoot.get(source);
      if (seen !== undefined && seen !== root) return true;
      sourceRoot.set(source, root);
    }
    return false;
  }

  function linkValue(v: number): void {
    const type = input.valueTypes[v] as string;
    // Groups of this value's holders that could be joined; a holder joins the first that accepts it.
    const groups: number[] = [];
    for (let j = start[v] as number; j < (start[v + 1] as number); j++) {
      const node = nodes[j] as number;
      let refusal: string | null = null;
      let refusedBy = -1;
      let joined = false;
      for (const holder of groups) {
        const ra = uf.find(holder);
        const rb = uf.find(node);
        if (ra === rb) {
          joined = true;
          break;
        }
        const why = conflict(ra, rb, type);
        if (why === null) {
          union(ra, rb);
          decisions.push({ node: holder, joined: node, value: v, merged: true, reason: 'shared identifier' });
          joined = true;
          break;
        }
        if (refusal === null) [refusal, refusedBy] = [why, holder];
      }
      if (!joined) {
        groups.push(node);
        if (refusal !== null) decisions.push({ node: refusedBy, joined: node, value: v, merged: false, reason: refusal });
      }
    }
  }

  return namePersons(input, uf, valueStatus, decisions);
}

function trustPositions(rules: GraphRules): Map<string, number> {
  const positions = new Map<string, number>();
  rules.trustOrder.forEach((t, i) => {
    if (!positions.has(t)) positions.set(t, i);
  });
  rules.matchKeyTypes.forEach((t, i) => positions.set(t, 100 + i));
  // The userId types share one namespace, so they share the strongest of their positions.
  const shared = Math.min(...rules.userIdTypes.map((t) => positions.get(t) ?? 99));
  for (const t of rules.userIdTypes) positions.set(t, shared);
  return positions;
}

function groupOccurrences(input: GraphInput): { start: Int32Array; nodes: Int32Array } {
  const values = input.valueTypes.length;
  const start = new Int32Array(values + 1);
  for (let i = 0; i < input.occValue.length; i++) start[(input.occValue[i] as number) + 1]! += 1;
  for (let v = 0; v < values; v++) start[v + 1]! += start[v] as number;
  const cursor = Int32Array.from(start);
  const nodes = new Int32Array(input.occValue.length);
  for (let i = 0; i < input.occValue.length; i++) {
    const v = input.occValue[i] as number;
    nodes[cursor[v]!++] = input.occNode[i] as number;
  }
  // Sorted and deduplicated per value, so the result does not depend on the row order.
  const out = new Int32Array(nodes.length);
  const outStart = new Int32Array(values + 1);
  let w = 0;
  for (let v = 0; v < values; v++) {
    outStart[v] = w;
    const list = nodes.subarray(start[v], start[v + 1]).sort();
    for (let j = 0; j < list.length; j++) if (j === 0 || list[j] !== list[j - 1]) out[w++] = list[j] as number;
  }
  outStart[values] = w;
  return { start: outStart, nodes: out.subarray(0, w) };
}

/** Each component takes its oldest id handed out, else the id of its oldest node; other ids redirect. */
function namePersons(input: GraphInput, uf: UnionFind, valueStatus: Uint8Array, decisions: LinkDecision[]): GraphResult {
  const n = input.nodeCount;
  // issuedNode is in order of preference: the first id met for a component is the one it keeps.
  const chosen = new Int32Array(n).fill(-1);
  for (let rank = 0; rank < input.issuedNode.length; rank++) {
    const node = input.issuedNode[rank] as number;
    if (node < 0 || node >= n) continue;
    const root = uf.find(node);
    if (chosen[root] === -1) chosen[root] = rank;
  }
  const oldest = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const root = uf.find(i);
    const o = oldest[root] as number;
    if (o === -1 || olderNode(input, i, o)) oldest[root] = i;
  }
  const personOfRoot = new Int32Array(n).fill(-1);
  const personIssued: number[] = [];
  const personNode: number[] = [];
  const personOfNode = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const root = uf.find(i);
    let p = personOfRoot[root] as number;
    if (p === -1) {
      p = personIssued.length;
      personOfRoot[root] = p;
      const issued = chosen[root] as number;
      personIssued.push(issued);
      personNode.push(issued === -1 ? (oldest[root] as number) : -1);
    }
    personOfNode[i] = p;
  }
  return { personOfNode, personIssued: Int32Array.from(personIssued), personNode: Int32Array.from(personNode), valueStatus, decisions };
}

/** Older: appeared first (unknown dates last), then the smaller id (nodes are numbered in id order). */
function olderNode(input: GraphInput, a: number, b: number): boolean {
  const ta = input.nodeFirstSeen[a] as number;
  const tb = input.nodeFirstSeen[b] as number;
  if (ta !== tb) {
    if (Number.isNaN(tb)) return !Number.isNaN(ta);
    if (Number.isNaN(ta)) return false;
    return ta < tb;
  }
  return a < b;
}
