import { sql, type Dialect, type Engine, type Sql } from '../store/index.js';
import { dropTables, replaceTable, type PipelineStep } from '../kernel/index.js';
import { choiceColumns, choosePipelineModel, publishedAlive, totalLogInterPurchaseWeeks } from './clv-model-choice.js';
import {
  customerLifetimeValue,
  fitGammaGamma,
  ModelFitError,
  ModelInputError,
  ModelNumericError,
  scoreCustomers,
  type CompressedSummary,
  type TransactionModel,
} from './models/index.js';
import { residualTransactionsByGroup } from './models/lifetime.js';
import type { ValueConfig } from '../config/value-config.js';

const WEEKS_PER_YEAR = 52.1775;
/** A Monday: weeks are counted from it. */
const WEEK_ORIGIN = new Date(Date.UTC(1970, 0, 5));

/**
 * The per-group predictions into clv_groups: a column at a time where the engine can (DuckDB's
 * appender), else by INSERTs of 500 rows. At 1M persons there are some 10^5 groups, whose
 * 600,000 bound values made the INSERTs a large share of the step.
 */
async function insertGroups(engine: Engine, columns: readonly ArrayLike<number | null>[], rowCount: number): Promise<void> {
  if (engine.appendColumns) {
    await engine.appendColumns('clv_groups', columns.map((c) => Array.from(c)), rowCount);
    return;
  }
  for (let start = 0; start < rowCount; start += 500) {
    const chunk: Sql[] = [];
    for (let i = start; i < Math.min(start + 500, rowCount); i++) chunk.push(sql`(${sql.join(columns.map((c) => sql`${c[i] ?? null}`))})`);
    await engine.exec(sql`INSERT INTO clv_groups VALUES ${sql.join(chunk)}`);
  }
}

type ClvSettings = ValueConfig['clv'];

/** Per group, before spend and margin: what `clv`, `clv_12m` and `clv_lifetime` multiply, and the years of costs `clv` covers. */
interface UnitValues {
  readonly clv: Float64Array;
  readonly clv12m: Float64Array;
  readonly lifetime: Float64Array | null;
  readonly costYears: Float64Array;
}

/**
 * Lifetime value (issue 14, seed 000 "the sum of expected net profits over the customer's life"):
 * discounted expected residual transactions (src/value/models/lifetime.ts) over his whole life,
 * and over `value.clv.horizonWeeks` (12 months by default) for `clv_12m`. `clv` is the lifetime
 * unless `value.clv.horizon` sets a horizon. `cost_years` is how many years of his costs to serve
 * the tiers set against `clv`: the short horizon in years, scaled by how much more activity `clv`
 * counts than it (costs follow activity), so `clv` over the short horizon gives the former figure.
 */
function unitValues(
  model: TransactionModel<Readonly<Record<string, number>>>,
  params: Readonly<Record<string, number>>,
  summary: CompressedSummary,
  settings: ClvSettings,
  /** scoreCustomers' discounted sums over `horizonWeeks`, already computed for P(alive): the 12-month value itself (scoring twice was most of the step for MBG/CNBD-k). */
  clv12m: Float64Array,
): UnitValues {
  const perWeek = Math.pow(1 + settings.discountRate, 1 / WEEKS_PER_YEAR) - 1;
  const n = summary.x.length;
  const ones = new Float64Array(n).fill(1);
  const over = (horizon: number): Float64Array => customerLifetimeValue(model, params, summary, ones, { horizon, discountRate: perWeek, marginRate: 1 });
  // Without discounting a lifetime is an infinite sum; the config allows that only with a horizon, and the lifetime column is then NULL.
  const lifetime = perWeek > 0 ? residualTransactionsByGroup(model, params, summary, { discountRate: perWeek }) : null;
  const clv = settings.horizon === undefined ? (lifetime ?? clv12m) : settings.horizon === settings.horizonWeeks ? clv12m : over(settings.horizon);
  const shortYears = settings.horizonWeeks / WEEKS_PER_YEAR;
  const costYears = Float64Array.from(clv, (v, i) => {
    const short = clv12m[i] ?? 0;
    return short > 0 ? (shortYears * v) / short : shortYears;
  });
  return { clv, clv12m, lifetime, costYears };
}

/** NULL lifetime columns, for a run that could not fit a model. */
const lifetimeNullColumns = (settings: ClvSettings, d: Dialect): Sql => {
  const float = sql.raw(d.columnType('float', true));
  return sql`CAST(NULL AS ${float}) AS clv_12m, CAST(NULL AS ${float}) AS clv_lifetime,
  ${settings.valueOn} AS clv_basis, CAST(${settings.horizon ?? null} AS ${float}) AS clv_horizon_weeks, CAST(NULL AS ${float}) AS clv_cost_years`;
};

