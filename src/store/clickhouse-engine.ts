import type { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { DatabaseUnavailableError } from '../errors.js';
import { ClickHouseDialect } from './dialect.js';
import type { Engine, Row } from './engine.js';
import { compile, type Sql } from './sql.js';

/**
 * Settings sent with every query. @clickhouse/client 1.x speaks plain HTTP with `FORMAT` clauses
 * and URL settings that Debian's ClickHouse 18.16 understands (tested by test/clickhouse), so no
 * hand-written HTTP is needed; these two make 18.16's joins behave as SQL's:
 * - join_use_nulls: a LEFT JOIN's missing right-hand values are NULL (coalesce works), not 0 or ''.
 * - join_default_strictness: a plain JOIN means ALL (every match), as on DuckDB.
 */
const SETTINGS = { join_use_nulls: 1, join_default_strictness: 'ALL' } as const;
/** The client would also log each failed query; the error reaches the caller, who reports it. */
const QUIET = { level: ClickHouseLogLevel.OFF };

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
  ) {}

  /**
   * Connects to `database` on the server at `url` (http://host:8123), creating the database if
   * missing. `location` is what the engine shows as its place: never the password.
   */
  static async open(url: string, database: string, login: ClickHouseLogin = {}): Promise<ClickHouseEngine> {
    const credentials = { ...(login.username !== undefined ? { username: login.username } : {}), ...(login.password !== undefined ? { password: login.password } : {}) };
    const location = login.location ?? `${url.replace(/\/+$/, '')}/${database}`;
    const admin = createClient({ url, ...credentials, clickhouse_settings: SETTINGS, log: QUIET });
    try {
      await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${new ClickHouseDialect().quoteIdent(database)}` });
    } catch (error) {
      throw new DatabaseUnavailableError(`cannot open the ClickHouse database at ${location}: ${withoutSecret(error, login.password)}`, { cause: error });
    } finally {
      await admin.close();
    }
    const client = createClient({ url, database, ...credentials, clickhouse_settings: SETTINGS, log: QUIET });
    const result = await client.query({ query: 'SELECT timezone() AS tz', format: 'JSONEachRow' });
    const [row] = await result.json<{ tz: string }>();
    return new ClickHouseEngine(location, client, row?.tz ?? 'UTC');
  }

  async exec(query: Sql | string): Promise<void> {
    await this.client.command({ query: this.text(query) });
  }

  async query<T extends Row = Row>(query: Sql | string): Promise<T[]> {
    const result = await this.client.query({ query: this.text(query), format: 'JSONCompact' });
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
