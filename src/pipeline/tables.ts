import { sql, type Engine, type Sql } from '../store/index.js';

/** Replaces a derived table by the result of a query, on any engine. */
export async function replaceTable(engine: Engine, name: string, query: Sql): Promise<void> {
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(name)}`);
  await engine.exec(engine.dialect.createTableAs(name, query));
}

export async function dropTables(engine: Engine, names: readonly string[]): Promise<void> {
  for (const name of names) await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(name)}`);
}
