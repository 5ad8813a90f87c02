import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * Where the datamart lives, as `--db`, the configuration's `db` or FIDELIS_DB give it: a DuckDB
 * file (any text that is not a URL, or ":memory:"), or a ClickHouse database named by
 * `clickhouse://user:password@host:8123/database` (`clickhouses://` for HTTPS).
 */
export type DbLocation =
  | { readonly engine: 'duckdb'; readonly path: string }
  | {
      readonly engine: 'clickhouse';
      /** The server's HTTP address, without credentials (http://host:port). */
      readonly url: string;
      readonly username: string;
      readonly password: string;
      readonly database: string;
      /** The URL with the password left out: the only form shown or logged. */
      readonly display: string;
      /**
       * `?cluster=name`: run on that cluster of the servers' remote_servers (a Distributed table
       * over a local table on each node); `&nodes=host:port,...` the HTTP address of each node.
       */
      readonly cluster?: { readonly name: string; readonly nodes?: readonly string[] };
    };

const CLICKHOUSE_SCHEMES = ['clickhouse:', 'clickhouses:'] as const;
const EXAMPLE = 'clickhouse://user:password@host:8123/database';

/** Each part of a ClickHouse URL, checked apart so the error names the one to fix. */
const clickHouseParts = z.object({
  host: z.string().min(1, 'the host is missing'),
  port: z
    .string()
    .regex(/^\d*$/, 'the port must be a number')
    .transform((p) => (p === '' ? 8123 : Number(p)))
    .pipe(z.number().int().min(1, 'the port must be between 1 and 65535').max(65535, 'the port must be between 1 and 65535')),
  username: z.string().max(128, 'the user name is longer than 128 characters'),
  database: z
    .string()
    .min(1, 'the database is missing (the path after the port)')
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the database name must be letters, digits and _ (not starting with a digit), in one path segment'),
  options: z
    .strictObject(
      {
        cluster: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'the cluster name must be letters, digits, _, . and -').optional(),
        nodes: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+:\d{1,5}(,[A-Za-z0-9_.-]+:\d{1,5})*$/, 'nodes must be host:port,host:port (the HTTP port of each node)')
          .optional(),
      },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? `options after "?" other than cluster and nodes are not supported (${issue.keys.join(', ')})` : undefined) },
    )
    .refine((o) => o.nodes === undefined || o.cluster !== undefined, 'nodes needs cluster'),
  hash: z.literal('', { error: 'a "#" fragment is not supported' }),
});

export function isClickHouseLocation(text: string): boolean {
  return CLICKHOUSE_SCHEMES.some((scheme) => text.toLowerCase().startsWith(`${scheme}//`));
}

/**
 * Parses a datamart location. A ClickHouse URL is validated part by part; the error names the
 * part that is wrong and shows the URL with its password replaced by "***" (never the password).
 */
export function parseDbLocation(text: string): DbLocation {
  if (!isClickHouseLocation(text)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
      throw new ConfigError(`database location ${JSON.stringify(redactUrlText(text))}: unknown scheme; expected a DuckDB file path or ${EXAMPLE}`);
    }
    return { engine: 'duckdb', path: text };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`database location ${JSON.stringify(redactUrlText(text))}: not a valid URL; expected ${EXAMPLE}`);
  }
  const display = displayUrl(url);
  const parsed = clickHouseParts.safeParse({
    host: url.hostname,
    port: url.port,
    username: decodeURIComponent(url.username),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    options: Object.fromEntries(url.searchParams),
    hash: url.hash,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => i.message).join('; ');
    throw new ConfigError(`database location ${JSON.stringify(display)}: ${problems}; expected ${EXAMPLE}`);
  }
  const { host, port, username, database, options } = parsed.data;
  const scheme = url.protocol === 'clickhouses:' ? 'https' : 'http';
  return {
    engine: 'clickhouse',
    url: `${scheme}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`,
    username: username === '' ? 'default' : username,
    password: decodeURIComponent(url.password),
    database,
    display,
    ...(options.cluster !== undefined ? { cluster: { name: options.cluster, ...(options.nodes !== undefined ? { nodes: options.nodes.split(',') } : {}) } } : {}),
  };
}

/** A location as it may be shown: a ClickHouse URL without its password, a file path as it is. */
export function displayDbLocation(text: string): string {
  return isClickHouseLocation(text) || /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? redactUrlText(text) : text;
}

function displayUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = '***';
  return copy.href;
}

/** The password of a URL-like text replaced by "***", even when the text does not parse as a URL. */
function redactUrlText(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):.*@/i, '$1:***@');
}
