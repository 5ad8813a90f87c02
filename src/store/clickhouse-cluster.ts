/**
 * A ClickHouse cluster seen as one database (docs/clickhouse.md, "On a cluster"): every table the
 * code names `t` is a Distributed table over `t_local`, a MergeTree table on each node, sharded by
 * a hash of the person id. The code keeps writing its statements for one server; this module
 * turns each DDL statement into the statements each node runs, and rewrites the JOINs that 18.16
 * cannot run over a Distributed table.
 *
 * Why the engine sends the DDL to each node itself: 18.16's `ON CLUSTER` goes through the
 * distributed DDL queue, which needs ZooKeeper; plain Distributed tables do not, so a cluster of
 * two servers with a `remote_servers` section is all Fidelis asks for.
 */

/** The suffix of the MergeTree table on each node that a Distributed table of the code's name reads. */
const LOCAL_SUFFIX = '_local';

/** What the cluster's DDL needs from the engine: statements on the query node, on every node, and rows. */
export interface ClusterNodes {
  /** The cluster's name in the servers' `remote_servers`. */
  readonly cluster: string;
  readonly database: string;
  quoteIdent(name: string): string;
  /** Runs a statement on the node the engine sends its queries to. */
  onMain(statement: string): Promise<void>;
  /** Runs a statement on every node of the cluster (the query node included). */
  onEvery(statement: string): Promise<void>;
  /** Rows of a query on the query node. */
  rows<T extends Record<string, unknown>>(query: string): Promise<T[]>;
}

const IDENT = '`(?:[^`\\\\]|\\\\.)*`|"(?:[^"\\\\]|\\\\.)*"|[A-Za-z_][A-Za-z0-9_]*';
const CREATE_TABLE = new RegExp(`^CREATE\\s+TABLE\\s+(IF\\s+NOT\\s+EXISTS\\s+)?(${IDENT})\\s*([\\s\\S]*)$`, 'i');
const DROP_TABLE = new RegExp(`^DROP\\s+TABLE\\s+(IF\\s+EXISTS\\s+)?(${IDENT})\\s*$`, 'i');
const TRUNCATE_TABLE = new RegExp(`^TRUNCATE\\s+TABLE\\s+(IF\\s+EXISTS\\s+)?(${IDENT})\\s*$`, 'i');
const RENAME_TABLE = /^RENAME\s+TABLE\s+([\s\S]*)$/i;
const RENAME_PAIR = new RegExp(`^\\s*(${IDENT})\\s+TO\\s+(${IDENT})\\s*$`, 'i');
const ALTER_TABLE = new RegExp(`^ALTER\\s+TABLE\\s+(${IDENT})\\s+([\\s\\S]*)$`, 'i');
const CREATE_AS_TABLE = new RegExp(`^AS\\s+(${IDENT})\\s*(ENGINE\\s*=[\\s\\S]*)?$`, 'i');
const CREATE_AS_SELECT = /^(ENGINE\s*=[\s\S]*?)\s+AS\s+([\s\S]*)$/i;
/** An ALTER's `FROM other` (REPLACE/ATTACH PARTITION ... FROM): the other table's local part on each node. */
const ALTER_FROM = new RegExp(`\\bFROM\\s+(${IDENT})\\s*$`, 'i');
/** Engines whose tables stay on the query node (see createTable). */
const NODE_SCRATCH_ENGINE = /\bENGINE\s*=\s*(TinyLog|StripeLog|Log|Memory)\b\s*(\(\s*\))?\s*$/i;
const COLUMN_CHANGE = /^\s*(ADD|DROP|MODIFY|RENAME)\s+COLUMN\b/i;
const OPTIMIZE_TABLE = new RegExp(`^OPTIMIZE\\s+TABLE\\s+(${IDENT})\\s*(FINAL)?\\s*$`, 'i');
const DATABASE_DDL = /^(CREATE|DROP)\s+DATABASE\b/i;
const OTHER_DDL = /^(CREATE|DROP|RENAME|ALTER|TRUNCATE|OPTIMIZE|ATTACH|DETACH)\b/i;

