/**
 * Incremental identity resolution for identifiers seen together by an event (Segment identify:
 * userId + anonymousId + traits.email; alias: previousId + userId). Each link becomes a node of
 * the graph, stored in identity_links so the next complete resolution (`fidelis run`) finds it
 * again. The rules are the complete resolution's: junk and blocked values are ignored, a value
 * already on more persons than its limit does not merge, persons are tried strongest identifier
 * first and a merge that would give one person two userIds, or join two different declared
 * first names or birth dates, is refused; the merged person keeps the oldest id handed out and
 * the others redirect to it.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config/index.js';
import type { IdentityType } from '../config/identity-config.js';
import { sql, type Engine } from '../store/index.js';
import { attributeCode, identityType } from './load.js';
import { IdentifierNormaliser } from './normalise.js';
import { profileQuery, writeProfiles } from './profiles.js';

export interface IdentifierLink {
  /** Identifiers seen together, with Segment's type names (userId, anonymousId, email, phone...) or the identifiers table's. */
  readonly identifiers: readonly { readonly type: string; readonly value: string }[];
  /** Where they were seen (e.g. "identify", a write key's source name). */
  readonly source?: string;
  /** The event (messageId) or file that brought them, kept in the merge log. */
  readonly reference?: string;
  readonly at?: Date;
}

export interface LinkResult {
  /** The link node (null when no identifier was usable). */
  readonly linkId: string | null;
  /** The person holding the identifiers now (null when none was usable). */
  readonly personId: string | null;
  /** Persons merged into personId by this link (their ids now redirect). */
  readonly merged: readonly string[];
  readonly refused: readonly { readonly personId: string; readonly reason: string }[];
}

interface Usable {
  readonly type: IdentityType;
  readonly raw: string;
  readonly value: string;
}

/**
 * Applies each link in order, in one transaction per link. Links already applied (most of them
 * behind a stream of events from the same people: each identify repeats its user's) are found
 * with one query for the whole list and change nothing.
 */
export async function linkIdentifiers(engine: Engine, config: Config, links: readonly IdentifierLink[]): Promise<LinkResult[]> {
  if (links.length === 0) return [];
  const normaliser = new IdentifierNormaliser(config.identity);
  const nodes = links.map((link) => linkNode(normaliser, link));
  const ids = [...new Set(nodes.map((n) => n.linkId).filter((id): id is string => id !== null))];
  // Their persons as they are before this call changes any: what each would have answered.
  const known = new Map<string, string>();
  if (ids.length > 0) {
    const rows = await engine.query<{ node_id: string; person_id: string }>(sql`SELECT node_id, person_id FROM identity_nodes
      WHERE node_id IN (${sql.join(ids.map((id) => sql`${id}`))})`);
    for (const row of rows) known.set(row.node_id, row.person_id);
  }
  const results: LinkResult[] = [];
  let applied = false;
  for (const [i, link] of links.entries()) {
    const node = nodes[i] as LinkNode;
    if (node.linkId === null) results.push({ linkId: null, personId: null, merged: [], refused: [] });
    else if (known.has(node.linkId) && !applied) results.push({ linkId: node.linkId, personId: known.get(node.linkId) ?? null, merged: [], refused: [] });
    else {
      if (!applied) await ensureDerivedTables(engine);
      applied = true;
      const result = await engine.transaction((tx) => applyLink(tx, config, link, node));
      results.push(result);
    }
  }
  return results;
}

interface LinkNode {
  readonly usable: readonly Usable[];
  /** Named after its normalised identifiers; null when none was usable. */
  readonly linkId: string | null;
}

function linkNode(normaliser: IdentifierNormaliser, link: IdentifierLink): LinkNode {
  const usable: Usable[] = [];
  for (const { type: name, value: raw } of link.identifiers) {
    const type = identityType(name);
    const value = type === null ? null : normaliser.normalise(type, raw);
    if (type !== null && value !== null && !usable.some((u) => u.type === type && u.value === value)) usable.push({ type, raw, value });
  }
  if (usable.length === 0) return { usable, linkId: null };
  return { usable, linkId: `L${createHash('sha256').update(usable.map((u) => `${u.type}:${u.value}`).sort().join('\n')).digest('hex').slice(0, 20)}` };
}

