import { sql, type Engine, type Sql } from '../store/index.js';

/**
 * Bytes a row of a join's right-hand side costs in its hash table besides its text, per column
 * (column offsets, hash cell, block overhead). Calibrated on ClickHouse 18.16: identity's 1M-record
 * codes (1.6M rows, 19 columns, 133 MB of text) needed about 2 GB in one join.
 */
const BYTES_PER_COLUMN = 16;
const BYTES_PER_ROW = 48;
/**
 * The share of the per-query limit the right-hand side may take: the left side's blocks, the
 * written result and the sorts that follow in the same statement need the rest.
 */
const RIGHT_SIDE_SHARE = 1 / 8;

/**
 * How many hash buckets a join on `rightSide` must be cut into so that each bucket's right-hand side
 * fits the engine's per-query memory: 1 where joins spill to disk (Engine.queryMemoryLimit
 * undefined: DuckDB), else its estimated size over a share of the limit. `textColumns` are the
 * right side's text columns (their lengths are summed), `columns` how many it has in all.
 * `forced` (tests) overrides the estimate.
 */
export async function joinBuckets(
  engine: Engine,
  rightSide: Sql,
  spec: { readonly textColumns: readonly string[]; readonly columns: number; readonly forced?: number | undefined },
): Promise<number> {
  if (spec.forced !== undefined) return Math.max(1, Math.floor(spec.forced));
  const limit = engine.queryMemoryLimit;
  if (limit === undefined) return 1;
  const lengths = spec.textColumns.length === 0 ? sql`0` : sql.join(spec.textColumns.map((c) => sql`coalesce(length(${sql.id(c)}), 0)`), ' + ');
  const [row] = await engine.query<{ n: number; text: number | null }>(sql`SELECT count(*) AS n, sum(${lengths}) AS text FROM ${rightSide} AS right_side`);
  const bytes = Number(row?.text ?? 0) + Number(row?.n ?? 0) * (BYTES_PER_ROW + BYTES_PER_COLUMN * spec.columns);
  return Math.max(1, Math.ceil(bytes / (limit * RIGHT_SIDE_SHARE)));
}

/**
 * Replaces `name` by a query made once per hash bucket: `build(inBucket)` gets a function that
 * says whether a key falls in the current bucket, to put on both sides of the join (the same
 * key on both), so each statement holds one bucket's right-hand side. The first bucket creates
 * the table, the others are inserted into it; one bucket is one CREATE TABLE ... AS.
 */
export async function replaceTableInBuckets(engine: Engine, name: string, buckets: number, build: (inBucket: (key: Sql) => Sql) => Sql): Promise<void> {
  await engine.exec(sql`DROP TABLE IF EXISTS ${sql.id(name)}`);
  await forEachBucket(engine, buckets, async (inBucket, bucket) => {
    const query = build(inBucket);
    await engine.exec(bucket === 0 ? engine.dialect.createTableAs(name, query) : sql`INSERT INTO ${sql.id(name)} ${query}`);
  });
}

/** Runs `work` once per hash bucket, with the condition that puts a key in that bucket (always true for one bucket). */
export async function forEachBucket(engine: Engine, buckets: number, work: (inBucket: (key: Sql) => Sql, bucket: number) => Promise<void>): Promise<void> {
  for (let bucket = 0; bucket < buckets; bucket++) {
    await work((key) => (buckets === 1 ? sql`1 = 1` : engine.dialect.inHashBucket(key, buckets, bucket)), bucket);
  }
}