/** The name an identifier token stands for (backquotes or double quotes and their escapes removed). */
function unquote(token: string): string {
  if (token.startsWith('`') || token.startsWith('"')) return token.slice(1, -1).replace(/\\(.)/g, '$1');
  return token;
}

/** How a statement may run on the cluster. */
export interface ClusterExecOptions {
  /**
   * The statement is per person (`CREATE TABLE ... AS SELECT` whose rows of a person come from that
   * person's rows only: every join on `person_id`, every GROUP BY by it, no subquery over other
   * persons). When every table it reads is sharded by the person, each node runs it over its own
   * local tables, in parallel, and no row crosses shards.
   */
  readonly perPerson?: boolean;
}

/**
 * Runs `text` on the cluster: a DDL statement on each node's local tables and Distributed tables,
 * anything else (SELECT, INSERT) on the query node with its JOINs rewritten (`wrapJoinedTables`).
 * A DDL statement it cannot translate is refused rather than run on one node only.
 */
export async function execOnCluster(nodes: ClusterNodes, text: string, options: ClusterExecOptions = {}): Promise<void> {
  const statement = text.trim();
  if (DATABASE_DDL.test(statement)) return nodes.onEvery(statement);
  const create = CREATE_TABLE.exec(statement);
  if (create) return createTable(nodes, create[1] ?? '', unquote(create[2] ?? ''), create[3] ?? '', options);
  const drop = DROP_TABLE.exec(statement);
  if (drop) {
    const name = unquote(drop[2] ?? '');
    // Without IF EXISTS the query node says whether the table was there (as one server would);
    // the other nodes may not have it (a scratch table of the query node, see createTable).
    if (!drop[1]) await nodes.onMain(`DROP TABLE ${nodes.quoteIdent(name)}`);
    await nodes.onEvery(`DROP TABLE IF EXISTS ${nodes.quoteIdent(name)}`);
    return nodes.onEvery(`DROP TABLE IF EXISTS ${nodes.quoteIdent(local(name))}`);
  }
  const truncate = TRUNCATE_TABLE.exec(statement);
  if (truncate) return nodes.onEvery(`TRUNCATE TABLE ${truncate[1] ?? ''}${nodes.quoteIdent(local(unquote(truncate[2] ?? '')))}`);
  const rename = RENAME_TABLE.exec(statement);
  if (rename) return renameTables(nodes, rename[1] ?? '');
  // Each shard merges its own parts: a key's rows all sit on one shard (sharded by it or by its person).
  const optimize = OPTIMIZE_TABLE.exec(statement);
  if (optimize) return nodes.onEvery(`OPTIMIZE TABLE ${nodes.quoteIdent(local(unquote(optimize[1] ?? '')))}${optimize[2] ? ' FINAL' : ''}`);
  const alter = ALTER_TABLE.exec(statement);
  if (alter) return alterTable(nodes, unquote(alter[1] ?? ''), alter[2] ?? '');
  if (OTHER_DDL.test(statement)) throw new Error(`no cluster form for this statement (it would run on one node only): ${statement.slice(0, 200)}`);
  return nodes.onMain(wrapJoinedTables(statement));
}

function local(name: string): string {
  return `${name}${LOCAL_SUFFIX}`;
}

/** The table on each node that holds the rows of the table the code names `name` (a statement on it runs there). */
export const localTableName = local;

const MUTATION = new RegExp(`^ALTER\\s+TABLE\\s+(${IDENT})\\s+(DELETE|UPDATE)\\b`, 'i');

/** The table an `ALTER TABLE t DELETE|UPDATE ...` mutates (as the code names it), else null. */
export function mutatedTable(statement: string): string | null {
  const match = MUTATION.exec(statement.trim());
  return match ? unquote(match[1] ?? '') : null;
}

