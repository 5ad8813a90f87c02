import { sql, type Sql } from '../store/index.js';
import type { PipelineStep } from '../pipeline/step.js';
import { dropTables, replaceTable, replaceTableByJoins } from '../pipeline/tables.js';
import { buildPersonAttributes } from './person-attributes.js';
import { percentileCuts, percentileOf } from './ranks.js';

const SCRATCH = [
  'potential_buyers', 'category_base', 'attribute_buyers', 'attribute_category_buyers', 'attribute_category_counts',
  'band_size', 'band_category_buyers', 'band_category', 'person_category_lift', 'gap_band', 'gap_unbought', 'gap_valued',
  'potential_gap_revenue', 'potential_gap_list', 'potential_peers', 'peer_wallet_full',
  'peer_wallet_household', 'peer_wallet_all', 'potential_wallet_full', 'potential_wallet', 'potential_gaps', 'potential_base', 'potential_cuts',
];

/**
 * Potential and share of wallet (seed 003): the wallet of each buyer is what his peers (same
 * household size and income band) spend with us a year at a high quantile, and his gaps are the
 * product ranges that customers sharing one of his declared attributes buy markedly more than
 * everybody, which he never buys from us (the restaurant that buys only sorbets). Potential is the
 * larger of the two estimates of the spend he places elsewhere.
 */
