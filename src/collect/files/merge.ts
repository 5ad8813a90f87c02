import type { DuckDbEngine, TableSpec } from '../../store/index.js';
import { sql } from '../../store/index.js';

export interface MergeCounts {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

/**
 * Writes typed rows into their table by natural key. `upsert` replaces a stored row that
 * differs (columns the file lacks keep their stored value); `insertMissing` only adds keys not
 * stored yet (used for customers and products implied by a sales export). Identical rows are
 * left alone, so re-importing a file changes nothing.
 */
export async function mergeInto(
  engine: DuckDbEngine,
  spec: TableSpec,
  source: string,
  provided: readonly string[],
  mode: 'upsert' | 'insertMissing' = 'upsert',
): Promise<MergeCounts> {
  const target = sql.id(spec.name);
  const all = spec.columns.map((c) => c.name);
  const onKey = sql.join(
    spec.key.map((k) => sql`s.${sql.id(k)} = t.${sql.id(k)}`),
    ' AND ',
  );
  const columnList = sql.join(all.map((c) => sql.id(c)));
  const everyColumnProvided = all.every((c) => provided.includes(c));
  const complete = sql.join(
    all.map((c) =>
      provided.includes(c) ? sql`s.${sql.id(c)} AS ${sql.id(c)}` : sql`t.${sql.id(c)} AS ${sql.id(c)}`,
    ),
  );
  const [{ n: records } = { n: 0 }] = await engine.query<{ n: number }>(
    sql`SELECT count(*) AS n FROM ${sql.id(source)}`,
  );
  const delta = sql.id(`${source}__delta`);
  if (mode === 'insertMissing') {
    await engine.exec(sql`CREATE OR REPLACE TEMP TABLE ${delta} AS
      SELECT DISTINCT ${complete} FROM ${sql.id(source)} AS s LEFT JOIN ${target} AS t ON ${onKey}
      WHERE NOT EXISTS (SELECT 1 FROM ${target} AS t WHERE ${onKey})`);
  } else {
    // Columns the file lacks are taken from the stored row, so a partial file patches, not blanks.
    const incoming = everyColumnProvided
      ? sql`SELECT ${columnList} FROM ${sql.id(source)}`
      : sql`SELECT ${complete} FROM ${sql.id(source)} AS s LEFT JOIN ${target} AS t ON ${onKey}`;
    await engine.exec(sql`CREATE OR REPLACE TEMP TABLE ${delta} AS
      ${incoming}
      EXCEPT
      SELECT ${columnList} FROM ${target} AS t WHERE EXISTS (SELECT 1 FROM ${sql.id(source)} AS s WHERE ${onKey})`);
  }
  const [{ changed, updated } = { changed: 0, updated: 0 }] = await engine.query<{ changed: number; updated: number }>(
    sql`SELECT count(*) AS changed,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ${target} AS t WHERE ${onKey})) AS updated
      FROM ${delta} AS s`,
  );
  if (Number(updated) > 0) {
    await engine.exec(sql`DELETE FROM ${target} AS t USING ${delta} AS s WHERE ${onKey}`);
  }
  await engine.exec(sql`INSERT INTO ${target} (${columnList}) SELECT ${columnList} FROM ${delta}`);
  await engine.exec(sql`DROP TABLE ${delta}`);
  const inserted = Number(changed) - Number(updated);
  return { inserted, updated: Number(updated), unchanged: Math.max(0, Number(records) - Number(changed)) };
}
