import type { SegmentsConfig } from '../config/segments-config.js';
import { sql, type Engine, type Sql } from '../store/index.js';
import { dropTables, replacePerPersonTable, replaceTable, replaceTableByJoins, type PipelineStep } from '../kernel/index.js';
import { buildPersonAttributes } from './person-attributes.js';
import { choosePeers, PEER_SCRATCH } from './potential-peers.js';
import { percentileCuts, percentileOf, readPercentileCuts } from './ranks.js';

const SCRATCH = [
  'potential_buyers', 'potential_person_ranges', 'category_base', 'attribute_buyers', 'attribute_category_buyers', 'attribute_category_counts',
  'person_attribute_lift', 'person_category_lift', 'potential_peer_choice', 'peer_range_stats', 'potential_peer_ranges', 'potential_lines', 'potential_size', 'potential_valued',
  'potential_totals', 'potential_gap_list', 'potential_bought_list', 'potential_base', ...PEER_SCRATCH,
];

/**
 * Potential and share of wallet (seed 003: the restaurant that buys only sorbets from a frozen-food
 * wholesaler buys its other frozen goods elsewhere). Each buyer is measured against his peers
 * (src/segments/potential-peers.ts: declared household and income when he has them, else activity
 * and size). Potential = up-sell in his ranges (his peers' average basket there above what he
 * spends) + cross-sell in his missing ranges (the ranges enough of his peers buy and he never buys
 * from us, each worth the share of peers buying it x their typical basket x his size beside them);
 * wallet = his yearly spend + potential; share of wallet = his spend / wallet.
 */