/** The lifetime columns of customer_clv: both values on the same basis as `clv`, the basis and the horizon `clv` has (NULL = lifetime). */
function lifetimeColumns(expectedSpend: Sql, valueRate: Sql, settings: ClvSettings, d: Dialect): Sql {
  const float = sql.raw(d.columnType('float', true));
  return sql`g.unit_clv_12m * ${expectedSpend} * ${valueRate} AS clv_12m, g.unit_lifetime * ${expectedSpend} * ${valueRate} AS clv_lifetime,
      ${settings.valueOn} AS clv_basis, CAST(${settings.horizon ?? null} AS ${float}) AS clv_horizon_weeks, g.cost_years AS clv_cost_years`;
}

/** Numeric columns of a query as Float64Arrays: without a row object per row where the engine can. */
async function numericColumns(engine: Engine, query: Sql, names: readonly string[]): Promise<Float64Array[]> {
  if (engine.queryColumns) {
    return (await engine.queryColumns(query)).map((column) => (column instanceof Float64Array ? column : Float64Array.from(column as ArrayLike<number>, Number)));
  }
  const rows = await engine.query(query);
  return names.map((name) => Float64Array.from(rows, (r) => Number(r[name])));
}

/**
 * Predicted lifetime value per person. The BTYD summary (weekly x, t_x, T, mean repeat value,
 * margin rate) is computed in SQL; only the distinct (x, t_x, T) groups come to the model, whose
 * per-group predictions go back to the engine, where the Gamma-Gamma expected spend (a closed
 * form) and the CLV are computed per person.
 */
