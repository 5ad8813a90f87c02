/**
 * Which tables hold a person's data, and by which columns: derived from the table specs' column
 * names and references (and, for the pipeline's derived tables, which have no spec, from the same
 * column names found in the catalogue), so a new table is covered the day it is created.
 * test/privacy/coverage.test.ts scans every column of every table of a complete datamart for a
 * person's ids and fails on any table this misses.
 */
import { EVENTS_TABLE } from '../collect/events/tables.js';
import { IDENTITY_TABLES } from '../identity/tables.js';
import { sql, TABLES, type Dialect, type Engine, type Sql } from '../store/index.js';
import { AUDIT_LOG_TABLE } from './audit.js';

/** How a row belongs to a person. */
export type Link =
  /** A person id (his own, or an older one that redirects to him). */
  | { readonly kind: 'person'; readonly column: string }
  /** One of his customer records or identity links (nodes of the identity graph). */
  | { readonly kind: 'record'; readonly column: string }
  /** A Segment userId or anonymousId of his, held by nobody else. */
  | { readonly kind: 'sender'; readonly column: string; readonly type: 'userId' | 'anonymousId' }
  /** A row of a personal table (an order's lines, a contact's responses). */
  | { readonly kind: 'child'; readonly column: string; readonly parent: string; readonly parentColumn: string }
  /** His first or last name, where names stand alone (the dashboard's search keys). */
  | { readonly kind: 'name'; readonly column: string }
  /** A log line kept whole (the loader's dead letters): its message's userId, anonymousId or traits email is his. */
  | { readonly kind: 'logLine'; readonly column: string }
  /** A JSON array of contact ids (a delivery dead letter's batch): the row is his when one of them is his contact. */
  | { readonly kind: 'contactList'; readonly column: string; readonly count: string | null };

/** What an erasure does to a table's rows of the person. */
export type ErasureRule =
  /** Removed. */
  | 'delete'
  /** Kept for accounting, the customer record id replaced by a pseudonym. */
  | 'pseudonymise'
  /** Kept as they are: lines and returns of kept orders, and the audit log (the erasure's own proof). */
  | 'keep'
  /** His contact ids taken out of the row's list (others' stay); a row left with none is deleted. */
  | 'prune';

export interface PersonalTable {
  readonly name: string;
  readonly links: readonly Link[];
  readonly erasure: ErasureRule;
}

/** Columns holding a person id: `person_id` everywhere, and the redirects' older ids. */
const PERSON_COLUMNS = new Set(['person_id', ...IDENTITY_TABLES.flatMap((t) => t.columns.filter((c) => c.name === 'old_id').map((c) => c.name))]);

/**
 * Columns holding a customer record id: every column the specs point at customers, the event
 * tables' record, and the identity graph's node columns (records and event links).
 */
export const RECORD_COLUMNS: ReadonlySet<string> = new Set([
  ...TABLES.flatMap((t) => t.columns.filter((c) => 'references' in c && c.references.table === 'customers').map((c) => c.name)),
  ...EVENTS_TABLE.columns.filter((c) => c.name === 'customer_id').map((c) => c.name),
  ...IDENTITY_TABLES.flatMap((t) => t.columns.filter((c) => /(^|_)node_id$|^link_id$/.test(c.name)).map((c) => c.name)),
]);

/** Segment's ids as the event tables name them. */
const SENDER_COLUMNS: Readonly<Record<string, 'userId' | 'anonymousId'>> = { user_id: 'userId', anonymous_id: 'anonymousId' };

/** Tables of orders, kept for accounting with the buyer pseudonymised: the datamart's and the pipeline's copy. */
export const ACCOUNTING_TABLES: ReadonlySet<string> = new Set(['orders', 'order_facts']);

/**
 * Columns holding a whole event-log line (JSON: `{id, receivedAt, keyId, message}`), such as the
 * loader's dead letters: matched on the message inside, since no id column names its person.
 */
const LOG_LINE_COLUMNS = new Set(['line']);

/**
 * A contact's id names its person (the planner's are `<plan>:<campaign>:<person id>`): tables the
 * specs do not tie to contacts (delivery_attempts) are its children by the column name, and a
 * list of contact ids (delivery_dead_letters) is pruned of his.
 */