export const potential: PipelineStep = {
  name: 'potential',
  reads: ['customer_facts', 'customers', 'customer_persons', 'person_purchase_lines'],
  writes: ['person_attributes', 'person_category_revenue', 'attribute_category_lift', 'customer_category_gaps', 'customer_potential'],
  async run({ engine, asOf, config }) {
    const d = engine.dialect;
    const s = config.segments.potential;
    await buildPersonAttributes(engine, asOf);
    await replaceTable(engine, 'person_category_revenue', sql`SELECT person_id, category, sum(revenue) AS revenue,
      count(DISTINCT order_id) AS orders FROM person_purchase_lines GROUP BY person_id, category`);
    // Spend per year of tenure; the tenure is floored so one purchase last week is not a yearly rate.
    const years = sql`(greatest(CAST(${d.daysBetween(sql`first_purchase`, sql`${asOf}`)} AS DOUBLE), ${s.minYearDays}) / 365.25)`;
    const band = sql`CASE WHEN orders >= 9 THEN '9+' WHEN orders >= 5 THEN '5-8' WHEN orders >= 3 THEN '3-4' ELSE CAST(orders AS ${sql.raw(d.columnType('string', false))}) END`;
    await replaceTable(engine, 'potential_buyers', sql`SELECT person_id, CAST(revenue AS DOUBLE) AS revenue,
      CAST(revenue AS DOUBLE) / ${years} AS yearly_revenue, ${years} AS years, ${band} AS band,
      CAST(revenue AS DOUBLE) / ${years} / greatest(categories, 1) AS spend_per_category
      FROM customer_facts WHERE orders > 0`);

    await replaceTable(engine, 'category_base', sql`SELECT category, count(*) AS buyers,
      CAST(count(*) AS DOUBLE) / (SELECT count(*) FROM potential_buyers) AS penetration
      FROM person_category_revenue GROUP BY category`);
    await replaceTable(engine, 'attribute_buyers', sql`SELECT a.attribute AS attribute, count(*) AS customers
      FROM person_attributes AS a JOIN potential_buyers AS b ON b.person_id = a.person_id GROUP BY a.attribute`);
    await replaceTable(engine, 'attribute_category_buyers', sql`SELECT a.attribute AS attribute, r.category AS category, count(*) AS buyers
      FROM person_attributes AS a JOIN person_category_revenue AS r ON r.person_id = a.person_id GROUP BY a.attribute, r.category`);
    await replaceTable(engine, 'attribute_category_counts', sql`SELECT c.attribute AS attribute, c.category AS category,
      b.customers AS customers, c.buyers AS buyers, CAST(c.buyers AS DOUBLE) / b.customers AS penetration
      FROM attribute_category_buyers AS c JOIN attribute_buyers AS b ON b.attribute = c.attribute`);
    await replaceTable(engine, 'attribute_category_lift', sql`SELECT c.attribute AS attribute, c.category AS category,
      c.customers AS customers, c.buyers AS buyers, c.penetration AS penetration, b.penetration AS base_penetration,
      c.penetration / b.penetration AS lift
      FROM attribute_category_counts AS c JOIN category_base AS b ON b.category = c.category`);

    // Peers of the same size: buyers with as many orders (banded), whose penetration of each range
    // is the base rate, raised or lowered by the strongest lift among his declared attributes.
    await replaceTable(engine, 'band_size', sql`SELECT band, count(*) AS peers FROM potential_buyers GROUP BY band`);
    await replaceTable(engine, 'band_category_buyers', sql`SELECT b.band AS band, r.category AS category, count(*) AS buyers
      FROM person_category_revenue AS r JOIN potential_buyers AS b ON b.person_id = r.person_id GROUP BY b.band, r.category`);
    await replaceTable(engine, 'band_category', sql`SELECT c.band AS band, c.category AS category, CAST(c.buyers AS DOUBLE) / s.peers AS penetration
      FROM band_category_buyers AS c JOIN band_size AS s ON s.band = c.band`);
    // Attributes that move a range's penetration by less than 10% say nothing: leaving them out
    // keeps this join small (most household, age and income bands are near 1).
    // Aggregates named apart from the columns they read: ClickHouse resolves `l.lift` to a SELECT
    // alias `lift` first, which would put an aggregate inside another.
    await replaceTable(engine, 'person_category_lift', sql`SELECT person_id, category, top_lift AS lift, top_attribute AS attribute
      FROM (SELECT a.person_id AS person_id, l.category AS category, max(l.lift) AS top_lift,
        ${d.argMax(sql`l.attribute`, sql`l.lift`)} AS top_attribute
        FROM person_attributes AS a JOIN (SELECT * FROM attribute_category_lift
          WHERE customers >= ${s.minAttributeCustomers} AND (lift >= 1.1 OR lift <= 0.9)) AS l
        ON l.attribute = a.attribute GROUP BY a.person_id, l.category) AS top`);
    await replaceTable(engine, 'gap_band', sql`SELECT b.person_id AS person_id, b.band AS band, b.spend_per_category AS spend_per_category,
      c.category AS category, c.penetration AS band_penetration
      FROM potential_buyers AS b JOIN band_category AS c ON c.band = b.band`);
    const sameCell = (alias: string): Sql => sql`${sql.id(alias)}.person_id = base.person_id AND ${sql.id(alias)}.category = base.category`;
    await replaceTableByJoins(engine, 'gap_unbought', {
      from: sql`gap_band`,
      columns: sql`base.person_id AS person_id, base.band AS band, base.spend_per_category AS spend_per_category,
        base.category AS category, base.band_penetration AS band_penetration`,
      joins: [
        { table: 'person_category_lift', alias: 'l', on: sameCell('l'), columns: sql`l.lift AS lift, l.attribute AS attribute` },
        { table: 'person_category_revenue', alias: 'r', on: sameCell('r'), columns: sql`r.person_id AS bought_by` },
      ],
      where: sql`bought_by IS NULL AND least(0.95, band_penetration * coalesce(lift, 1.0)) >= ${s.minPenetration}`,
    });
    await replaceTable(engine, 'gap_valued', sql`SELECT person_id, category, band, band_penetration,
      CASE WHEN lift >= ${s.minLift} THEN attribute END AS attribute, CASE WHEN lift >= ${s.minLift} THEN lift END AS lift,
      CASE WHEN lift >= ${s.minLift} THEN 1 ELSE 0 END AS strong,
      least(0.95, band_penetration * coalesce(lift, 1.0)) AS expected_penetration,
      least(0.95, band_penetration * coalesce(lift, 1.0)) * spend_per_category AS expected_revenue
      FROM gap_unbought`);
    // Gaps backed by a declared attribute come first: they say why his peers buy it.
    await replaceTable(engine, 'customer_category_gaps', d.topPerGroup(sql`SELECT * FROM gap_valued`, {
      partitionBy: ['person_id'],
      orderBy: [{ column: 'strong', descending: true }, { column: 'expected_penetration', descending: true }, { column: 'category' }],
      columns: ['category', 'expected_penetration', 'band', 'band_penetration', 'attribute', 'lift', 'expected_revenue'],
      n: s.maxGaps,
      rankAs: 'gap_rank',
    }));

    await buildWallets(engine, s.walletQuantile, s.minPeers);
    // The expected revenue counts every gap; the list names the best ones only.
    await replaceTable(engine, 'potential_gap_revenue', sql`SELECT person_id, count(*) AS gaps, sum(expected_revenue) AS gap_revenue
      FROM gap_valued GROUP BY person_id`);
    await replaceTable(engine, 'potential_gap_list', sql`SELECT person_id, ${d.distinctList(sql`category`)} AS gap_categories
      FROM customer_category_gaps GROUP BY person_id`);
    await replaceTable(engine, 'potential_gaps', sql`SELECT r.person_id AS person_id, r.gaps AS gaps, l.gap_categories AS gap_categories,
      r.gap_revenue AS gap_revenue FROM potential_gap_revenue AS r LEFT JOIN potential_gap_list AS l ON l.person_id = r.person_id`);
    await replaceTable(engine, 'potential_base', sql`SELECT w.*, coalesce(g.gaps, 0) AS gaps, g.gap_categories AS gap_categories,
      coalesce(g.gap_revenue, 0.0) AS gap_revenue, greatest(w.wallet_gap, coalesce(g.gap_revenue, 0.0)) AS potential
      FROM potential_wallet AS w LEFT JOIN potential_gaps AS g ON g.person_id = w.person_id`);
    await replaceTable(engine, 'potential_cuts', sql`SELECT ${percentileCuts(d, sql`potential`)} AS cuts FROM potential_base`);
    await replaceTable(engine, 'customer_potential', sql`SELECT b.*, ${percentileOf(d, sql`b.potential`, sql`c.cuts`)} AS potential_percentile
      FROM potential_base AS b CROSS JOIN potential_cuts AS c`);
    await dropTables(engine, SCRATCH);
  },
};