export const potential: PipelineStep = {
  name: 'potential',
  reads: ['customer_facts', 'customers', 'customer_persons', 'person_purchase_lines'],
  writes: ['person_attributes', 'person_category_revenue', 'attribute_category_lift', 'customer_category_gaps', 'customer_potential'],
  requires: [],
  async run({ engine, asOf, config }) {
    const d = engine.dialect;
    const s = config.segments.potential;
    await buildPersonAttributes(engine, asOf);
    await replaceTable(engine, 'person_category_revenue', sql`SELECT person_id, category, sum(revenue) AS revenue,
      count(DISTINCT order_id) AS orders FROM person_purchase_lines GROUP BY person_id, category`);
    // Spend per year of tenure; the tenure is floored so one purchase last week is not a yearly rate.
    const years = sql`(greatest(CAST(${d.daysBetween(sql`first_purchase`, sql`${asOf}`)} AS DOUBLE), ${s.minYearDays}) / 365.25)`;
    await replaceTable(engine, 'potential_buyers', sql`SELECT person_id, CAST(revenue AS DOUBLE) AS revenue,
      CAST(revenue AS DOUBLE) / ${years} AS yearly_revenue, ${years} AS years FROM customer_facts WHERE orders > 0`);
    await replaceTable(engine, 'potential_person_ranges', sql`SELECT r.person_id AS person_id, r.category AS category,
      CAST(r.revenue AS DOUBLE) / b.years AS yearly_spend FROM person_category_revenue AS r JOIN potential_buyers AS b ON b.person_id = r.person_id`);

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
    // A declared attribute raises or lowers how likely he is to buy a range his peers buy: the
    // strongest lift among his attributes. Attributes that move a range's penetration by less than
    // 10% say nothing: leaving them out keeps this join small (most household, age and income bands are near 1).
    // Aggregates named apart from the columns they read: ClickHouse resolves `l.lift` to a SELECT
    // alias `lift` first, which would put an aggregate inside another.
    // The join is written first, then aggregated: ClickHouse 18.16 corrupts memory (a crash) when
    // one query aggregates the right-hand side's strings of a JOIN, and gives a wrong column for
    // the right-hand side's join key, so the key is read from the left (docs/clickhouse.md).
    await replaceTable(engine, 'person_attribute_lift', sql`SELECT a.person_id AS person_id, l.category AS category,
      a.attribute AS attribute_name, l.lift AS attribute_lift
      FROM person_attributes AS a JOIN (SELECT * FROM attribute_category_lift
        WHERE customers >= ${s.minAttributeCustomers} AND (lift >= 1.1 OR lift <= 0.9)) AS l ON l.attribute = a.attribute`);
    await replaceTable(engine, 'person_category_lift', sql`SELECT person_id, category, top_lift AS lift, top_attribute AS attribute
      FROM (SELECT person_id, category, max(attribute_lift) AS top_lift, ${d.argMax(sql`attribute_name`, sql`attribute_lift`)} AS top_attribute
        FROM person_attribute_lift GROUP BY person_id, category) AS top`);

    await choosePeers(engine, { minPeers: s.minPeers, sizeBands: s.sizeBands, walletQuantile: s.walletQuantile });
    await valueWallets(engine, s);

    // Missing ranges backed by a declared attribute come first: they say why he would buy it.
    await replaceTable(engine, 'customer_category_gaps', d.topPerGroup(sql`SELECT * FROM potential_valued WHERE missing = 1`, {
      partitionBy: ['person_id'],
      orderBy: [{ column: 'strong', descending: true }, { column: 'expected_penetration', descending: true }, { column: 'category' }],
      columns: ['category', 'expected_penetration', 'band', 'band_penetration', 'attribute', 'lift', 'expected_revenue', 'typical_spend'],
      n: s.maxGaps,
      rankAs: 'gap_rank',
    }));
    // The wallet counts every missing range; the list names the best ones only.
    await replaceTable(engine, 'potential_totals', sql`SELECT person_id, sum(missing) AS gaps,
      sum(CASE WHEN missing = 1 THEN expected_revenue ELSE 0.0 END) AS gap_revenue,
      sum(CASE WHEN bought = 1 THEN greatest(0.0, band_penetration * typical_spend - yearly_spend) ELSE 0.0 END) AS upsell_revenue,
      max(size_index) AS size_index FROM potential_valued GROUP BY person_id`);
    await replaceTable(engine, 'potential_gap_list', sql`SELECT person_id, ${d.distinctList(sql`category`)} AS gap_categories
      FROM customer_category_gaps GROUP BY person_id`);
    await replaceTable(engine, 'potential_bought_list', sql`SELECT person_id, count(*) AS ranges_bought,
      ${d.distinctList(sql`category`)} AS bought_categories FROM potential_person_ranges GROUP BY person_id`);
    await replaceTableByJoins(engine, 'potential_base', {
      perPerson: true,
      from: sql`potential_buyers`,
      columns: sql`base.person_id AS person_id, base.yearly_revenue AS yearly_revenue`,
      joins: [
        {
          table: 'potential_peer_choice',
          alias: 'c',
          on: sql`c.person_id = base.person_id`,
          columns: sql`c.peer_kind AS peer_kind, c.peer_group AS peer_group, c.peers AS peers, c.peer_range AS peer_range,
            c.peer_size_band AS peer_size_band`,
        },
        {
          table: 'potential_totals',
          alias: 't',
          on: sql`t.person_id = base.person_id`,
          columns: sql`coalesce(t.gaps, 0) AS gaps, coalesce(t.gap_revenue, 0.0) AS gap_revenue, coalesce(t.upsell_revenue, 0.0) AS upsell_revenue,
            t.size_index AS size_index`,
        },
        { table: 'potential_gap_list', alias: 'g', on: sql`g.person_id = base.person_id`, columns: sql`g.gap_categories AS gap_categories` },
        {
          table: 'potential_bought_list',
          alias: 'b',
          on: sql`b.person_id = base.person_id`,
          columns: sql`coalesce(b.ranges_bought, 0) AS ranges_bought, b.bought_categories AS bought_categories`,
        },
      ],
    });
    const potentialOf = sql`(upsell_revenue + gap_revenue)`;
    const [cuts] = await readPercentileCuts(engine, sql`SELECT ${percentileCuts(d, potentialOf)} AS cuts FROM potential_base`, ['cuts']);
    await replaceTable(engine, 'customer_potential', sql`SELECT b.*, b.yearly_revenue + ${potentialOf} AS wallet,
      CASE WHEN b.yearly_revenue + ${potentialOf} > 0 THEN b.yearly_revenue / (b.yearly_revenue + ${potentialOf}) ELSE 1.0 END AS share_of_wallet,
      ${potentialOf} AS wallet_gap, ${potentialOf} AS potential, ${percentileOf(d, potentialOf, cuts)} AS potential_percentile
      FROM potential_base AS b`);
    await dropTables(engine, SCRATCH);
  },
};

