/**
 * Undoing a wrong merge: the identifier that joined two people is blocked (it merges nothing any
 * more), and the graph is resolved again. The part holding the person's own node keeps his id;
 * the other parts take back the ids they had before the merge (or their oldest node's), and
 * every id handed out still resolves, to the part holding the node it was named after.
 */
import type { Config } from '../config/index.js';
import { NotFoundError, UsageError } from '../errors.js';
import { sql, type Engine } from '../store/index.js';
import { resolvePersonId } from './explain.js';
import { identityType, valueKey } from './load.js';
import { IdentifierNormaliser } from './normalise.js';
import { resolveIdentities } from './resolve.js';

export interface SplitResult {
  readonly personId: string;
  readonly blocked: { readonly type: string; readonly value: string };
  /** The persons the split person's nodes belong to now, the first keeping his id. */
  readonly parts: readonly { readonly personId: string; readonly nodes: readonly string[] }[];
}

/** `identifier`: "TYPE:VALUE", e.g. "email:jo@x.fr", "phone:06 12 34 56 78" or "first_name+last_name+postcode:zoe|martin|75011". */
export async function splitPerson(engine: Engine, config: Config, id: string, identifier: string, reason = 'split'): Promise<SplitResult> {
  const colon = identifier.indexOf(':');
  if (colon <= 0) throw new UsageError(`--identifier must be TYPE:VALUE, got ${JSON.stringify(identifier)}`);
  const typeName = identifier.slice(0, colon);
  const raw = identifier.slice(colon + 1);
  const type = identityType(typeName);
  const settings = config.identity;
  return engine.transaction(async (tx) => {
    const { personId } = await resolvePersonId(tx, id);
    const holdings = await tx.query<{ node_id: string; type: string; value: string }>(
      sql`SELECT node_id, type, value FROM person_identifiers WHERE person_id = ${personId}`,
    );
    const wanted = type === null ? `${typeName}\u0001${raw}` : valueKey(type, new IdentifierNormaliser(settings).normalise(type, raw) ?? raw.trim(), settings);
    const held = holdings.find((h) => {
      const t = identityType(h.type);
      return (t === null ? `${h.type}\u0001${h.value}` : valueKey(t, h.value, settings)) === wanted;
    });
    if (!held) throw new NotFoundError(`Person ${personId} holds no identifier ${identifier}`);
    const nodes = await tx.query<{ node_id: string }>(sql`SELECT node_id FROM identity_nodes WHERE person_id = ${personId}`);
    await tx.exec(sql`DELETE FROM identity_blocks WHERE type = ${held.type} AND value = ${held.value}`);
    await tx.exec(sql`INSERT INTO identity_blocks VALUES (${held.type}, ${held.value}, ${personId}, ${reason}, ${new Date()})`);
    await resolveIdentities(tx, config);
    const after = await tx.query<{ person_id: string; node_id: string }>(sql`SELECT person_id, node_id FROM identity_nodes
      WHERE node_id IN (${sql.join(nodes.map((n) => sql`${n.node_id}`))}) ORDER BY node_id`);
    const parts = new Map<string, string[]>();
    for (const row of after) parts.set(row.person_id, [...(parts.get(row.person_id) ?? []), row.node_id]);
    const ordered = [...parts.entries()].sort(([a], [b]) => (a === personId ? -1 : b === personId ? 1 : a.localeCompare(b)));
    return { personId, blocked: { type: held.type, value: held.value }, parts: ordered.map(([p, n]) => ({ personId: p, nodes: n })) };
  });
}
