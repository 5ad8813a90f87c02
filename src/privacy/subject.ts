/**
 * The data subject of a request: the person an id names, and everything he is known by (his
 * person ids, records and event links, Segment ids, identifiers and names).
 */
import type { Config } from '../config/index.js';
import { NotFoundError } from '../errors.js';
import { resolvePersonId } from '../identity/index.js';
import { lookupPerson, LOOKUP_TYPES, type LookupType } from '../profiles/index.js';
import { sql, type Engine, type Sql } from '../store/index.js';
import { suppressionKind, type SuppressionKind } from './suppression.js';
import type { SubjectKeys } from './tables.js';

export interface Subject extends SubjectKeys {
  /** The id as asked (a person id, a record id, or `email=...`). */
  readonly requested: string;
  /** His current person id: the one the audit log names. */
  readonly personId: string;
  /** Identifier values (raw and normalised) held by him alone: what the suppression list and the log scrub look for. */
  readonly identifiers: readonly { readonly kind: SuppressionKind; readonly value: string }[];
}

/** `email=a@b.com` and the like (the profile API's lookups); null for a plain id. */
export function parseLookup(id: string): { type: LookupType; value: string } | null {
  const match = /^([A-Za-z]+)=(.+)$/s.exec(id);
  if (!match) return null;
  const type = LOOKUP_TYPES.find((t) => t.toLowerCase() === (match[1] ?? '').toLowerCase());
  return type ? { type, value: match[2] ?? '' } : null;
}

async function present(engine: Engine, names: readonly string[]): Promise<Set<string>> {
  return new Set((await engine.query<{ name: string }>(engine.dialect.existingTables(names))).map((r) => r.name));
}

const list = (values: readonly string[]): Sql => sql.join(values.map((v) => sql`${v}`));
const strings = (rows: readonly Record<string, unknown>[], column: string): string[] =>
  [...new Set(rows.map((r) => r[column]).filter((v): v is string => typeof v === 'string' && v !== ''))].sort();

/**
 * The person `id` names: a person id (current or older), one of his record ids or event links,
 * or `type=value` for an identifier (normalised as the profile API does). Without identity
 * resolution (no `fidelis run` yet) a customer record id names that record alone.
 */
export async function resolveSubject(engine: Engine, config: Config, id: string): Promise<Subject> {
  const tables = await present(engine, ['identity_nodes', 'person_redirects', 'person_identifiers', 'customer_persons', 'person_profiles', 'identity_links']);
  const lookup = parseLookup(id);
  let personId: string;
  if (lookup) {
    if (!tables.has('person_identifiers')) throw new NotFoundError(`No customer with ${lookup.type} ${lookup.value} (identities are resolved by \`fidelis run\`).`);
    personId = await lookupPerson(engine, config, lookup.type, lookup.value);
  } else {
    try {
      personId = tables.has('identity_nodes') ? (await resolvePersonId(engine, id)).personId : '';
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      personId = '';
    }
    if (personId === '') {
      const [record] = await engine.query<{ customer_id: string }>(sql`SELECT customer_id FROM customers WHERE customer_id = ${id}`);
      if (!record) throw new NotFoundError(`No person, customer record or event link with id ${id}.`);
      personId = id;
    }
  }
  const personIds = [personId];
  if (tables.has('person_redirects')) personIds.push(...strings(await engine.query(sql`SELECT old_id FROM person_redirects WHERE person_id = ${personId}`), 'old_id'));
  const nodeIds = new Set<string>();
  if (tables.has('identity_nodes')) for (const n of strings(await engine.query(sql`SELECT node_id FROM identity_nodes WHERE person_id = ${personId}`), 'node_id')) nodeIds.add(n);
  if (tables.has('customer_persons')) for (const n of strings(await engine.query(sql`SELECT customer_id FROM customer_persons WHERE person_id = ${personId}`), 'customer_id')) nodeIds.add(n);
  if (nodeIds.size === 0) nodeIds.add(personId);
  const nodes = [...nodeIds].sort();

  // Identifiers as received on his records and links, and as identity resolution normalised them.
  const held: { type: string; value: string }[] = [
    ...(await engine.query<{ type: string; value: string }>(sql`SELECT type, value FROM identifiers WHERE customer_id IN (${list(nodes)})`)),
    ...(tables.has('identity_links') ? await engine.query<{ type: string; value: string }>(sql`SELECT type, value FROM identity_links WHERE link_id IN (${list(nodes)})`) : []),
    ...(tables.has('person_identifiers')
      ? (await engine.query<{ type: string; value: string; raw_value: string | null }>(sql`SELECT type, value, raw_value FROM person_identifiers WHERE person_id = ${personId}`)).flatMap((r) => [
          { type: r.type, value: r.value },
          ...(r.raw_value !== null ? [{ type: r.type, value: r.raw_value }] : []),
        ])
      : []),
  ];
  // Records the loader named after a Segment id carry it in their own id.
  for (const node of nodes) {
    const tracked = /^evt:([ua]):(.*)$/s.exec(node);
    if (tracked) held.push({ type: tracked[1] === 'u' ? 'user_id' : 'anonymous_id', value: tracked[2] ?? '' });
  }
  const values = [...new Set(held.map((h) => h.value))];
  // A value someone else holds too (a family email, a shared device) is his and theirs: it is not his to suppress.
  const shared = new Set<string>(
    values.length === 0
      ? []
      : [
          ...strings(await engine.query(sql`SELECT value FROM identifiers WHERE value IN (${list(values)}) AND customer_id NOT IN (${list(nodes)})`), 'value'),
          ...(tables.has('person_identifiers')
            ? strings(await engine.query(sql`SELECT raw_value FROM person_identifiers WHERE (value IN (${list(values)}) OR raw_value IN (${list(values)})) AND person_id <> ${personId}`), 'raw_value')
            : []),
          ...(tables.has('person_identifiers')
            ? strings(await engine.query(sql`SELECT value FROM person_identifiers WHERE (value IN (${list(values)}) OR raw_value IN (${list(values)})) AND person_id <> ${personId}`), 'value')
            : []),
        ],
  );
  const own = held.filter((h) => !shared.has(h.value));
  const ofType = (...types: string[]): string[] => [...new Set(own.filter((h) => types.includes(h.type)).map((h) => h.value))].sort();
  const identifiers = [...new Map(own.flatMap((h) => {
    const kind = suppressionKind(h.type);
    return kind ? [[`${kind}:${h.value}`, { kind, value: h.value }] as const] : [];
  })).values()];

  const nameRows = [
    ...(await engine.query(sql`SELECT first_name, last_name FROM customers WHERE customer_id IN (${list(nodes)})`)),
    ...(tables.has('person_profiles') ? await engine.query(sql`SELECT first_name, last_name FROM person_profiles WHERE person_id = ${personId}`) : []),
  ];
  return {
    requested: id,
    personId,
    personIds: [...new Set(personIds)],
    nodeIds: nodes,
    userIds: ofType('user_id', 'userId'),
    anonymousIds: ofType('anonymous_id', 'anonymousId'),
    names: [...new Set([...strings(nameRows, 'first_name'), ...strings(nameRows, 'last_name')])].sort(),
    emails: [...new Set(identifiers.filter((i) => i.kind === 'email').map((i) => i.value.trim().toLowerCase()))].sort(),
    identifiers,
  };
}