/**
 * CREATE TABLE in its three forms: with columns, `AS other` (the other's structure), or
 * `ENGINE = ... AS SELECT` (a derived table: its structure is read from the query without
 * running it, the tables are made, then the query's rows are inserted through the
 * Distributed table, which sends each to its shard).
 */
async function createTable(nodes: ClusterNodes, ifNotExists: string, name: string, rest: string, options: ClusterExecOptions): Promise<void> {
  const q = (n: string): string => nodes.quoteIdent(n);
  if (rest.startsWith('(')) {
    // A Log-family or Memory table is a scratch table of the query node (an import's text stage,
    // read back in insertion order, and its typed rows): made there alone and read by its name,
    // never spread over the shards, whose order would be lost (and whose UNION ALL of
    // validation queries 18.16 cannot run over a Distributed table).
    if (NODE_SCRATCH_ENGINE.test(rest)) return nodes.onMain(`CREATE TABLE ${ifNotExists}${q(name)} ${rest}`);
    await nodes.onEvery(`CREATE TABLE ${ifNotExists}${q(local(name))} ${rest}`);
    return createDistributed(nodes, name, ifNotExists);
  }
  const like = CREATE_AS_TABLE.exec(rest);
  if (like) {
    await nodes.onEvery(`CREATE TABLE ${ifNotExists}${q(local(name))} AS ${q(local(unquote(like[1] ?? '')))}${like[2] ? ` ${like[2]}` : ''}`);
    return createDistributed(nodes, name, ifNotExists);
  }
  const derived = CREATE_AS_SELECT.exec(rest);
  if (!derived) throw new Error(`no cluster form for CREATE TABLE ${name} ${rest.slice(0, 120)}`);
  const [, engine = '', select = ''] = derived;
  if (NODE_SCRATCH_ENGINE.test(engine)) return nodes.onMain(`CREATE TABLE ${ifNotExists}${q(name)} ${engine} AS ${wrapJoinedTables(select)}`);
  if (options.perPerson && (await createPerPerson(nodes, ifNotExists, name, engine, select))) return;
  const query = wrapJoinedTables(select);
  // DESCRIBE of a subquery analyses it without running it (a view of it would lose the aliases of
  // a Distributed table on 18.16).
  const columns = await nodes.rows<{ name: string; type: string }>(`DESCRIBE TABLE (${query})`);
  await nodes.onEvery(`CREATE TABLE ${ifNotExists}${q(local(name))} (${columns.map((c) => `${q(c.name)} ${c.type}`).join(', ')}) ${engine}`);
  await createDistributed(nodes, name, ifNotExists);
  await nodes.onMain(`INSERT INTO ${q(name)} ${query}`);
}

/**
 * A per-person derived table made shard by shard: when every table the query reads is a Distributed
 * table sharded by the person, and its result has the person, each node runs the query over its
 * own local tables and inserts into its own local table (the rows it makes belong to its shard by
 * the same hash). False, with nothing done, when that does not hold: the caller then runs it on the
 * query node.
 */
