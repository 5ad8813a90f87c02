import { sql, type Engine, type SqlValue, type TableSpec } from '../../src/store/index.js';

/**
 * Copies tables row by row through the Engine API (SELECT on one engine, INSERT ... VALUES on the
 * other): how the ClickHouse tests get the same data DuckDB imported from files, since file
 * import reads through DuckDB's own readers. The target tables must exist with these columns.
 */
export async function copyTables(from: Engine, to: Engine, specs: readonly TableSpec[], batch = 1000): Promise<void> {
  for (const spec of specs) {
    const names = spec.columns.map((c) => c.name);
    const rows = await from.query(sql`SELECT ${sql.join(names.map((n) => sql.id(n)))} FROM ${sql.id(spec.name)}`);
    for (let start = 0; start < rows.length; start += batch) {
      const values = rows.slice(start, start + batch).map((row) => sql`(${sql.join(names.map((n) => sql`${toSqlValue(row[n])}`))})`);
      await to.exec(sql`INSERT INTO ${sql.id(spec.name)} (${sql.join(names.map((n) => sql.id(n)))}) VALUES ${sql.join(values)}`);
    }
  }
}

function toSqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value instanceof Date) return value;
  throw new TypeError(`cannot copy a value of type ${typeof value} (${JSON.stringify(value)})`);
}