/**
 * `potential_valued`: one row per buyer and range his peers buy. The typical basket of a range is
 * the wallet quantile of what the peers who buy it spend there; a range he never buys is missing
 * when enough of his peers buy it (their share, raised or lowered by his declared attributes), and
 * is worth that share x the typical basket x his size index.
 */
async function valueWallets(engine: Engine, s: SegmentsConfig['potential']): Promise<void> {
  await replaceTable(engine, 'potential_peer_ranges', sql`SELECT c.person_id AS person_id, c.peer_group AS peer_group, r.category AS category,
    r.penetration AS penetration, r.typical_spend AS typical_spend
    FROM potential_peer_choice AS c JOIN peer_range_stats AS r ON r.peer_key = c.peer_key`);
  const sameCell = (alias: string): Sql => sql`${sql.id(alias)}.person_id = base.person_id AND ${sql.id(alias)}.category = base.category`;
  await replaceTableByJoins(engine, 'potential_lines', {
    perPerson: true,
    from: sql`potential_peer_ranges`,
    columns: sql`base.person_id AS person_id, base.peer_group AS peer_group, base.category AS category, base.penetration AS penetration,
      base.typical_spend AS typical_spend`,
    joins: [
      { table: 'person_category_lift', alias: 'l', on: sameCell('l'), columns: sql`l.lift AS lift, l.attribute AS attribute` },
      { table: 'potential_person_ranges', alias: 'r', on: sameCell('r'), columns: sql`r.yearly_spend AS yearly_spend` },
    ],
  });
  // His size beside his peers: what he spends in his ranges over what his peers who buy them spend
  // there. A missing range is valued at his size: a big buyer of one range misses big baskets of
  // the others, a small one small baskets (the wallet gap of a small customer does not swamp what he buys).
  await replaceTable(engine, 'potential_size', sql`SELECT person_id,
    CASE WHEN sum(CASE WHEN yearly_spend IS NOT NULL THEN typical_spend ELSE 0.0 END) > 0
      THEN sum(coalesce(yearly_spend, 0.0)) / sum(CASE WHEN yearly_spend IS NOT NULL THEN typical_spend ELSE 0.0 END) ELSE 1.0 END AS size_index
    FROM potential_lines GROUP BY person_id`);
  const expected = sql`least(0.95, l.penetration * coalesce(l.lift, 1.0))`;
  const bought = sql`l.yearly_spend IS NOT NULL`;
  // The inner SELECT names its columns apart from those it reads (`spend`, `attr`, `lift_value`):
  // ClickHouse resolves `l.yearly_spend` to a SELECT alias `yearly_spend` first, even qualified.
  await replacePerPersonTable(engine, 'potential_valued', sql`SELECT person_id, category, band, band_penetration, typical_spend,
    coalesce(spend, 0.0) AS yearly_spend, size_index, bought, missing,
    CASE WHEN strong = 1 THEN attr END AS attribute, CASE WHEN strong = 1 THEN lift_value END AS lift, strong, expected_penetration, expected_revenue
    FROM (SELECT l.person_id AS person_id, l.category AS category, l.peer_group AS band,
      l.penetration AS band_penetration, l.typical_spend AS typical_spend, l.yearly_spend AS spend, z.size_index AS size_index,
      l.attribute AS attr, l.lift AS lift_value,
      CASE WHEN ${bought} THEN 1 ELSE 0 END AS bought,
      CASE WHEN NOT (${bought}) AND ${expected} >= ${s.minPenetration} THEN 1 ELSE 0 END AS missing,
      CASE WHEN l.lift >= ${s.minLift} THEN 1 ELSE 0 END AS strong,
      ${expected} AS expected_penetration, ${expected} * l.typical_spend * z.size_index AS expected_revenue
      FROM potential_lines AS l JOIN potential_size AS z ON z.person_id = l.person_id) AS valued`);
}