async function createPerPerson(nodes: ClusterNodes, ifNotExists: string, name: string, engine: string, select: string): Promise<boolean> {
  const read = tablesRead(select);
  if (read.length === 0) return false;
  const names = [...new Set(read.map((r) => r.table))];
  const list = names.map((n) => `'${n.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`).join(', ');
  const tables = await nodes.rows<{ name: string; engine_full: string }>(
    `SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN (${list})`,
  );
  const byPerson = (engineFull: string): boolean => /^Distributed\(/.test(engineFull) && compact(engineFull).endsWith(compact(`, ${shardingKey(['person_id'], '', (n) => n)})`));
  if (names.some((n) => !tables.some((t) => t.name === n && byPerson(t.engine_full)))) return false;
  const oneStream = /\bDISTINCT\b/i.test(select) ? ' LIMIT 18446744073709551615' : '';
  const q = (n: string): string => nodes.quoteIdent(n);
  const query = replaceRanges(select, read.map((r) => ({ ...r, text: oneStream ? `(SELECT * FROM ${q(local(r.table))}${oneStream}) AS ${r.alias}` : `${q(local(r.table))} AS ${r.alias}` })));
  const columns = await nodes.rows<{ name: string; type: string }>(`DESCRIBE TABLE (${query})`);
  if (!columns.some((c) => c.name === 'person_id')) return false;
  await nodes.onEvery(`CREATE TABLE ${ifNotExists}${q(local(name))} (${columns.map((c) => `${q(c.name)} ${c.type}`).join(', ')}) ${engine}`);
  await createDistributed(nodes, name, ifNotExists);
  await nodes.onEvery(`INSERT INTO ${q(local(name))} ${query}`);
  return true;
}

/** An engine's text without quotes and spaces, to compare sharding keys however the server prints them. */
function compact(text: string): string {
  return text.replace(/[`"\s]/g, '');
}

/** The Distributed table `name` over `name_local` on every node, sharded by `shardingKey`. */
async function createDistributed(nodes: ClusterNodes, name: string, ifNotExists = ''): Promise<void> {
  const q = (n: string): string => nodes.quoteIdent(n);
  const localName = local(name);
  const literal = `'${localName.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  const [table] = await nodes.rows<{ columns: string[]; nullable: string[]; sorting_key: string }>(
    `SELECT sorting_key, (SELECT groupArray(name) FROM system.columns WHERE database = currentDatabase() AND table = ${literal}) AS columns,
       (SELECT groupArray(name) FROM system.columns WHERE database = currentDatabase() AND table = ${literal} AND startsWith(type, 'Nullable(')) AS nullable
     FROM system.tables WHERE database = currentDatabase() AND name = ${literal}`,
  );
  const key = shardingKey(table?.columns ?? [], table?.sorting_key ?? '', q, new Set(table?.nullable ?? []));
  await nodes.onEvery(`CREATE TABLE ${ifNotExists}${q(name)} AS ${q(localName)} ENGINE = Distributed(${q(nodes.cluster)}, ${q(nodes.database)}, ${q(localName)}, ${key})`);
}

/**
 * Which shard a row goes to: a hash of its person (`person_id`, else `customer_id`, the person
 * before identity resolution), so a person's rows of every table sit on one shard; else a hash
 * of the sorting key (rows of one key meet on one shard, where ReplacingMergeTree folds them);
 * else (a keyless derived table) rand(). NULL hashes as the type's default, except a NULL
 * `customer_id` (`nullable`: an anonymous web or tracked event, most of a site's traffic), which
 * belongs to no person: such a row goes by its sorting key, else all anonymous rows would pile
 * up on one shard (the demo's two shards held 0.29M and 0.94M web events).
 */
export function shardingKey(columns: readonly string[], sortingKey: string, quoteIdent: (name: string) => string, nullable: ReadonlySet<string> = new Set()): string {
  const hash = (names: readonly string[]): string => `cityHash64(${names.map((n) => `assumeNotNull(${quoteIdent(n)})`).join(', ')})`;
  const keyColumns = sortingKey.split(',').map((k) => unquote(k.trim())).filter((k) => k !== '');
  const byKey = keyColumns.length > 0 && keyColumns.every((k) => columns.includes(k)) ? hash(keyColumns) : null;
  if (columns.includes('person_id')) return hash(['person_id']);
  if (columns.includes('customer_id')) {
    const byRecord = hash(['customer_id']);
    return nullable.has('customer_id') && byKey !== null && !keyColumns.includes('customer_id') ? `if(isNull(${quoteIdent('customer_id')}), ${byKey}, ${byRecord})` : byRecord;
  }
  return byKey ?? 'rand()';
}

/**
 * RENAME TABLE a TO b, ...: the local tables are renamed on each node in one statement (atomic
 * there), then the Distributed tables of every name involved are dropped and made again over the
 * renamed local tables (a Distributed table names its local table, so renaming it would point it
 * at the old data).
 */
async function renameTables(nodes: ClusterNodes, list: string): Promise<void> {
  const pairs = splitTopLevel(list).map((part) => {
    const pair = RENAME_PAIR.exec(part);
    if (!pair) throw new Error(`no cluster form for RENAME TABLE ${list.slice(0, 120)}`);
    return { from: unquote(pair[1] ?? ''), to: unquote(pair[2] ?? '') };
  });
  const q = (n: string): string => nodes.quoteIdent(n);
  await nodes.onEvery(`RENAME TABLE ${pairs.map((p) => `${q(local(p.from))} TO ${q(local(p.to))}`).join(', ')}`);
  for (const name of new Set(pairs.flatMap((p) => [p.from, p.to]))) await nodes.onEvery(`DROP TABLE IF EXISTS ${q(name)}`);
  for (const pair of pairs) await createDistributed(nodes, pair.to);
}

/**
 * ALTER TABLE on each node's local table (REPLACE PARTITION ... FROM another table takes the
 * other's local table: both are sharded alike, so each shard swaps its own part); a column change
 * then remakes the Distributed table, whose columns are its local table's.
 */
async function alterTable(nodes: ClusterNodes, name: string, rest: string): Promise<void> {
  const q = (n: string): string => nodes.quoteIdent(n);
  const action = rest.replace(ALTER_FROM, (_all, other: string) => `FROM ${q(local(unquote(other)))}`);
  await nodes.onEvery(`ALTER TABLE ${q(local(name))} ${action}`);
  if (COLUMN_CHANGE.test(rest)) {
    await nodes.onEvery(`DROP TABLE IF EXISTS ${q(name)}`);
    await createDistributed(nodes, name);
  }
}

/** Parts of a comma-separated list, commas inside backquotes, quotes or brackets left alone. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (const token of tokenize(list)) {
    if (token.text === '(') depth++;
    else if (token.text === ')') depth--;
    else if (token.text === ',' && depth === 0) {
      parts.push(list.slice(start, token.at));
      start = token.at + 1;
    }
  }
  parts.push(list.slice(start));
  return parts;
}

interface Token {
  readonly text: string;
  readonly kind: 'space' | 'string' | 'ident' | 'word' | 'other';
  /** Offset in the text. */
  readonly at: number;
}

const TOKEN = /(\s+)|('(?:[^'\\]|\\[\s\S]|'')*')|(`(?:[^`\\]|\\[\s\S])*`|"(?:[^"\\]|\\[\s\S])*")|([A-Za-z_][A-Za-z0-9_]*)|(--[^\n]*|[\s\S])/gy;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match; match = TOKEN.exec(text)) {
    const kind = match[1] ? 'space' : match[2] ? 'string' : match[3] ? 'ident' : match[4] ? 'word' : 'other';
    tokens.push({ text: match[0], kind, at: match.index });
    if (TOKEN.lastIndex >= text.length) break;
  }
  return tokens;
}

