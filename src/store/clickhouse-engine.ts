import type { Readable } from 'node:stream';
import type { ClickHouseClient, ClickHouseClientConfigOptions } from '@clickhouse/client';
import { DatabaseUnavailableError } from '../errors.js';
import { distinctJoinsInOneStream, execOnCluster, localTableName, mutatedTable, wrapJoinedTables, type ClusterNodes } from './clickhouse-cluster.js';
import { ClickHouseDialect } from './dialect/index.js';
import { appendColumnValues, concatBatches, type AppendColumn, type Column, type ColumnBatchOptions, type Engine, type Row } from './engine.js';
import { compile, sql, type Sql, type SqlValue } from './sql.js';

/**
 * Settings sent with every query. @clickhouse/client 1.x speaks plain HTTP with `FORMAT` clauses
 * and URL settings that Debian's ClickHouse 18.16 understands (tested by test/clickhouse), so no
 * hand-written HTTP is needed; these two make 18.16's joins behave as SQL's:
 * - join_use_nulls: a LEFT JOIN's missing right-hand values are NULL (coalesce works), not 0 or ''.
 * - join_default_strictness: a plain JOIN means ALL (every match), as on DuckDB.
 */
const SETTINGS = { join_use_nulls: 1, join_default_strictness: 'ALL' } as const;
/**
 * On a cluster, besides: an INSERT into a Distributed table returns once every shard holds its
 * rows (18.16 queues them for a background send otherwise, and the next query would miss them),
 * and an IN subquery over a Distributed table inside a query sent to the shards is run once and
 * sent along (GLOBAL IN) rather than refused.
 */
const CLUSTER_SETTINGS = { ...SETTINGS, insert_distributed_sync: 1, distributed_product_mode: 'global' } as const;
/**
 * Large GROUP BYs and sorts spill to disk rather than fail: at 300,000 persons on the cluster,
 * person_profiles' GROUP BY (two argMax of text per attribute) went over the query node's 2 GB
 * per-query limit. Unless the server sets its own thresholds, they are put at half its
 * max_memory_usage (ClickHouse's advice); on a cluster the query node also merges the shards'
 * partial aggregates bucket by bucket (distributed_aggregation_memory_efficient).
 */
async function spillSettings(client: ClickHouseClient, cluster: boolean): Promise<{ settings: Record<string, number>; memoryLimit: number | undefined }> {
  const query = `SELECT name, value FROM system.settings
    WHERE name IN ('max_memory_usage', 'max_bytes_before_external_group_by', 'max_bytes_before_external_sort')`;
  const rows = await (await client.query({ query, format: 'JSONEachRow' })).json<{ name: string; value: string }>();
  const value = (name: string): number => Number(rows.find((r) => r.name === name)?.value ?? 0);
  const limit = value('max_memory_usage');
  const out: Record<string, number> = cluster ? { distributed_aggregation_memory_efficient: 1 } : {};
  if (limit > 0) {
    for (const name of ['max_bytes_before_external_group_by', 'max_bytes_before_external_sort']) {
      if (value(name) === 0) out[name] = Math.floor(limit / 2);
    }
  }
  return { settings: out, memoryLimit: limit > 0 ? limit : undefined };
}

/**
 * How long the client waits for one statement's answer. The client's default (30 s) killed the
 * pipeline's first step at 100,000 persons: a step's INSERT ... SELECT sends nothing until it is
 * done, and at scale one takes minutes. The server's own limits (max_execution_time) still apply;
 * a server that goes away still fails the call at once (the connection closes).
 */
const REQUEST_TIMEOUT_MS = 6 * 60 * 60 * 1000;

/**
 * A client of the server at `options.url`. The library is loaded on the first one: 0.2 s that a
 * command or server on DuckDB does not pay.
 */
async function createClient(options: ClickHouseClientConfigOptions): Promise<ClickHouseClient> {
  const library = await import('@clickhouse/client');
  // The client would also log each failed query; the error reaches the caller, who reports it.
  return library.createClient({ ...options, log: { level: library.ClickHouseLogLevel.OFF }, request_timeout: REQUEST_TIMEOUT_MS });
}

/**
 * How long an ALTER TABLE ... DELETE or UPDATE may take to apply (see awaitMutations): it rewrites
 * every part holding a matching row, so retention over a large events table takes minutes.
 */
const MUTATION_TIMEOUT_MS = 60 * 60 * 1000;
/** Rows per batch of queryColumnBatches and per INSERT of appendColumns, unless the caller says. */
const BATCH_ROWS = 65_536;