export const clv: PipelineStep = {
  name: 'clv',
  reads: ['order_facts', 'customer_persons'],
  writes: ['customer_clv', 'clv_model'],
  requires: [],
  async run({ engine, asOf, config, warn }) {
    const d = engine.dialect;
    const settings = config.value.clv;
    const week = (at: Sql): Sql => d.intDiv(d.daysBetween(sql`${WEEK_ORIGIN}`, at), sql`7`);
    // Orders to person-weeks in one statement: an intermediate table of every order (3M rows at 1M
    // persons) cost as much again as the grouping.
    await replaceTable(engine, 'clv_periods', sql`SELECT person_id, period, sum(revenue) AS revenue, sum(margin) AS margin
      FROM (SELECT p.person_id AS person_id, ${week(sql`o.ordered_at`)} AS period, CAST(o.revenue AS DOUBLE) AS revenue, CAST(o.margin AS DOUBLE) AS margin
        FROM order_facts AS o JOIN customer_persons AS p ON p.customer_id = o.customer_id) AS person_orders
      GROUP BY person_id, period`);
    await replaceTable(engine, 'clv_summary', sql`SELECT person_id, count(*) - 1 AS x, max(period) - min(period) AS tx,
      ${week(sql`${asOf}`)} - min(period) AS T,
      CASE WHEN count(*) > 1 THEN (sum(revenue) - ${d.argMin(sql`revenue`, sql`period`)}) / (count(*) - 1) ELSE 0 END AS monetary,
      CASE WHEN sum(revenue) > 0 THEN sum(margin) / sum(revenue) ELSE 0 END AS margin_rate
      FROM clv_periods GROUP BY person_id`);
    const [gx, gtx, gT, gn] = await numericColumns(
      engine,
      sql`SELECT CAST(x AS DOUBLE) AS group_x, CAST(tx AS DOUBLE) AS group_tx, CAST(T AS DOUBLE) AS group_t, CAST(count(*) AS DOUBLE) AS group_n
        FROM clv_summary GROUP BY x, tx, T ORDER BY x, tx, T`,
      ['group_x', 'group_tx', 'group_t', 'group_n'],
    ) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const skip = async (reason: string): Promise<void> => {
      warn(`lifetime value not predicted: ${reason}`);
      // Nullable types: ClickHouse casts NULL to no other.
      const float = sql.raw(d.columnType('float', true));
      await replaceTable(engine, 'customer_clv', sql`SELECT person_id, x AS frequency, tx AS recency, T AS T, monetary,
        CAST(NULL AS ${float}) AS p_alive, CAST(NULL AS ${float}) AS expected_transactions, CAST(NULL AS ${float}) AS expected_spend,
        CAST(NULL AS ${float}) AS clv, CAST(NULL AS ${sql.raw(d.columnType('string', true))}) AS p_alive_reason, ${lifetimeNullColumns(settings, d)} FROM clv_summary`);
      await replaceTable(engine, 'clv_model', sql`SELECT ${settings.model} AS model, ${reason} AS skipped`);
      await dropTables(engine, ['clv_periods', 'clv_summary']);
    };
    if (gx.length === 0) return skip('no purchases');
    const summary: CompressedSummary = {
      x: gx,
      tx: gtx,
      T: gT,
      weight: gn,
      groupOf: new Int32Array(0),
      customers: gn.reduce((s, n) => s + n, 0),
    };
    const [rx, rm] = await numericColumns(
      engine,
      sql`SELECT CAST(x AS DOUBLE) AS repeat_x, CAST(monetary AS DOUBLE) AS repeat_m FROM clv_summary WHERE x > 0 AND monetary > 0`,
      ['repeat_x', 'repeat_m'],
    ) as [Float64Array, Float64Array];
    let selection;
    let spend;
    try {
      // The regularity statistic is a self-join over every person-week: only for the models that read it.
      const sumLitt = settings.model === 'auto' || settings.model === 'mbgcnbd' ? await totalLogInterPurchaseWeeks(engine) : null;
      selection = choosePipelineModel(settings.model, summary, sumLitt);
      spend = fitGammaGamma(rx, rm);
    } catch (error) {
      // Too little or degenerate data is a fact about the base, not a failure of the run.
      if (error instanceof ModelInputError || error instanceof ModelFitError || error instanceof ModelNumericError) {
        return skip(error.message);
      }
      throw error;
    }
    const { model, params } = selection.chosen;
    const fit = { params, logLikelihood: selection.chosen.logLikelihood, converged: selection.chosen.converged };
    const perWeek = Math.pow(1 + settings.discountRate, 1 / WEEKS_PER_YEAR) - 1;
    let unit;
    let scores;
    try {
      // P(alive), expected transactions and the discounted sum over the short horizon for every group in one vectorised pass.
      scores = scoreCustomers(model, fit.params, summary, { horizon: settings.horizonWeeks, discountRate: perWeek });
      unit = unitValues(model, fit.params, summary, settings, scores.discounted);
    } catch (error) {
      // A fit whose expectations are not finite (degenerate parameters) values nobody, as a failed fit.
      if (error instanceof ModelInputError || error instanceof ModelNumericError) return skip(error.message);
      throw error;
    }
    // The group keys keep clv_summary's integer type: ClickHouse 18.16 joins only on equal types.
    const int = sql.raw(d.columnType('int', false));
    await replaceTable(engine, 'clv_groups', sql`SELECT CAST(0 AS ${int}) AS x, CAST(0 AS ${int}) AS tx, CAST(0 AS ${int}) AS T,
      CAST(0 AS DOUBLE) AS p_alive, CAST(0 AS DOUBLE) AS expected_transactions, CAST(0 AS DOUBLE) AS unit_clv,
      CAST(0 AS DOUBLE) AS unit_clv_12m, CAST(0 AS ${sql.raw(d.columnType('float', true))}) AS unit_lifetime, CAST(0 AS DOUBLE) AS cost_years WHERE 1 = 0`);
    const lifetime = unit.lifetime ?? new Array<null>(gx.length).fill(null);
    await insertGroups(engine, [gx, gtx, gT, scores.alive, scores.expected, unit.clv, unit.clv12m, lifetime, unit.costYears], gx.length);
    const { p, q, gamma } = spend.params;
    // Gamma-Gamma conditional expected spend, Fader, Hardie & Lee (2005) "RFM and CLV", eq. (5).
    const expectedSpend = sql`(${gamma} + s.x * s.monetary) * ${p} / (${p} * s.x + ${q} - 1)`;
    const valueRate = settings.valueOn === 'margin' ? sql`s.margin_rate` : sql`1.0`;
    const alive = publishedAlive(selection.chosen.name, sql`s.x`, sql`g.p_alive`);
    await replaceTable(engine, 'customer_clv', sql`SELECT s.person_id AS person_id, s.x AS frequency, s.tx AS recency, s.T AS T,
      s.monetary AS monetary, ${alive.pAlive} AS p_alive, g.expected_transactions AS expected_transactions,
      ${expectedSpend} AS expected_spend, g.unit_clv * ${expectedSpend} * ${valueRate} AS clv, ${alive.reason} AS p_alive_reason,
      ${lifetimeColumns(expectedSpend, valueRate, settings, d)}
      FROM clv_summary AS s JOIN clv_groups AS g ON g.x = s.x AND g.tx = s.tx AND g.T = s.T`);
    await replaceTable(engine, 'clv_model', sql`SELECT ${selection.chosen.name} AS model, ${JSON.stringify(fit.params)} AS params,
      ${fit.logLikelihood} AS log_likelihood, ${fit.converged} AS converged, ${JSON.stringify(spend.params)} AS spend_params,
      ${spend.frequencySpendCorrelation} AS frequency_spend_correlation, ${summary.customers} AS customers, ${gx.length} AS groups_count,
      ${settings.horizonWeeks} AS horizon_weeks, ${settings.valueOn} AS value_on,
      CAST(${settings.horizon ?? null} AS ${sql.raw(d.columnType('float', true))}) AS clv_horizon_weeks, ${settings.discountRate} AS discount_rate,
      ${choiceColumns(settings.model, selection)}`);
    await dropTables(engine, ['clv_periods', 'clv_summary', 'clv_groups']);
  },
};