const CONTACTS = { table: 'contacts', column: 'contact_id' } as const;
const CONTACT_LIST_COLUMNS = new Set(['contact_ids']);
/** The list's length, kept beside it (delivery_dead_letters.contacts). */
const CONTACT_COUNT_COLUMN = 'contacts';

/** The dashboard's search keys of names: a name alone, with no id beside it (src/dashboard/list-table.ts). */
const NAME_TABLES: Readonly<Record<string, string>> = { dashboard_name_keys: 'name' };

/** The audit log names a person by id in `subject`; it is exported, and kept by an erasure. */
const AUDIT_SUBJECT = { table: AUDIT_LOG_TABLE.name, column: 'subject' } as const;

/** Tables that point at a personal table's key from the specs: order_lines and returns to orders, responses to contacts. */
const CHILD_LINKS: readonly { table: string; link: Link }[] = TABLES.flatMap((t) =>
  t.columns.flatMap((c) =>
    'references' in c && c.references.table !== 'customers' && TABLES.some((p) => p.name === c.references.table && p.columns.some((pc) => RECORD_COLUMNS.has(pc.name)))
      ? [{ table: t.name, link: { kind: 'child', column: c.name, parent: c.references.table, parentColumn: c.references.column } as const }]
      : [],
  ),
);

/** The links of a table from its column names. */
export function tableLinks(table: string, columns: readonly string[]): Link[] {
  const links: Link[] = [];
  for (const column of columns) {
    if (PERSON_COLUMNS.has(column)) links.push({ kind: 'person', column });
    else if (RECORD_COLUMNS.has(column)) links.push({ kind: 'record', column });
    else if (SENDER_COLUMNS[column]) links.push({ kind: 'sender', column, type: SENDER_COLUMNS[column] });
    else if (LOG_LINE_COLUMNS.has(column)) links.push({ kind: 'logLine', column });
    else if (CONTACT_LIST_COLUMNS.has(column)) links.push({ kind: 'contactList', column, count: columns.includes(CONTACT_COUNT_COLUMN) ? CONTACT_COUNT_COLUMN : null });
  }
  for (const child of CHILD_LINKS) if (child.table === table && columns.includes(child.link.column)) links.push(child.link);
  if (table !== CONTACTS.table && columns.includes(CONTACTS.column) && !links.some((l) => l.kind === 'child' && l.column === CONTACTS.column)) {
    links.push({ kind: 'child', column: CONTACTS.column, parent: CONTACTS.table, parentColumn: CONTACTS.column });
  }
  const name = NAME_TABLES[table];
  if (name && columns.includes(name)) links.push({ kind: 'name', column: name });
  if (table === AUDIT_SUBJECT.table && columns.includes(AUDIT_SUBJECT.column)) links.push({ kind: 'person', column: AUDIT_SUBJECT.column });
  return links;
}

export function erasureRule(table: string, links: readonly Link[]): ErasureRule {
  if (table === AUDIT_SUBJECT.table) return 'keep';
  if (ACCOUNTING_TABLES.has(table)) return 'pseudonymise';
  if (links.some((l) => l.kind === 'contactList')) return 'prune';
  if (links.length > 0 && links.every((l) => l.kind === 'child' && ACCOUNTING_TABLES.has(l.parent))) return 'keep';
  return 'delete';
}

/** His contact ids (to find in and prune from lists), before the contacts go; none without a contacts table. */
export async function hisContacts(engine: Engine, keys: SubjectKeys, tables: readonly PersonalTable[]): Promise<string[]> {
  const contacts = tables.find((t) => t.name === CONTACTS.table);
  if (!contacts) return [];
  const rows = await engine.query<{ contact_id: string }>(
    sql`SELECT ${sql.id(CONTACTS.column)} AS contact_id FROM ${sql.id(CONTACTS.table)} WHERE ${await personRows(engine, contacts, keys, tables)}`,
  );
  return [...new Set(rows.map((r) => r.contact_id))].sort();
}

/**
 * Every table of the datamart holding a person's rows, from the catalogue: the spec tables and
 * whatever the pipeline has derived so far. Children come before their parents, so an erasure
 * finds a contact's responses before it deletes the contact.
 */
