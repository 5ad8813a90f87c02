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
 *
 * Rows are matched on the key alone (a hash join on the key) and compared column by column,
 * rather than with EXCEPT over whole rows, which hashes every column of both sides and took
 * most of the memory of a 70M-row import.
 */
export async function mergeInto(
  engine: DuckDbEngine,
  spec: TableSpec,
  source: string,
  provided: readonly string[],
  mode: 'upsert' | 'insertMissing' = 'upsert',
): Promise<MergeCounts> {
  const target = sql.id(spec.name);
  const from = sql.id(source);
  const all = spec.columns.map((c) => c.name);
  const columnList = sql.join(all.map((c) => sql.id(c)));
  const [{ n: records } = { n: 0 }] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${from}`);
  const [{ stored } = { stored: 0 }] = await engine.query<{ stored: number }>(
    sql`SELECT count(*) AS stored FROM (SELECT 1 FROM ${target} LIMIT 1)`,
  );
  if (Number(stored) === 0) {
    // Nothing stored yet: every record is new (keys are unique within a file, checked before).
    const values = sql.join(all.map((c) => (provided.includes(c) ? sql.id(c) : sql`NULL`)));
    await engine.exec(sql`INSERT INTO ${target} (${columnList}) SELECT ${mode === 'insertMissing' ? sql`DISTINCT ` : sql``}${values} FROM ${from}`);
    const [{ n } = { n: 0 }] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${target}`);
    return { inserted: Number(n), updated: 0, unchanged: Number(records) - Number(n) };
  }

  const onKey = sql.join(
    spec.key.map((k) => sql`s.${sql.id(k)} = t.${sql.id(k)}`),
    ' AND ',
  );
  const firstKey = sql.id(spec.key[0] as string);
  const complete = sql.join(
    all.map((c) => (provided.includes(c) ? sql`s.${sql.id(c)} AS ${sql.id(c)}` : sql`t.${sql.id(c)} AS ${sql.id(c)}`)),
  );
  const differs = sql.join(
    provided.filter((c) => !spec.key.includes(c)).map((c) => sql`s.${sql.id(c)} IS DISTINCT FROM t.${sql.id(c)}`),
    ' OR ',
  );
  const changed = mode === 'insertMissing' || provided.length <= spec.key.length ? sql`FALSE` : differs;
  const delta = sql.id(`${source}__delta`);
  await engine.exec(sql`CREATE OR REPLACE TEMP TABLE ${delta} AS
    SELECT ${mode === 'insertMissing' ? sql`DISTINCT ` : sql``}${complete}, t.${firstKey} IS NOT NULL AS __stored
    FROM ${from} AS s LEFT JOIN ${target} AS t ON ${onKey}
    WHERE t.${firstKey} IS NULL OR (${changed})`);
  const [{ changedRows, updated } = { changedRows: 0, updated: 0 }] = await engine.query<{ changedRows: number; updated: number }>(
    sql`SELECT count(*) AS changedRows, count(*) FILTER (WHERE __stored) AS updated FROM ${delta}`,
  );
  if (Number(updated) > 0) {
    await engine.exec(sql`DELETE FROM ${target} AS t USING ${delta} AS s WHERE s.__stored AND ${onKey}`);
  }
  await engine.exec(sql`INSERT INTO ${target} (${columnList}) SELECT ${columnList} FROM ${delta}`);
  await engine.exec(sql`DROP TABLE ${delta}`);
  const inserted = Number(changedRows) - Number(updated);
  return { inserted, updated: Number(updated), unchanged: Math.max(0, Number(records) - Number(changedRows)) };
}