/** `potential_wallet`: each buyer's wallet from his peers, falling back to coarser peer groups when his is small. */
async function buildWallets(engine: Parameters<PipelineStep['run']>[0]['engine'], quantile: number, minPeers: number): Promise<void> {
  const d = engine.dialect;
  const wallet = (column: Sql): Sql => sql`${d.quantiles(column, [quantile])}[1]`;
  const attribute = (prefix: string): Sql => sql`max(CASE WHEN attribute LIKE ${`${prefix}:%`} THEN attribute END)`;
  await replaceTable(engine, 'potential_peers', sql`SELECT b.person_id AS person_id, b.yearly_revenue AS yearly_revenue,
    coalesce(a.household, 'household:?') AS household, coalesce(a.income, 'income:?') AS income
    FROM potential_buyers AS b LEFT JOIN (SELECT person_id, ${attribute('household')} AS household, ${attribute('income')} AS income
      FROM person_attributes GROUP BY person_id) AS a ON a.person_id = b.person_id`);
  await replaceTable(engine, 'peer_wallet_full', sql`SELECT household, income, count(*) AS peers, ${wallet(sql`yearly_revenue`)} AS wallet
    FROM potential_peers GROUP BY household, income`);
  await replaceTable(engine, 'peer_wallet_household', sql`SELECT household, count(*) AS peers, ${wallet(sql`yearly_revenue`)} AS wallet
    FROM potential_peers GROUP BY household`);
  await replaceTable(engine, 'peer_wallet_all', sql`SELECT count(*) AS peers, ${wallet(sql`yearly_revenue`)} AS wallet FROM potential_peers`);
  await replaceTable(engine, 'potential_wallet_full', sql`SELECT p.*, f.peers AS full_peers, f.wallet AS full_wallet
    FROM potential_peers AS p JOIN peer_wallet_full AS f ON f.household = p.household AND f.income = p.income`);
  const full = sql`w.full_peers >= ${minPeers}`;
  const household = sql`h.peers >= ${minPeers}`;
  const choose = (a: Sql, b: Sql, c: Sql): Sql => sql`CASE WHEN ${full} THEN ${a} WHEN ${household} THEN ${b} ELSE ${c} END`;
  const chosen = sql`SELECT w.person_id AS person_id, w.yearly_revenue AS yearly_revenue,
    ${choose(sql`concat(w.household, ' ', w.income)`, sql`w.household`, sql`'all buyers'`)} AS peer_group,
    ${choose(sql`w.full_peers`, sql`h.peers`, sql`(SELECT peers FROM peer_wallet_all)`)} AS peers,
    ${choose(sql`w.full_wallet`, sql`h.wallet`, sql`(SELECT wallet FROM peer_wallet_all)`)} AS wallet
    FROM potential_wallet_full AS w JOIN peer_wallet_household AS h ON h.household = w.household`;
  await replaceTable(engine, 'potential_wallet', sql`SELECT *,
    CASE WHEN wallet > 0 THEN least(1.0, yearly_revenue / wallet) ELSE 1.0 END AS share_of_wallet,
    greatest(0.0, wallet - yearly_revenue) AS wallet_gap FROM (${chosen}) AS c`);
}