/**
 * On one server: a statement with DISTINCT and a JOIN reads its joined tables as one stream each
 * (see wrapJoinedTables: 18.16 repeats rows of a DISTINCT over a JOIN when the left table is read
 * by several threads, as a table of several parts is); any other statement is left as it is.
 */
export function distinctJoinsInOneStream(text: string): string {
  return /\bDISTINCT\b/i.test(text) ? wrapJoinedTables(text) : text;
}

/** Words after a table name that are not its alias. */
const CLAUSE_WORDS = new Set(
  'WHERE GROUP ORDER LIMIT HAVING LEFT RIGHT INNER OUTER FULL CROSS JOIN ANY ALL ON USING UNION ARRAY GLOBAL PREWHERE FINAL SAMPLE SETTINGS FORMAT SEMI ANTI ASOF INTO VALUES SELECT WITH'.split(' '),
);

/**
 * 18.16 cannot run a JOIN whose left table is a Distributed table when the query names columns
 * by their table (`a.person_id`: "Unknown identifier", the alias is lost in the query sent to the
 * shards). In a statement with a JOIN, each table after FROM or JOIN becomes a subquery of the
 * same name, `(SELECT * FROM t) AS t`: the join then runs on the query node over rows the
 * shards send (docs/clickhouse.md). Statements without JOIN (ARRAY JOIN aside) are unchanged and
 * run on every shard, their aggregates merged by the query node.
 */
