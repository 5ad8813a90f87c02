import { sql, type Column, type Engine, type Sql } from '../../store/index.js';
import type { PlanChannel } from './campaign-file.js';

/** What the planner reads per person, column-wise: ids, tier and per channel the estimates and what the policy still allows. */
export interface PersonInputs {
  readonly personIds: readonly string[];
  readonly tiers: readonly string[];
  readonly channels: readonly PlanChannel[];
  /** N*J arrays, channel j of person i at i*J+j. */
  readonly pResponse: Float64Array;
  readonly unitCost: Float64Array;
  readonly remaining: Uint8Array;
  readonly remainingAll: Uint8Array;
  /** The person's expected basket in EUR: the mean of customer_channels.response_value over his channels. */
  readonly expectedBasket: Float64Array;
}

/** Where the planner reads its inputs (the contract tables of the channels and pressure parts). */
export interface InputTables {
  readonly channels: string;
  readonly allowance: string;
}

export const DEFAULT_INPUT_TABLES: InputTables = { channels: 'customer_channels', allowance: 'contact_allowance' };

/**
 * The result's columns batch by batch where the engine streams (DuckDB's chunks), else whole, else
 * from rows: the planner reads 1M persons x channels without a row object per person.
 */
async function* readColumnBatches(engine: Engine, query: Sql, names: readonly string[]): AsyncIterable<Column[]> {
  if (engine.queryColumnBatches) {
    yield* engine.queryColumnBatches(query);
    return;
  }
  if (engine.queryColumns) {
    yield await engine.queryColumns(query);
    return;
  }
  const rows = await engine.query(query);
  yield names.map((name) => rows.map((row) => row[name]));
}

function concatFloat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const num = (column: Column, i: number): number => Number(column[i] ?? 0);

/**
 * Reads every classified person with his channel estimates (customer_channels) and contact
 * allowance (contact_allowance) in one pivoting query, column by column and chunk by chunk: at 1M persons row objects
 * would cost more than the solve. A channel without consent, or a person without an allowance row,
 * has nothing remaining: the planner never contacts without the policy's verdict.
 */
export async function readPersonInputs(engine: Engine, channels: readonly PlanChannel[], tables: InputTables = DEFAULT_INPUT_TABLES): Promise<PersonInputs> {
  const J = channels.length;
  const pick = (column: string, table: string, channel: string): Sql =>
    sql`max(CASE WHEN ${sql.id(table)}.channel = ${channel} THEN ${sql.id(table)}.${sql.id(column)} END)`;
  const chSelect = channels.flatMap((ch, j) => [
    sql`${pick('p_response', 'ch', ch)} AS ${sql.id(`p_${j}`)}`,
    sql`${pick('unit_cost', 'ch', ch)} AS ${sql.id(`c_${j}`)}`,
    sql`max(CASE WHEN ch.channel = ${ch} AND ch.consented THEN 1 ELSE 0 END) AS ${sql.id(`ok_${j}`)}`,
  ]);
  const alSelect = [...channels, 'all'].map((ch, j) => sql`${pick('remaining', 'al', ch)} AS ${sql.id(`r_${j}`)}`);
  const names = ['person_id', 'tier', 'basket', ...channels.flatMap((_, j) => [`p_${j}`, `c_${j}`, `r_${j}`]), 'r_all'];
  const outer = [
    sql`k.person_id AS person_id`,
    sql`coalesce(k.value_tier, 'none') AS tier`,
    sql`CAST(coalesce(ch.basket, 0) AS DOUBLE) AS basket`,
    ...channels.flatMap((_, j) => [
      sql`CAST(coalesce(ch.${sql.id(`p_${j}`)}, 0) AS DOUBLE) AS ${sql.id(`p_${j}`)}`,
      sql`CAST(coalesce(ch.${sql.id(`c_${j}`)}, 0) AS DOUBLE) AS ${sql.id(`c_${j}`)}`,
      sql`CAST(CASE WHEN coalesce(ch.${sql.id(`ok_${j}`)}, 0) = 1 THEN least(coalesce(al.${sql.id(`r_${j}`)}, 0), 255) ELSE 0 END AS INTEGER) AS ${sql.id(`r_${j}`)}`,
    ]),
    sql`CAST(least(coalesce(al.${sql.id(`r_${J}`)}, 0), 255) AS INTEGER) AS r_all`,
  ];
  const query = sql`WITH ch AS (
      SELECT ch.person_id AS person_id, avg(ch.response_value) AS basket, ${sql.join(chSelect)}
      FROM ${sql.id(tables.channels)} AS ch GROUP BY ch.person_id),
    al AS (SELECT al.person_id AS person_id, ${sql.join(alSelect)} FROM ${sql.id(tables.allowance)} AS al GROUP BY al.person_id)
    SELECT ${sql.join(outer)}
    FROM customer_classes AS k LEFT JOIN ch ON ch.person_id = k.person_id LEFT JOIN al ON al.person_id = k.person_id
    ORDER BY k.person_id`;
  const personIds: string[] = [];
  const tiers: string[] = [];
  const parts = { p: [] as Float64Array[], c: [] as Float64Array[], r: [] as Uint8Array[], all: [] as Uint8Array[], basket: [] as Float64Array[] };
  for await (const cols of readColumnBatches(engine, query, names)) {
    const n = cols[0]!.length;
    const pResponse = new Float64Array(n * J);
    const unitCost = new Float64Array(n * J);
    const remaining = new Uint8Array(n * J);
    const remainingAll = new Uint8Array(n);
    const basket = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      personIds.push(String(cols[0]![i]));
      tiers.push(String(cols[1]![i]));
      basket[i] = num(cols[2]!, i);
      for (let j = 0; j < J; j += 1) {
        pResponse[i * J + j] = num(cols[3 + 3 * j]!, i);
        unitCost[i * J + j] = num(cols[4 + 3 * j]!, i);
        remaining[i * J + j] = num(cols[5 + 3 * j]!, i);
      }
      remainingAll[i] = num(cols[3 + 3 * J]!, i);
    }
    parts.p.push(pResponse);
    parts.c.push(unitCost);
    parts.r.push(remaining);
    parts.all.push(remainingAll);
    parts.basket.push(basket);
  }
  const pResponse = concatFloat(parts.p);
  const unitCost = concatFloat(parts.c);
  const remaining = concatBytes(parts.r);
  const remainingAll = concatBytes(parts.all);
  const expectedBasket = concatFloat(parts.basket);
  return { personIds, tiers, channels, pResponse, unitCost, remaining, remainingAll, expectedBasket };
}
