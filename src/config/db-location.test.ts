import { describe, expect, it } from 'vitest';
import { parseConfig } from './index.js';
import { ConfigError } from '../errors.js';
import { displayDbLocation, parseDbLocation } from './db-location.js';

const SECRET = 'p@ss:w0rd/secret';
const withSecret = (rest: string): string => `clickhouse://ana:${encodeURIComponent(SECRET)}@${rest}`;

function messageOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('the --db location', () => {
  it('is a DuckDB file unless it is a clickhouse:// URL', () => {
    expect(parseDbLocation('./fidelis.duckdb')).toEqual({ engine: 'duckdb', path: './fidelis.duckdb' });
    expect(parseDbLocation(':memory:')).toEqual({ engine: 'duckdb', path: ':memory:' });
  });

  it('splits a ClickHouse URL into server, login and database, the password decoded and kept out of the display form', () => {
    expect(parseDbLocation(withSecret('ch.example.org:8124/shop_1'))).toEqual({
      engine: 'clickhouse',
      url: 'http://ch.example.org:8124',
      username: 'ana',
      password: SECRET,
      database: 'shop_1',
      display: 'clickhouse://ana:***@ch.example.org:8124/shop_1',
    });
    expect(parseDbLocation('clickhouses://h/db')).toMatchObject({ url: 'https://h:8123', username: 'default', password: '', database: 'db' });
  });

  it('takes a cluster and the HTTP address of its nodes after "?"', () => {
    expect(parseDbLocation('clickhouse://h:8123/shop?cluster=fidelis')).toMatchObject({ database: 'shop', cluster: { name: 'fidelis' } });
    expect(parseDbLocation('clickhouse://h:8123/shop?cluster=fidelis&nodes=h1:8123,h2:8124')).toMatchObject({
      cluster: { name: 'fidelis', nodes: ['h1:8123', 'h2:8124'] },
    });
    expect(parseDbLocation('clickhouse://h:8123/shop')).not.toHaveProperty('cluster');
  });

  it.each([
    ['ch.example.org:8123/', 'the database is missing'],
    ['ch.example.org:8123/shop/extra', 'the database name must be letters, digits and _'],
    ['ch.example.org:8123/1shop', 'the database name must be letters, digits and _'],
    [':8123/shop', 'not a valid URL'],
    ['ch.example.org:8123/shop?compression=1', 'options after "?" other than cluster and nodes are not supported (compression)'],
    ['ch.example.org:8123/shop?cluster=a;b', 'the cluster name must be letters'],
    ['ch.example.org:8123/shop?cluster=x&nodes=h1', 'nodes must be host:port,host:port'],
    ['ch.example.org:8123/shop?nodes=h1:8123', 'nodes needs cluster'],
    ['ch.example.org:99999/shop', 'not a valid URL'],
  ])('refuses %s naming the wrong part, without the password', (rest, part) => {
    const message = messageOf(() => parseDbLocation(withSecret(rest)));
    expect(message).toContain(part);
    expect(message).toContain('expected clickhouse://user:password@host:8123/database');
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(encodeURIComponent(SECRET));
  });

  it('refuses an unknown scheme without echoing its password', () => {
    const message = messageOf(() => parseDbLocation(`postgres://ana:${SECRET}@h/db`));
    expect(message).toContain('unknown scheme');
    expect(message).not.toContain(SECRET);
    expect(displayDbLocation(`postgres://ana:${SECRET}@h/db`)).toBe('postgres://ana:***@h/db');
  });

  it('is validated where the configuration is: the file, FIDELIS_DB and --db give the same error under "db"', () => {
    const message = messageOf(() => parseConfig({ db: withSecret('h:8123/') }));
    expect(message).toMatch(/- db: database location "clickhouse:\/\/ana:\*\*\*@h:8123\/": the database is missing/);
    expect(message).not.toContain(encodeURIComponent(SECRET));
    expect(parseConfig({ db: withSecret('h/shop') }).db).toBe(withSecret('h/shop'));
  });
});
