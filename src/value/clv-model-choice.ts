/**
 * The model-choice part of the pipeline's `clv` step: the regularity statistic MBG/CNBD-k needs,
 * computed in SQL; the choice among the candidates (`value.clv.model: auto`, by BIC: the pipeline
 * has no holdout); and P(alive) published as not estimable where the chosen model sets it to 1
 * by construction (BG/NBD, customers without repeat purchase).
 */
import { sql, type Engine, type Sql } from '../store/index.js';
import { aliveUnknownWithoutRepeat, selectModel, type ModelRequest, type ModelSelection } from './models/select.js';
import type { CompressedSummary, TransactionModelName } from './models/index.js';

/** `customer_clv.p_alive_reason` when P(alive) is NULL because the model cannot estimate it. */
export const P_ALIVE_NO_REPEAT_UNDER_BGNBD = 'bgnbd_no_repeat_purchase' as const;

/**
 * Sum over persons of litt (sum of ln(gap) between consecutive purchase weeks), from the
 * `clv_periods` table (one row per person and week). Periods are numbered per person with the
 * dialect's portable ranking, then each is joined to the next: one pass, no pairwise join.
 */
export async function totalLogInterPurchaseWeeks(engine: Engine): Promise<number> {
  const d = engine.dialect;
  const int = (e: Sql): Sql => d.cast(e, 'int');
  const ranked = d.topPerGroup(sql`SELECT person_id, period FROM clv_periods`, {
    partitionBy: ['person_id'],
    orderBy: [{ column: 'period' }],
    columns: ['period'],
    n: 2_147_483_647,
    rankAs: 'position',
  });
  // Gaps are whole weeks, so they come back counted by length (a few hundred rows at most) and the
  // logarithms are taken here: no engine-specific log function in the SQL.
  const gaps = await engine.query<{ gap: number; n: number }>(sql`SELECT gap, count(*) AS n FROM (
    SELECT b.period - a.period AS gap
    FROM (SELECT person_id, period, ${int(sql`position + 1`)} AS next_position FROM (${ranked}) AS r1) AS a
    JOIN (SELECT person_id, period, ${int(sql`position`)} AS position FROM (${ranked}) AS r2) AS b
      ON b.person_id = a.person_id AND b.position = a.next_position) AS pairs GROUP BY gap`);
  return gaps.reduce((sum, g) => sum + Number(g.n) * Math.log(Number(g.gap)), 0);
}

/** The configured model, or with `auto` the candidate of lowest BIC (preferring one without the P(alive) flaw when comparable). */
export function choosePipelineModel(request: ModelRequest, summary: CompressedSummary, sumLitt: number | null): ModelSelection {
  return selectModel(request, summary, { sumLitt });
}

/**
 * P(alive) as published: NULL where the model sets it to 1 by construction, with the reason in
 * `p_alive_reason`, so no customer whose only order is years old shows "100% alive".
 */
export function publishedAlive(model: TransactionModelName, x: Sql, pAlive: Sql): { pAlive: Sql; reason: Sql } {
  // One form for every model (the flag is a bound value), so both columns keep a nullable type on every engine.
  const notEstimable = sql`${x} = 0 AND ${aliveUnknownWithoutRepeat(model)}`;
  return {
    pAlive: sql`CASE WHEN ${notEstimable} THEN NULL ELSE ${pAlive} END`,
    reason: sql`CASE WHEN ${notEstimable} THEN ${P_ALIVE_NO_REPEAT_UNDER_BGNBD} ELSE NULL END`,
  };
}

/** The columns `clv_model` adds about the choice: what was asked, on what basis, why, and every candidate's figures (JSON). */
export function choiceColumns(request: ModelRequest, selection: ModelSelection): Sql {
  return sql`${request} AS requested_model, ${selection.basis} AS choice_basis, ${selection.reason} AS choice_reason,
    ${JSON.stringify(selection.candidates)} AS candidates`;
}
