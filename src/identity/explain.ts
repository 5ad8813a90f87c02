/**
 * Why a person is one person: his nodes, the chain of links that joined them (each with the
 * identifier, where and when it was seen), the links refused and the identifiers not used.
 */
import { NotFoundError } from '../errors.js';
import { sql, type Engine } from '../store/index.js';

export interface IdentityLink {
  readonly from: string;
  readonly to: string;
  readonly type: string;
  readonly value: string;
  readonly source: string | null;
  readonly seenAt: Date | null;
  readonly reason: string;
}

export interface IdentityExplanation {
  readonly requested: string;
  readonly personId: string;
  /** The requested id was handed out earlier and now redirects here. */
  readonly redirected: boolean;
  readonly nodes: readonly { readonly nodeId: string; readonly kind: string; readonly source: string | null; readonly firstSeenAt: Date | null }[];
  /** Merges in the order of a walk from the person's own node: each joins one more node. */
  readonly chain: readonly IdentityLink[];
  readonly refused: readonly IdentityLink[];
  readonly identifiers: readonly { readonly nodeId: string; readonly type: string; readonly value: string; readonly rawValue: string | null; readonly source: string | null; readonly status: string }[];
}

/** The person an id names now: his own id, an id that redirects, or any of his records or links. */
export async function resolvePersonId(engine: Engine, id: string): Promise<{ personId: string; redirected: boolean }> {
  const [own] = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM identity_nodes WHERE person_id = ${id} LIMIT 1`);
  if (own) return { personId: own.person_id, redirected: false };
  const [redirect] = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM person_redirects WHERE old_id = ${id}`);
  if (redirect) return { personId: redirect.person_id, redirected: true };
  const [node] = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM identity_nodes WHERE node_id = ${id}`);
  if (node) return { personId: node.person_id, redirected: false };
  throw new NotFoundError(`No person, customer record or event link with id ${id} (has \`fidelis run\` resolved identities?)`);
}

type MergeRow = {
  node_id: string;
  joined_node_id: string;
  type: string;
  value: string;
  source: string | null;
  seen_at: Date | null;
  status: string;
  reason: string;
};

export async function explainIdentity(engine: Engine, id: string): Promise<IdentityExplanation> {
  const { personId, redirected } = await resolvePersonId(engine, id);
  const nodes = await engine.query<{ node_id: string; kind: string; source: string | null; first_seen_at: Date | null }>(
    sql`SELECT node_id, kind, source, first_seen_at FROM identity_nodes WHERE person_id = ${personId} ORDER BY first_seen_at, node_id`,
  );
  const merges = await engine.query<MergeRow>(sql`SELECT node_id, joined_node_id, type, value, source, seen_at, status, reason
    FROM identity_merges WHERE person_id = ${personId} OR node_id IN (SELECT node_id FROM identity_nodes WHERE person_id = ${personId})
    OR joined_node_id IN (SELECT node_id FROM identity_nodes WHERE person_id = ${personId}) ORDER BY seen_at, node_id, joined_node_id`);
  const identifiers = await engine.query<{ node_id: string; type: string; value: string; raw_value: string | null; source: string | null; status: string }>(
    sql`SELECT node_id, type, value, raw_value, source, status FROM person_identifiers WHERE person_id = ${personId} ORDER BY type, value, node_id`,
  );
  const toLink = (m: MergeRow, from: string, to: string): IdentityLink => ({
    from, to, type: m.type, value: m.value, source: m.source, seenAt: m.seen_at, reason: m.reason,
  });
  const members = new Set(nodes.map((n) => n.node_id));
  const merged = merges.filter((m) => m.status === 'merged' && members.has(m.node_id) && members.has(m.joined_node_id));
  // A walk from the person's own node over the merge edges (a spanning tree of the person).
  const start = members.has(personId) ? personId : (nodes[0]?.node_id ?? personId);
  const reached = new Set([start]);
  const chain: IdentityLink[] = [];
  let grew = true;
  while (grew) {
    grew = false;
    for (const m of merged) {
      const a = reached.has(m.node_id);
      const b = reached.has(m.joined_node_id);
      if (a === b) continue;
      chain.push(a ? toLink(m, m.node_id, m.joined_node_id) : toLink(m, m.joined_node_id, m.node_id));
      reached.add(a ? m.joined_node_id : m.node_id);
      grew = true;
    }
  }
  return {
    requested: id,
    personId,
    redirected,
    nodes: nodes.map((n) => ({ nodeId: n.node_id, kind: n.kind, source: n.source, firstSeenAt: n.first_seen_at })),
    chain,
    refused: merges.filter((m) => m.status === 'refused').map((m) => toLink(m, m.node_id, m.joined_node_id)),
    identifiers: identifiers.map((i) => ({ nodeId: i.node_id, type: i.type, value: i.value, rawValue: i.raw_value, source: i.source, status: i.status })),
  };
}