/**
 * The scale-out engine: one database on a ClickHouse server, over HTTP. Values are inlined by the
 * dialect's escaping (18.16 has no server-side parameters). No transactions: `transaction` runs
 * its work as it comes, and a failure leaves what was already written.
 */
export class ClickHouseEngine implements Engine {
  readonly dialect = new ClickHouseDialect();

  private constructor(
    readonly location: string,
    private readonly client: ClickHouseClient,
    /** Timezone of the server, in which DateTime columns without their own are written. */
    private readonly serverTimezone: string,
    /** The query node's max_memory_usage (Engine.queryMemoryLimit). */
    readonly queryMemoryLimit: number | undefined,
    /** On a cluster: where DDL goes (every node) besides the query node. */
    private readonly cluster: ClusterNodes | null = null,
    private readonly nodeClients: readonly ClickHouseClient[] = [],
  ) {}

  /** The cluster's name when the engine runs on one (tables local to each node plus Distributed ones), else null. */
  get clusterName(): string | null {
    return this.cluster?.cluster ?? null;
  }

  /**
   * Connects to `database` on the server at `url` (http://host:8123), creating the database if
   * missing. `location` is what the engine shows as its place: never the password.
   */
  static async open(url: string, database: string, login: ClickHouseLogin = {}, cluster?: ClickHouseCluster): Promise<ClickHouseEngine> {
    const credentials = { ...(login.username !== undefined ? { username: login.username } : {}), ...(login.password !== undefined ? { password: login.password } : {}) };
    const location = login.location ?? `${url.replace(/\/+$/, '')}/${database}`;
    const dialect = new ClickHouseDialect();
    const unavailable = (error: unknown): DatabaseUnavailableError =>
      new DatabaseUnavailableError(`cannot open the ClickHouse database at ${location}: ${withoutSecret(error, login.password)}`, { cause: error });
    const nodeUrls = cluster ? await clusterNodeUrls(url, credentials, cluster).catch((error: unknown) => Promise.reject(unavailable(error))) : [url];
    let spill: Record<string, number> = {};
    let memoryLimit: number | undefined;
    for (const nodeUrl of nodeUrls) {
      const admin = await createClient({ url: nodeUrl, ...credentials, clickhouse_settings: cluster ? CLUSTER_SETTINGS : SETTINGS });
      try {
        await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${dialect.quoteIdent(database)}` });
        // The query node's limits: the other nodes run the shards' parts under their own.
        if (nodeUrl === nodeUrls[0]) ({ settings: spill, memoryLimit } = await spillSettings(admin, cluster !== undefined));
      } catch (error) {
        throw unavailable(error);
      } finally {
        await admin.close();
      }
    }
    const settings = { ...(cluster ? CLUSTER_SETTINGS : SETTINGS), ...spill };
    const client = await createClient({ url, database, ...credentials, clickhouse_settings: settings });
    const result = await client.query({ query: 'SELECT timezone() AS tz', format: 'JSONEachRow' });
    const [row] = await result.json<{ tz: string }>();
    if (!cluster) return new ClickHouseEngine(location, client, row?.tz ?? 'UTC', memoryLimit);
    const others = await Promise.all(nodeUrls.slice(1).map((u) => createClient({ url: u, database, ...credentials, clickhouse_settings: settings })));
    const nodes: ClusterNodes = {
      cluster: cluster.name,
      database,
      quoteIdent: (name) => dialect.quoteIdent(name),
      onMain: async (statement) => {
        await client.command({ query: statement });
      },
      // Each node in parallel: DDL is most of a step's time on 18.16, a round trip per statement.
      onEvery: async (statement) => {
        await Promise.all([client, ...others].map((node) => node.command({ query: statement })));
      },
      rows: async <T extends Record<string, unknown>>(query: string) => (await client.query({ query, format: 'JSONEachRow' })).json<T>(),
    };
    return new ClickHouseEngine(location, client, row?.tz ?? 'UTC', memoryLimit, nodes, others);
  }

  async exec(query: Sql | string): Promise<void> {
    const text = this.text(query);
    if (this.cluster) await execOnCluster(this.cluster, text);
    else await this.client.command({ query: distinctJoinsInOneStream(text) });
    const mutated = mutatedTable(text);
    if (mutated !== null) await this.awaitMutations(this.cluster ? localTableName(mutated) : mutated);
  }

  /**
   * Returns once no mutation of `table` is pending on any node. 18.16 runs an ALTER TABLE ...
   * DELETE or UPDATE in the background and answers at once (`mutations_sync` came later), so the
   * next read could still see the rows: a retried dead letter listed again, an erased row found.
   * A mutation that cannot apply stays pending in 18.16 (system.mutations has no failure column
   * yet), hence the deadline and its message.
   */
  private async awaitMutations(table: string): Promise<void> {
    const deadline = Date.now() + MUTATION_TIMEOUT_MS;
    const pending = `SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND table = ${this.dialect.literal(table)} AND is_done = 0`;
    for (const node of [this.client, ...this.nodeClients]) {
      // A poll interval that grows, not a fixed wait: a small table's mutation is done in milliseconds.
      for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
        const [row] = await (await node.query({ query: pending, format: 'JSONEachRow' })).json<{ n: string | number }>();
        if (Number(row?.n ?? 0) === 0) break;
        if (Date.now() > deadline) {
          throw new Error(`a mutation of ${table} is still not done after ${MUTATION_TIMEOUT_MS / 1000} s: see system.mutations and the server's error log (18.16 retries a mutation that fails, without saying why)`);
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** Engine.execPerPerson: shard by shard on a cluster (see execOnCluster), as exec on one server. */
  async execPerPerson(statement: Sql): Promise<void> {
    if (this.cluster) await execOnCluster(this.cluster, this.text(statement), { perPerson: true });
    else await this.exec(statement);
  }

  async query<T extends Row = Row>(query: Sql | string): Promise<T[]> {
    const text = this.cluster ? wrapJoinedTables(this.text(query)) : distinctJoinsInOneStream(this.text(query));
    const result = await this.client.query({ query: text, format: 'JSONCompact' });
    const { meta = [], data } = await result.json<unknown[]>();
    const readers = meta.map((column) => reader(column.type, this.serverTimezone));
    return data.map((values) => {
      const row: Row = {};
      meta.forEach((column, i) => {
        row[column.name] = (readers[i] as Reader)(values[i]);
      });
      return row as T;
    });
  }

  /** Engine.queryColumns: every batch of queryColumnBatches, concatenated (one batch of text and values held at a time). */
  async queryColumns(query: Sql | string, options: ColumnBatchOptions = {}): Promise<Column[]> {
    const batches: Column[][] = [];
    for await (const batch of this.queryColumnBatches(query, options)) batches.push(batch);
    return concatBatches(batches);
  }

  /**
   * Engine.queryColumnBatches: the result streamed as TabSeparatedWithNamesAndTypes (18.16 has no
   * compact row-per-line JSON; this one says the types, so integer and float columns come as typed
   * arrays) and cut into batches of `rows`: what this process holds at once is one batch of text
   * and values, whatever the size of the result.
   */
  async *queryColumnBatches(query: Sql | string, options: ColumnBatchOptions = {}): AsyncGenerator<Column[]> {
    const size = Math.max(1, Math.trunc(options.rows ?? BATCH_ROWS));
    const result = await this.client.query({ query: this.text(query), format: 'TabSeparatedWithNamesAndTypes' });
    let header = 0;
    let kinds: TsvColumn[] = [];
    let pending: string[][] = [];
    for await (const lines of result.stream()) {
      for (const line of lines) {
        const fields = line.text.split('\t');
        if (header === 0) header++;
        else if (header === 1) {
          header++;
          kinds = fields.map((type) => tsvColumn(unescapeTsv(type), this.serverTimezone));
        } else {
          pending.push(fields);
          if (pending.length >= size) {
            yield tsvColumns(pending, kinds);
            pending = [];
          }
        }
      }
    }
    if (pending.length > 0) yield tsvColumns(pending, kinds);
  }

  /**
   * Engine.appendColumns: `rowCount` rows, a column of values for each column of the table in its
   * order, sent as JSONEachRow INSERTs of BATCH_ROWS rows (no SQL text to escape; a batch of row
   * objects at a time, not the whole set).
   */
  async appendColumns(table: string, columns: readonly AppendColumn[], rowCount: number): Promise<void> {
    if (rowCount === 0) return;
    // In the table's order (18.16's system.columns has no position column; it lists them in order).
    const described = await this.query<{ name: string; type: string }>(sql`SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ${table}`);
    const names = described.map((r) => r.name);
    if (names.length !== columns.length) throw new Error(`append to ${table}: ${columns.length} columns for ${names.length}`);
    // A text column (TextColumn) gives numbers as text, which 18.16's JSONEachRow refuses for a number column.
    const values = columns.map((column, c) => (NUMBER_TYPE.test(unwrap(described[c]?.type ?? '')) ? appendColumnValues(column).map(asNumber) : appendColumnValues(column)));
    for (let start = 0; start < rowCount; start += BATCH_ROWS) {
      const rows: Record<string, unknown>[] = [];
      for (let r = start; r < Math.min(rowCount, start + BATCH_ROWS); r++) {
        const row: Record<string, unknown> = {};
        names.forEach((name, c) => (row[name] = jsonValue((values[c] as readonly SqlValue[])[r] ?? null)));
        rows.push(row);
      }
      await this.client.insert({ table, values: rows, format: 'JSONEachRow' });
    }
  }

  /** Engine.insertStream: the client's insert stream, the server parsing the format. */
  async insertStream(table: string, format: 'CSVWithNames' | 'TabSeparatedWithNames' | 'JSONEachRow', body: Readable, settings: Readonly<Record<string, string | number>> = {}): Promise<void> {
    await this.client.insert({ table: this.dialect.quoteIdent(table), values: body, format, clickhouse_settings: { ...settings } });
  }

  /** No transactions on ClickHouse: the work runs unprotected; a failure leaves what was written. */
  async transaction<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
    return work(this);
  }

  async close(): Promise<void> {
    await this.client.close();
    for (const node of this.nodeClients) await node.close();
  }

  private text(query: Sql | string): string {
    const { text, params } = compile(query, this.dialect);
    // The dialect has no placeholders, so every value is already an escaped literal.
    if (params.length > 0) throw new Error('ClickHouse queries take no bound parameters');
    return text;
  }
}

/** Who connects, and the location to show for the database (a URL without its password). */
export interface ClickHouseLogin {
  readonly username?: string;
  readonly password?: string;
  readonly location?: string;
}

/**
 * A cluster of the servers' `remote_servers` to run on: its name, and the HTTP address
 * (host:port) of each node, where the engine sends DDL; without `nodes`, each node's host as
 * system.clusters names it, at the URL's port.
 */
export interface ClickHouseCluster {
  readonly name: string;
  readonly nodes?: readonly string[];
}

/**
 * The HTTP URL of every node of the cluster, the query node first, checked against the server's
 * cluster: it must exist, and each of its shards must be some node's own (system.clusters'
 * is_local there), else DDL would miss a shard.
 */
async function clusterNodeUrls(url: string, credentials: { username?: string; password?: string }, cluster: ClickHouseCluster): Promise<string[]> {
  const { protocol, port } = new URL(url);
  const dialect = new ClickHouseDialect();
  const name = dialect.literal(cluster.name);
  const ask = async <T>(nodeUrl: string, query: string): Promise<T[]> => {
    const client = await createClient({ url: nodeUrl, ...credentials });
    try {
      return await (await client.query({ query, format: 'JSONEachRow' })).json<T>();
    } finally {
      await client.close();
    }
  };
  const shards = await ask<{ shard_num: number; host_name: string }>(url, `SELECT shard_num, host_name FROM system.clusters WHERE cluster = ${name}`);
  if (shards.length === 0) throw new Error(`the server has no cluster ${JSON.stringify(cluster.name)} in its remote_servers`);
  const given = cluster.nodes ?? [...new Set(shards.map((s) => `${s.host_name}:${port || '8123'}`))];
  const urls = [...new Set([url.replace(/\/+$/, ''), ...given.map((node) => `${protocol}//${node}`)])];
  const covered = new Set<number>();
  for (const nodeUrl of urls) {
    for (const row of await ask<{ shard_num: number }>(nodeUrl, `SELECT shard_num FROM system.clusters WHERE cluster = ${name} AND is_local`)) covered.add(Number(row.shard_num));
  }
  const missing = [...new Set(shards.map((s) => Number(s.shard_num)))].filter((n) => !covered.has(n));
  if (missing.length > 0) throw new Error(`no node given for shard ${missing.join(', ')} of cluster ${JSON.stringify(cluster.name)} (nodes: ${urls.join(', ')})`);
  return urls;
}

/** An error's message with the password cut out, should a server or library ever echo it. */
function withoutSecret(error: unknown, secret: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  return secret ? message.split(secret).join('***') : message;
}

type Reader = (value: unknown) => unknown;

/**
 * How a JSONCompact value of a ClickHouse type becomes what DuckDbEngine gives: integers as
 * numbers when they fit (64-bit ones arrive as strings), bigint otherwise; DateTime and Date as
 * Date; decimals and floats as numbers; arrays element by element.
 */
function reader(type: string, serverTimezone: string): Reader {
  const inner = unwrap(type);
  if (inner.startsWith('Array(')) {
    const element = reader(inner.slice('Array('.length, -1), serverTimezone);
    return (v) => (Array.isArray(v) ? v.map(element) : v);
  }
  if (/^U?Int(64|128|256)$/.test(inner)) return (v) => (typeof v === 'string' ? integer(v) : v);
  if (/^Decimal/.test(inner) || /^Float/.test(inner)) return (v) => (typeof v === 'string' ? Number(v) : v);
  // A non-Nullable Date or DateTime's zero ('0000-00-00...') is what 18.16 gives for min/max over
  // no rows, where DuckDB gives NULL: read as null (epoch 0 itself is no date the datamart holds).
  if (inner === 'Date') return (v) => (v === '0000-00-00' ? null : typeof v === 'string' ? new Date(`${v}T00:00:00Z`) : v);
  const dateTime = /^DateTime(?:\('([^']+)'\))?$/.exec(inner);
  if (dateTime) {
    const zone = dateTime[1] ?? serverTimezone;
    return (v) => (v === '0000-00-00 00:00:00' ? null : typeof v === 'string' ? zonedTime(v, zone) : v);
  }
  return (v) => v;
}

function unwrap(type: string): string {
  const wrapped = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
  return wrapped?.[1] ? unwrap(wrapped[1]) : type;
}

function integer(text: string): number | bigint {
  const value = BigInt(text);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

/** A 'YYYY-MM-DD hh:mm:ss' wall-clock time in `zone` as an instant. */
function zonedTime(text: string, zone: string): Date {
  const asUtc = new Date(`${text.replace(' ', 'T')}Z`);
  if (zone === 'UTC' || zone === 'Etc/UTC' || Number.isNaN(asUtc.getTime())) return asUtc;
  // The zone's offset at that instant, from how Intl writes it there (one correction suffices
  // except within the hour a clock change skips or repeats).
  const offset = (at: Date): number => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .reduce<Record<string, string>>((all, p) => ({ ...all, [p.type]: p.value }), {});
    const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return wall - at.getTime();
  };
  return new Date(asUtc.getTime() - offset(new Date(asUtc.getTime() - offset(asUtc))));
}

const NUMBER_TYPE = /^(U?Int\d+|Float\d+|Decimal)/;

/** A number column's value given as text, as a JSON number where it reads as one exactly (else as it is: the server says why). */
function asNumber(value: SqlValue): SqlValue {
  if (typeof value !== 'string' || value.trim() === '') return value;
  const number = Number(value);
  if (!Number.isFinite(number) || (Number.isInteger(number) && !Number.isSafeInteger(number))) return value;
  return number;
}

/** How a value goes into a JSONEachRow INSERT: DateTime as its UTC wall clock, booleans as 0/1. */
function jsonValue(value: SqlValue): unknown {
  if (value instanceof Date) return value.toISOString().slice(0, 19).replace('T', ' ');
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** One column of a TabSeparated result: its kind in Engine.Column's terms, and how its text reads. */
interface TsvColumn {
  readonly kind: 'int' | 'float' | 'other';
  readonly read: (text: string) => unknown;
}

function tsvColumn(type: string, serverTimezone: string): TsvColumn {
  const inner = unwrap(type);
  if (/^(U?Int(8|16)|Int32)$/.test(inner)) return { kind: 'int', read: (t) => (t === '\\N' ? null : Number(t)) };
  if (/^Float(32|64)$/.test(inner)) return { kind: 'float', read: (t) => (t === '\\N' ? null : tsvFloat(t)) };
  if (inner.startsWith('Array(') || inner.startsWith('Tuple(')) throw new Error(`queryColumnBatches reads no ${type} column`);
  const typed = reader(type, serverTimezone);
  const text = /^(String|FixedString)/.test(inner) || inner.startsWith('Enum');
  return { kind: 'other', read: (t) => (t === '\\N' ? null : typed(text ? unescapeTsv(t) : t)) };
}

function tsvFloat(text: string): number {
  if (text === 'inf' || text === '+inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

/** TabSeparated's escapes undone (\\t, \\n, \\\\, \\0...). */
function unescapeTsv(text: string): string {
  if (!text.includes('\\')) return text;
  const escapes: Readonly<Record<string, string>> = { b: '\b', f: '\f', r: '\r', n: '\n', t: '\t', '0': '\0', "'": "'", '\\': '\\' };
  return text.replace(/\\(.)/g, (_, c: string) => escapes[c] ?? c);
}

function tsvColumns(rows: readonly string[][], kinds: readonly TsvColumn[]): Column[] {
  return kinds.map((column, c): Column => {
    if (column.kind === 'other') return rows.map((fields) => column.read(fields[c] as string));
    const out = column.kind === 'int' ? new Int32Array(rows.length) : new Float64Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const value = column.read((rows[r] as string[])[c] as string) as number | null;
      if (value === null && column.kind === 'int') throw new Error(`queryColumns: NULL in integer column ${c + 1}`);
      out[r] = value ?? NaN;
    }
    return out;
  });
}