export async function personalTables(engine: Engine): Promise<PersonalTable[]> {
  const rows = await engine.query<{ table_name: string; column_name: string }>(engine.dialect.catalogColumns());
  const columns = new Map<string, string[]>();
  for (const r of rows) columns.set(r.table_name, [...(columns.get(r.table_name) ?? []), r.column_name]);
  const tables: PersonalTable[] = [];
  for (const [name, cols] of [...columns].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const links = tableLinks(name, cols);
    if (links.length > 0) tables.push({ name, links, erasure: erasureRule(name, links) });
  }
  const isChild = (t: PersonalTable): boolean => t.links.some((l) => l.kind === 'child' || l.kind === 'contactList');
  return [...tables.filter(isChild), ...tables.filter((t) => !isChild(t))];
}

/** What a person is known by, as `subject.ts` finds it. */
export interface SubjectKeys {
  readonly personIds: readonly string[];
  readonly nodeIds: readonly string[];
  readonly userIds: readonly string[];
  readonly anonymousIds: readonly string[];
  readonly names: readonly string[];
  /** His email addresses, trimmed and lower-cased, held by nobody else. */
  readonly emails: readonly string[];
  /** His contact ids (hisContacts), where lists of contact ids are to be searched. */
  readonly contactIds?: readonly string[];
}

const inValues = (expression: Sql, values: readonly string[]): Sql | null =>
  values.length === 0 ? null : sql`${expression} IN (${sql.join(values.map((v) => sql`${v}`))})`;
const inList = (column: string, values: readonly string[]): Sql | null => inValues(sql.id(column), values);

/**
 * The condition that selects a person's rows of a table (never true when he has none there),
 * made of values only: a child table's parent keys are read first and written out, since
 * ClickHouse 18.16 cannot apply a DELETE or UPDATE mutation whose condition holds a subquery
 * ("There is no query", retried forever in the background).
 */
export async function personRows(engine: Engine, table: PersonalTable, keys: SubjectKeys, tables: readonly PersonalTable[]): Promise<Sql> {
  const dialect: Dialect = engine.dialect;
  // A field of the message in a log line; NULL for a line that is not JSON (a torn or unreadable one).
  const lineField = (column: string, path: readonly string[]): Sql => dialect.jsonTextField(sql.id(column), path);
  const parts = await Promise.all(table.links.map(async (link): Promise<Sql | null> => {
    switch (link.kind) {
      case 'person':
        return inList(link.column, keys.personIds);
      case 'record':
        return inList(link.column, keys.nodeIds);
      case 'sender':
        return inList(link.column, link.type === 'userId' ? keys.userIds : keys.anonymousIds);
      case 'name':
        return inList(link.column, keys.names);
      case 'logLine': {
        const parts = [
          inValues(lineField(link.column, ['message', 'userId']), keys.userIds),
          inValues(lineField(link.column, ['message', 'anonymousId']), keys.anonymousIds),
          inValues(sql`lower(${dialect.trim(lineField(link.column, ['message', 'traits', 'email']))})`, keys.emails),
        ].filter((p): p is Sql => p !== null);
        return parts.length === 0 ? null : sql`(${sql.join(parts, ' OR ')})`;
      }
      case 'contactList':
        return keys.contactIds && keys.contactIds.length > 0 ? dialect.jsonTextList(sql.id(link.column), keys.contactIds).holdsAny : null;
      case 'child': {
        const parent = tables.find((t) => t.name === link.parent);
        if (!parent) return null;
        const where = await personRows(engine, parent, keys, tables);
        const rows = await engine.query<{ parent_key: unknown }>(sql`SELECT DISTINCT ${sql.id(link.parentColumn)} AS parent_key FROM ${sql.id(parent.name)} WHERE ${where}`);
        return inList(link.column, rows.map((r) => r.parent_key).filter((v): v is string => typeof v === 'string').sort());
      }
    }
  }));
  const present = parts.filter((p): p is Sql => p !== null);
  // 1 = 0, not FALSE: ClickHouse 18.16 has no boolean literals.
  return present.length === 0 ? sql`1 = 0` : sql`(${sql.join(present, ' OR ')})`;
}
