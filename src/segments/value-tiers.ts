import { sql, type Sql } from '../store/index.js';
import { dropTables, replaceTable, replaceTableByJoins, type PipelineStep } from '../kernel/index.js';
import { percentileCuts, percentileOf, readPercentileCuts } from './ranks.js';
import { thresholdForValueShare, valueHistogram } from './value-histogram.js';

/**
 * Value tiers (seed 000: CPP, CCM, CNR) and the four columns (seed 002: d1-d4) of every buyer,
 * from his predicted lifetime margin, what he costs, his contribution so far and his potential
 * (d2 / d3 split on the potential value, `segments.tiers.d2On`); the predicted value counts what
 * the customers he referred are predicted to bring unless `segments.tiers.countReferralValue` is false.
 * Unprofitable first (the margin does not cover what is spent on him), then the top of the
 * predicted value; the thresholds are kept on every row so each class can be explained.
 */
export const valueTiers: PipelineStep = {
  name: 'value_tiers',
  reads: ['customer_facts', 'customer_clv', 'customer_potential', 'customer_referral_value'],
  writes: ['customer_value_tiers', 'value_tier_thresholds'],
  requires: [],
  async run({ engine, asOf, config }) {
    const d = engine.dialect;
    const t = config.segments.tiers;
    const horizonYears = config.value.clv.horizonWeeks / 52.1775;
    const minYearDays = config.segments.potential.minYearDays;
    const years = sql`(greatest(CAST(${d.daysBetween(sql`f.first_purchase`, sql`${asOf}`)} AS DOUBLE), ${minYearDays}) / 365.25)`;
    // His facts with his model's CLV and his referral value, joined first (one JOIN per SELECT on ClickHouse 18.16),
    // the joined columns named apart from what the query below names its own.
    await replaceTableByJoins(engine, 'tier_inputs', {
      perPerson: true,
      from: sql`customer_facts`,
      columns: sql`base.person_id AS person_id, base.orders AS orders, base.revenue AS fact_revenue, base.gross_margin AS fact_gross_margin,
        base.returned_margin AS returned_margin, base.cost_to_serve AS cost_to_serve, base.contact_cost AS contact_cost, base.first_purchase AS first_purchase`,
      joins: [
        {
          table: 'customer_clv',
          alias: 'c',
          on: sql`c.person_id = base.person_id`,
          columns: sql`c.clv AS model_clv, c.p_alive AS model_p_alive, c.p_alive_reason AS p_alive_reason, c.clv_cost_years AS clv_cost_years`,
        },
        { table: 'customer_referral_value', alias: 'r', on: sql`r.person_id = base.person_id`, columns: sql`r.referred_clv AS referred_clv` },
      ],
      where: sql`orders > 0`,
    });
    const costs = sql`(f.returned_margin + f.cost_to_serve + f.contact_cost)`;
    // A P(alive) published as not estimable (p_alive_reason) stays NULL; the costs are then weighted
    // as the model's own CLV counts that customer: alive (BG/NBD before a repeat purchase).
    const publishedAliveOrZero = sql`CASE WHEN f.p_alive_reason IS NULL THEN coalesce(f.model_p_alive, 0.0) END`;
    const costWeight = sql`CASE WHEN f.p_alive_reason IS NULL THEN coalesce(f.model_p_alive, 0.0) ELSE 1.0 END`;
    // Referral value: the predicted value of the customers he brought (customer_referral_value.referred_clv).
    const referralValue = sql`CAST(coalesce(f.referred_clv, 0) AS DOUBLE)`;
    const base = sql`SELECT f.person_id AS person_id, f.orders AS orders, CAST(f.fact_revenue AS DOUBLE) AS revenue,
      CAST(f.fact_gross_margin AS DOUBLE) AS gross_margin, ${costs} AS costs,
      CAST(f.fact_gross_margin AS DOUBLE) - ${costs} AS contribution,
      (CAST(f.fact_gross_margin AS DOUBLE) - ${costs}) / ${years} AS yearly_contribution,
      ${costs} / ${years} AS yearly_costs,
      coalesce(f.model_clv, 0.0) AS clv, ${publishedAliveOrZero} AS p_alive,
      ${referralValue} AS referral_value,
      coalesce(f.model_clv, 0.0) - ${costs} / ${years} * coalesce(f.clv_cost_years, ${horizonYears}) * ${costWeight}
        ${t.countReferralValue ? sql`+ ${referralValue}` : sql``} AS predicted_value,
      CASE WHEN f.fact_revenue > 0 THEN greatest(0.0, CAST(f.fact_gross_margin AS DOUBLE) / CAST(f.fact_revenue AS DOUBLE)) ELSE 0.0 END AS margin_rate
      FROM tier_inputs AS f`;
    // Seed 002: d2 has "significant potential value" (cross-sell, up-sell), d3 little profit now but
    // may become profitable. Potential value = what he yields a year now plus the margin, at his
    // own margin rate, on the spend his peers show he places elsewhere (customer_potential).
    const valued = sql`SELECT b.*, coalesce(p.potential, 0.0) AS potential, coalesce(p.potential_percentile, 0) AS potential_percentile,
      coalesce(p.potential, 0.0) * b.margin_rate AS potential_margin,
      b.yearly_contribution + coalesce(p.potential, 0.0) * b.margin_rate AS potential_value
      FROM (${base}) AS b LEFT JOIN customer_potential AS p ON p.person_id = b.person_id`;
    const unprofitable: Sql[] = [];
    if (t.unprofitableOnHistory) unprofitable.push(sql`(orders >= ${t.minOrdersForHistory} AND contribution < 0)`);
    if (t.unprofitableOnPrediction) unprofitable.push(sql`predicted_value < 0`);
    const isUnprofitable = unprofitable.length > 0 ? sql.join(unprofitable, ' OR ') : sql`FALSE`;
    await replaceTable(engine, 'tier_flagged', sql`SELECT *, ${isUnprofitable} AS unprofitable FROM (${valued}) AS b`);

    const d1Threshold = thresholdForValueShare(await valueHistogram(engine, sql`tier_flagged`, sql`clv`), t.d1ValueShare);
    await replaceTable(engine, 'value_tier_thresholds', sql`SELECT
      ${d.quantiles(sql`predicted_value`, [1 - t.cppTopShare])}[1] AS cpp_min_predicted_value,
      CAST(${Number.isFinite(d1Threshold) ? d1Threshold : null} AS ${sql.raw(d.columnType('float', true))}) AS d1_min_clv,
      ${d.quantiles(sql`yearly_contribution`, [t.d2ContributionQuantile])}[1] AS d2_min_yearly_contribution,
      ${d.quantiles(sql`potential_value`, [t.d2ContributionQuantile])}[1] AS d2_min_potential_value,
      ${percentileCuts(d, sql`clv`)} AS clv_cuts
      FROM tier_flagged WHERE NOT unprofitable`);
    const [clvCuts] = await readPercentileCuts(engine, sql`SELECT clv_cuts FROM value_tier_thresholds`, ['clv_cuts']);
    await replaceTable(engine, 'tier_thresholded', sql`SELECT f.*, t.cpp_min_predicted_value AS cpp_min_predicted_value,
      t.d1_min_clv AS d1_min_clv, t.d2_min_yearly_contribution AS d2_min_yearly_contribution,
      t.d2_min_potential_value AS d2_min_potential_value, ${percentileOf(d, sql`f.clv`, clvCuts)} AS clv_percentile
      FROM tier_flagged AS f CROSS JOIN value_tier_thresholds AS t`);
    const [valueCuts, contributionCuts] = await readPercentileCuts(
      engine,
      sql`SELECT ${percentileCuts(d, sql`predicted_value`)} AS value_cuts, ${percentileCuts(d, sql`contribution`)} AS contribution_cuts FROM tier_flagged`,
      ['value_cuts', 'contribution_cuts'],
    );
    await replaceTable(engine, 'tier_ranked', sql`SELECT f.*, ${percentileOf(d, sql`f.predicted_value`, valueCuts)} AS value_percentile,
      ${percentileOf(d, sql`f.contribution`, contributionCuts)} AS contribution_percentile
      FROM tier_thresholded AS f`);
    const d2 = t.d2On === 'potential_value'
      ? sql`t.potential_value >= t.d2_min_potential_value`
      : sql`t.yearly_contribution >= t.d2_min_yearly_contribution`;
    await replaceTable(engine, 'customer_value_tiers', sql`SELECT t.person_id AS person_id, t.orders AS orders, t.revenue AS revenue,
      t.gross_margin AS gross_margin, t.costs AS costs, t.contribution AS contribution, t.yearly_contribution AS yearly_contribution,
      t.yearly_costs AS yearly_costs, t.clv AS clv, t.p_alive AS p_alive, t.predicted_value AS predicted_value, t.referral_value AS referral_value,
      t.value_percentile AS value_percentile, t.clv_percentile AS clv_percentile, t.contribution_percentile AS contribution_percentile,
      t.potential AS potential, t.potential_percentile AS potential_percentile, t.potential_margin AS potential_margin,
      t.potential_value AS potential_value,
      CASE WHEN t.unprofitable THEN 'CNR' WHEN t.predicted_value >= t.cpp_min_predicted_value THEN 'CPP' ELSE 'CCM' END AS value_tier,
      CASE WHEN t.unprofitable THEN 'd4' WHEN t.clv >= t.d1_min_clv THEN 'd1'
        WHEN ${d2} THEN 'd2' ELSE 'd3' END AS value_column,
      t.cpp_min_predicted_value AS cpp_min_predicted_value, t.d1_min_clv AS d1_min_clv,
      t.d2_min_yearly_contribution AS d2_min_yearly_contribution, t.d2_min_potential_value AS d2_min_potential_value,
      CAST(${t.d2On} AS ${sql.raw(d.columnType('string', false))}) AS d2_rule
      FROM tier_ranked AS t`);
    await dropTables(engine, ['tier_inputs', 'tier_flagged', 'tier_thresholded', 'tier_ranked']);
  },
};