async function applyLink(engine: Engine, config: Config, link: IdentifierLink, node: LinkNode): Promise<LinkResult> {
  const settings = config.identity;
  const at = link.at ?? new Date();
  const { usable, linkId } = node;
  if (linkId === null) return { linkId: null, personId: null, merged: [], refused: [] };
  const [known] = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM identity_nodes WHERE node_id = ${linkId}`);
  if (known) return { linkId, personId: known.person_id, merged: [], refused: [] };
  for (const u of usable) {
    await engine.exec(sql`INSERT INTO identity_links VALUES (${linkId}, ${u.type}, ${u.raw}, ${link.source ?? null}, ${link.reference ?? null}, ${at})`);
  }

  const userIdTypes = new Set<string>(settings.userIdTypes);
  const sameNamespace = (type: IdentityType): readonly string[] => (userIdTypes.has(type) ? [...userIdTypes] : [type]);
  const trust = (type: IdentityType): number => (userIdTypes.has(type) ? -1 : settings.trustOrder.indexOf(type));
  // Candidates: the persons holding each usable value, strongest identifier first.
  const candidates: { personId: string; via: Usable }[] = [];
  for (const u of [...usable].sort((a, b) => trust(a.type) - trust(b.type))) {
    const [blocked] = await engine.query(sql`SELECT 1 AS b FROM identity_blocks WHERE value = ${u.value}
      AND type IN (${sql.join(sameNamespace(u.type).map((t) => sql`${t}`))})`);
    if (blocked) continue;
    const holders = await engine.query<{ person_id: string }>(sql`SELECT DISTINCT person_id FROM person_identifiers
      WHERE value = ${u.value} AND type IN (${sql.join(sameNamespace(u.type).map((t) => sql`${t}`))}) AND status = 'linked' ORDER BY person_id`);
    if (holders.length > settings.maxPersonsPerValue[u.type]) continue;
    for (const h of holders) if (!candidates.some((c) => c.personId === h.person_id)) candidates.push({ personId: h.person_id, via: u });
  }

  const userIds = new Set(usable.filter((u) => userIdTypes.has(u.type)).map((u) => u.value));
  const attributes: Record<string, string | null> = {};
  const accepted: { personId: string; via: Usable }[] = [];
  const refused: { personId: string; reason: string }[] = [];
  for (const candidate of candidates) {
    const theirs = await engine.query<{ value: string }>(sql`SELECT DISTINCT value FROM person_identifiers WHERE person_id = ${candidate.personId}
      AND type IN (${sql.join([...userIdTypes].map((t) => sql`${t}`))})`);
    let reason: string | null = null;
    if (theirs.some((t) => userIds.size > 0 && !userIds.has(t.value))) reason = 'refused: the two sides hold different userIds';
    const [profile] = await engine.query(sql`SELECT * FROM person_profiles WHERE person_id = ${candidate.personId}`);
    const codes = Object.fromEntries(settings.conflicts.attributes.map((a) => [a, attributeCode(a, profile?.[a])]));
    if (reason === null && settings.conflicts.types.includes(candidate.via.type)) {
      const clash = settings.conflicts.attributes.find((a) => attributes[a] && codes[a] && attributes[a] !== codes[a]);
      if (clash) reason = `refused: the two sides declare different ${clash}`;
    }
    if (reason !== null) {
      refused.push({ personId: candidate.personId, reason });
      continue;
    }
    accepted.push(candidate);
    for (const t of theirs) userIds.add(t.value);
    for (const [a, code] of Object.entries(codes)) attributes[a] ??= code;
  }

  const personId = await survivingId(engine, accepted.map((a) => a.personId), linkId, at);
  const others = accepted.map((a) => a.personId).filter((p) => p !== personId);
  if (others.length > 0) {
    const list = sql.join(others.map((p) => sql`${p}`));
    for (const table of ['identity_nodes', 'person_identifiers', 'identity_merges', 'customer_persons', 'person_redirects']) {
      await engine.exec(sql`UPDATE ${sql.id(table)} SET person_id = ${personId} WHERE person_id IN (${list})`);
    }
    for (const other of others) await engine.exec(sql`INSERT INTO person_redirects VALUES (${other}, ${personId}, ${at})`);
    await engine.exec(sql`DELETE FROM person_profiles WHERE person_id IN (${list})`);
  }
  await engine.exec(sql`INSERT INTO identity_nodes VALUES (${linkId}, 'link', ${link.source ?? null}, ${at}, ${personId}, NULL)`);
  for (const u of usable) {
    await engine.exec(sql`INSERT INTO person_identifiers VALUES (${personId}, ${linkId}, ${u.type}, ${u.value}, ${u.raw}, ${link.source ?? null}, ${at}, 'linked')`);
  }
  const source = `${link.source ?? 'event'}${link.reference ? ` ${link.reference}` : ''}`;
  for (const a of accepted) {
    await engine.exec(sql`INSERT INTO identity_merges VALUES (${personId}, ${a.personId}, ${linkId}, ${a.via.type}, ${a.via.value}, ${source}, ${at}, 'merged', 'shared identifier', ${new Date()})`);
  }
  for (const r of refused) {
    const via = candidates.find((c) => c.personId === r.personId)?.via;
    await engine.exec(sql`INSERT INTO identity_merges VALUES (${r.personId}, ${r.personId}, ${linkId}, ${via?.type ?? ''}, ${via?.value ?? ''}, ${source}, ${at}, 'refused', ${r.reason}, ${new Date()})`);
  }
  await writeProfiles(engine, settings, [personId]);
  return { linkId, personId, merged: others, refused };
}

/**
 * The derived tables a link updates (customer_persons, person_profiles) are made by the first
 * complete resolution; before it (events reaching a fresh datamart) they are created empty, with
 * the columns that resolution gives them, so links work from the first event.
 */
async function ensureDerivedTables(engine: Engine): Promise<void> {
  const existing = async (table: string): Promise<boolean> => {
    const [row] = await engine.query<{ n: number }>(engine.dialect.tableExists(table));
    return Number(row?.n ?? 0) > 0;
  };
  if (!(await existing('customer_persons'))) {
    await engine.exec(engine.dialect.createTableAs('customer_persons', sql`SELECT node_id AS customer_id, person_id FROM identity_nodes WHERE 1 = 0`));
  }
  if (!(await existing('person_profiles'))) {
    await engine.exec(engine.dialect.createTableAs('person_profiles', profileQuery(engine, sql`WHERE 1 = 0`)));
  }
}

/** The oldest id handed out among the merged persons; a new person is named after the link. */
async function survivingId(engine: Engine, persons: readonly string[], linkId: string, at: Date): Promise<string> {
  if (persons.length === 0) {
    await engine.exec(sql`INSERT INTO person_ids VALUES (${linkId}, ${linkId}, ${at})`);
    return linkId;
  }
  const [oldest] = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM person_ids
    WHERE person_id IN (${sql.join(persons.map((p) => sql`${p}`))}) ORDER BY issued_at, person_id LIMIT 1`);
  return oldest?.person_id ?? [...persons].sort()[0] ?? linkId;
}