export function wrapJoinedTables(text: string): string {
  const significant = tokenize(text).filter((t) => t.kind !== 'space');
  if (!significant.some((_t, i) => joinsAt(significant, i))) return text;
  // 18.16 applies a SELECT DISTINCT over a JOIN to each input stream apart and never again after
  // their union (duplicates come back when the left side arrives in several streams: one per shard,
  // or per thread): a LIMIT of every row makes each joined table one stream. Aggregates merge fine.
  const oneStream = significant.some((t) => isWord(t, 'DISTINCT')) ? ' LIMIT 18446744073709551615' : '';
  return replaceRanges(text, tablesRead(text).map((r) => ({ ...r, text: `(SELECT * FROM ${r.token}${oneStream}) AS ${r.alias}` })));
}

function isWord(t: Token | undefined, word: string): boolean {
  return t?.kind === 'word' && t.text.toUpperCase() === word;
}

function joinsAt(significant: readonly Token[], i: number): boolean {
  return isWord(significant[i], 'JOIN') && !isWord(significant[i - 1], 'ARRAY');
}

/** A table named after FROM or JOIN: its name, as written and unquoted, its alias, and where the two stand in the text. */
interface TableRead {
  readonly token: string;
  readonly table: string;
  readonly alias: string;
  readonly from: number;
  readonly to: number;
}

/** The tables a statement names after FROM or JOIN (subqueries, table functions and qualified names left out). */
function tablesRead(text: string): TableRead[] {
  const significant = tokenize(text).filter((t) => t.kind !== 'space');
  const read: TableRead[] = [];
  for (let i = 0; i < significant.length; i++) {
    if (!isWord(significant[i], 'FROM') && !joinsAt(significant, i)) continue;
    const table = significant[i + 1];
    const after = significant[i + 2];
    if (!table || (table.kind !== 'ident' && table.kind !== 'word') || CLAUSE_WORDS.has(table.text.toUpperCase())) continue;
    // A database-qualified name (system.tables) or a table function (numbers(10)) is left as it is.
    if (after?.text === '.' || after?.text === '(') continue;
    let alias = table.text;
    let last = table;
    if (isWord(after, 'AS') && significant[i + 3]) {
      last = significant[i + 3] as Token;
      alias = last.text;
    } else if (after && (after.kind === 'ident' || (after.kind === 'word' && !CLAUSE_WORDS.has(after.text.toUpperCase())))) {
      last = after;
      alias = after.text;
    }
    // FINAL stays with its table inside the wrapping subquery: on the subquery it is illegal (a
    // Distributed table takes it and passes it on to each shard, where the key's rows all sit).
    const next = significant[significant.indexOf(last) + 1];
    const final = isWord(next, 'FINAL');
    if (final && next) last = next;
    read.push({ token: final ? `${table.text} FINAL` : table.text, table: unquote(table.text), alias, from: table.at, to: last.at + last.text.length });
  }
  return read;
}

function replaceRanges(text: string, ranges: readonly { from: number; to: number; text: string }[]): string {
  let result = text;
  for (const r of [...ranges].sort((a, b) => b.from - a.from)) result = `${result.slice(0, r.from)}${r.text}${result.slice(r.to)}`;
  return result;
}
