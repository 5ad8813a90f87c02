import { sql, type Engine, type Sql } from '../store/index.js';
import type { PipelineStep } from '../pipeline/step.js';
import { dropTables, replaceTable } from '../pipeline/tables.js';
import { choiceColumns, choosePipelineModel, publishedAlive, totalLogInterPurchaseWeeks } from './clv-model-choice.js';
import {
  customerLifetimeValue,
  fitGammaGamma,
  ModelFitError,
  ModelInputError,
  ModelNumericError,
  type CompressedSummary,
} from './models/index.js';

const WEEKS_PER_YEAR = 52.1775;
/** A Monday: weeks are counted from it. */
const WEEK_ORIGIN = new Date(Date.UTC(1970, 0, 5));

async function insertGroups(engine: Engine, rows: readonly (readonly number[])[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500).map((r) => sql`(${sql.join(r.map((v) => sql`${v}`))})`);
    await engine.exec(sql`INSERT INTO clv_groups VALUES ${sql.join(chunk)}`);
  }
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
  async run({ engine, asOf, config, warn }) {
    const d = engine.dialect;
    const settings = config.value.clv;
    const week = (at: Sql): Sql => d.intDiv(d.daysBetween(sql`${WEEK_ORIGIN}`, at), sql`7`);
    await replaceTable(engine, 'clv_person_orders', sql`SELECT p.person_id AS person_id, ${week(sql`o.ordered_at`)} AS period,
      CAST(o.revenue AS DOUBLE) AS revenue, CAST(o.margin AS DOUBLE) AS margin
      FROM order_facts AS o JOIN customer_persons AS p ON p.customer_id = o.customer_id`);
    await replaceTable(engine, 'clv_periods', sql`SELECT person_id, period, sum(revenue) AS revenue, sum(margin) AS margin
      FROM clv_person_orders GROUP BY person_id, period`);
    await replaceTable(engine, 'clv_summary', sql`SELECT person_id, count(*) - 1 AS x, max(period) - min(period) AS tx,
      ${week(sql`${asOf}`)} - min(period) AS T,
      CASE WHEN count(*) > 1 THEN (sum(revenue) - ${d.argMin(sql`revenue`, sql`period`)}) / (count(*) - 1) ELSE 0 END AS monetary,
      CASE WHEN sum(revenue) > 0 THEN sum(margin) / sum(revenue) ELSE 0 END AS margin_rate
      FROM clv_periods GROUP BY person_id`);
    const groups = await engine.query<{ x: number; tx: number; T: number; n: number }>(
      sql`SELECT x, tx, T, count(*) AS n FROM clv_summary GROUP BY x, tx, T ORDER BY x, tx, T`,
    );
    const skip = async (reason: string): Promise<void> => {
      warn(`lifetime value not predicted: ${reason}`);
      await replaceTable(engine, 'customer_clv', sql`SELECT person_id, x AS frequency, tx AS recency, T AS T, monetary,
        CAST(NULL AS DOUBLE) AS p_alive, CAST(NULL AS DOUBLE) AS expected_transactions, CAST(NULL AS DOUBLE) AS expected_spend,
        CAST(NULL AS DOUBLE) AS clv, CAST(NULL AS VARCHAR) AS p_alive_reason FROM clv_summary`);
      await replaceTable(engine, 'clv_model', sql`SELECT ${settings.model} AS model, ${reason} AS skipped`);
      await dropTables(engine, ['clv_person_orders', 'clv_periods', 'clv_summary']);
    };
    if (groups.length === 0) return skip('no purchases');
    const summary: CompressedSummary = {
      x: Float64Array.from(groups, (g) => Number(g.x)),
      tx: Float64Array.from(groups, (g) => Number(g.tx)),
      T: Float64Array.from(groups, (g) => Number(g.T)),
      weight: Float64Array.from(groups, (g) => Number(g.n)),
      groupOf: new Int32Array(0),
      customers: groups.reduce((s, g) => s + Number(g.n), 0),
    };
    const repeaters = await engine.query<{ x: number; m: number }>(sql`SELECT x, monetary AS m FROM clv_summary WHERE x > 0 AND monetary > 0`);
    let selection;
    let spend;
    try {
      selection = choosePipelineModel(settings.model, summary, await totalLogInterPurchaseWeeks(engine));
      spend = fitGammaGamma(Float64Array.from(repeaters, (r) => Number(r.x)), Float64Array.from(repeaters, (r) => Number(r.m)));
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
    const unitClv = customerLifetimeValue(model, fit.params, summary, new Float64Array(groups.length).fill(1), {
      horizon: settings.horizonWeeks,
      discountRate: perWeek,
      marginRate: 1,
    });
    // The group keys keep clv_summary's integer type: ClickHouse 18.16 joins only on equal types.
    const int = sql.raw(d.columnType('int', false));
    await replaceTable(engine, 'clv_groups', sql`SELECT CAST(0 AS ${int}) AS x, CAST(0 AS ${int}) AS tx, CAST(0 AS ${int}) AS T,
      CAST(0 AS DOUBLE) AS p_alive, CAST(0 AS DOUBLE) AS expected_transactions, CAST(0 AS DOUBLE) AS unit_clv WHERE 1 = 0`);
    await insertGroups(
      engine,
      groups.map((g, i) => [
        Number(g.x),
        Number(g.tx),
        Number(g.T),
        model.probabilityAlive(fit.params, Number(g.x), Number(g.tx), Number(g.T)),
        model.conditionalExpectedTransactions(fit.params, settings.horizonWeeks, Number(g.x), Number(g.tx), Number(g.T)),
        unitClv[i] ?? 0,
      ]),
    );
    const { p, q, gamma } = spend.params;
    // Gamma-Gamma conditional expected spend, Fader, Hardie & Lee (2005) "RFM and CLV", eq. (5).
    const expectedSpend = sql`(${gamma} + s.x * s.monetary) * ${p} / (${p} * s.x + ${q} - 1)`;
    const valueRate = settings.valueOn === 'margin' ? sql`s.margin_rate` : sql`1.0`;
    const alive = publishedAlive(selection.chosen.name, sql`s.x`, sql`g.p_alive`);
    await replaceTable(engine, 'customer_clv', sql`SELECT s.person_id AS person_id, s.x AS frequency, s.tx AS recency, s.T AS T,
      s.monetary AS monetary, ${alive.pAlive} AS p_alive, g.expected_transactions AS expected_transactions,
      ${expectedSpend} AS expected_spend, g.unit_clv * ${expectedSpend} * ${valueRate} AS clv, ${alive.reason} AS p_alive_reason
      FROM clv_summary AS s JOIN clv_groups AS g ON g.x = s.x AND g.tx = s.tx AND g.T = s.T`);
    await replaceTable(engine, 'clv_model', sql`SELECT ${selection.chosen.name} AS model, ${JSON.stringify(fit.params)} AS params,
      ${fit.logLikelihood} AS log_likelihood, ${fit.converged} AS converged, ${JSON.stringify(spend.params)} AS spend_params,
      ${spend.frequencySpendCorrelation} AS frequency_spend_correlation, ${summary.customers} AS customers, ${groups.length} AS groups_count,
      ${settings.horizonWeeks} AS horizon_weeks, ${settings.valueOn} AS value_on, ${choiceColumns(settings.model, selection)}`);
    await dropTables(engine, ['clv_person_orders', 'clv_periods', 'clv_summary', 'clv_groups']);
  },
};
