import { replaceTableByJoins, type JoinedTable } from '../kernel/index.js';
import { sql, type Engine, type Sql } from '../store/index.js';

/**
 * A base joined to several tables, as a FROM item: the one SELECT itself where the engine joins
 * several tables at once (nothing written: at 1M records each table written costs seconds),
 * else the chain written one JOIN per statement to `scratch` (ClickHouse 18.16), dropped by the caller.
 * An ON condition names only the base's columns (as `base.x`, among `columns`) and its own table's.
 */
export async function joinedRows(
  engine: Engine,
  scratch: string,
  spec: { readonly from: Sql; readonly columns: Sql; readonly joins: readonly JoinedTable[] },
): Promise<Sql> {
  if (engine.dialect.supportsMultipleJoins) {
    const joins = spec.joins.map((j) => sql`${sql.raw(j.inner ? 'JOIN' : 'LEFT JOIN')} ${sql.id(j.table)} AS ${sql.id(j.alias)} ON ${j.on}`);
    return sql`(SELECT ${sql.join([spec.columns, ...spec.joins.map((j) => j.columns)])} FROM ${spec.from} AS base ${sql.join(joins, ' ')})`;
  }
  await replaceTableByJoins(engine, scratch, spec);
  return sql.id(scratch);
}
