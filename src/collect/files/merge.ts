import type { Engine, TableSpec } from '../../store/index.js';
import { sql } from '../../store/index.js';
import type { ImportTables } from './import-tables.js';

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
  engine: Engine,
  tables: ImportTables,
  spec: TableSpec,
  source: string,
  provided: readonly string[],
  mode: 'upsert' | 'insertMissing' = 'upsert',
): Promise<MergeCounts> {
  if (tables.staging) return mergeStaged(engine, tables, spec, source, provided, mode);
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

/**
 * mergeInto where there is no transaction and no DELETE (ClickHouse): the same delta (new keys,
 * and stored keys whose provided columns differ, NULL-safe) is computed against the table as
 * this import has left it, by a join on the key; new rows are appended to the table's copy, and
 * when stored rows change the copy is rebuilt without them, then given the delta
 * (ImportTables.rebuild). The table itself is only replaced by ImportTables.commit.
 */
async function mergeStaged(
  engine: Engine,
  tables: ImportTables,
  spec: TableSpec,
  source: string,
  provided: readonly string[],
  mode: 'upsert' | 'insertMissing',
): Promise<MergeCounts> {
  const { dialect } = engine;
  const current = sql.id(tables.read(spec.name));
  const all = spec.columns.map((c) => c.name);
  const columnList = sql.join(all.map((c) => sql.id(c)));
  const keys = sql.join(spec.key.map((k) => sql.id(k)));
  const stored = (c: string): string => `t__${c}`;
  const others = all.filter((c) => !spec.key.includes(c));
  const [{ n: records } = { n: 0 }] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.id(source)}`);
  // The file's values converted to the table's types, so that they compare as they would be stored.
  // (Read under other names first: on ClickHouse the outer alias would stand for the inner column.)
  const mine = spec.columns.filter((c) => provided.includes(c.name));
  const renamed = sql.join(mine.map((c) => sql`${sql.id(c.name)} AS ${sql.id(`s__${c.name}`)}`));
  const incoming = sql.join(mine.map((c) => sql`${dialect.cast(sql.id(`s__${c.name}`), c.type)} AS ${sql.id(c.name)}`));
  const storedSide = sql.join([keys, sql`1 AS t__present`, ...others.map((c) => sql`${sql.id(c)} AS ${sql.id(stored(c))}`)]);
  const complete = sql.join(all.map((c) => (provided.includes(c) || spec.key.includes(c) ? sql`${sql.id(c)}` : sql`${sql.id(stored(c))}`)).map((v, i) => sql`${v} AS ${sql.id(all[i] as string)}`));
  const compared = provided.filter((c) => !spec.key.includes(c));
  const changed = mode === 'insertMissing' || compared.length === 0 ? sql`0 = 1` : sql.join(compared.map((c) => dialect.isDistinctFrom(sql.id(c), sql.id(stored(c)))), ' OR ');
  const delta = `${source}__delta`;
  for (const statement of dialect.scratchTable(delta, sql`SELECT ${mode === 'insertMissing' ? sql`DISTINCT ` : sql``}${complete}, t__present IS NOT NULL AS __stored
    FROM (SELECT ${incoming} FROM (SELECT ${renamed} FROM ${sql.id(source)})) LEFT JOIN (SELECT ${storedSide} FROM ${current}) USING (${keys})
    WHERE t__present IS NULL OR (${changed})`)) {
    await engine.exec(statement);
  }
  const [{ changedRows, updated } = { changedRows: 0, updated: 0 }] = await engine.query<{ changedRows: number; updated: number }>(
    sql`SELECT count(*) AS changedRows, sum(${dialect.flag(sql`__stored = 1`)}) AS updated FROM ${sql.id(delta)}`,
  );
  const fromDelta = sql`SELECT ${columnList} FROM ${sql.id(delta)}`;
  if (Number(updated) > 0) {
    await tables.rebuild(spec.name, async (into) => {
      await engine.exec(sql`INSERT INTO ${sql.id(into)} SELECT * FROM ${current} WHERE (${keys}) NOT IN (SELECT ${keys} FROM ${sql.id(delta)} WHERE __stored = 1)`);
      await engine.exec(sql`INSERT INTO ${sql.id(into)} (${columnList}) ${fromDelta}`);
    });
  } else if (Number(changedRows) > 0) {
    await engine.exec(sql`INSERT INTO ${sql.id(await tables.write(spec.name))} (${columnList}) ${fromDelta}`);
  }
  await engine.exec(sql`DROP TABLE ${sql.id(delta)}`);
  const inserted = Number(changedRows) - Number(updated);
  return { inserted, updated: Number(updated), unchanged: Math.max(0, Number(records) - Number(changedRows)) };
}
