// The classes against the demo company's planted truths, with the true record -> person map
// (identity resolution is measured by bench/identity.ts). Run alone:
//   npx tsx bench/differentiation.ts --customers 20000 [--seed 11]
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql, type Engine, type Row, type Sql } from '../src/store/index.js';
import { gapScores } from '../test/helpers/class-truth.js';
import { loadDemoCompany } from '../test/helpers/demo-company.js';

async function one<T extends Row>(engine: Engine, query: Sql): Promise<T> {
  const [row] = await engine.query<T>(query);
  if (!row) throw new Error('no row');
  return row;
}

export async function benchDifferentiation(opts: { customers: number; seed?: number }): Promise<Record<string, number>> {
  const company = await loadDemoCompany({ customers: opts.customers, seed: opts.seed ?? 11, trueIdentity: true });
  const e = company.engine;
  try {
    const truth = sql`customer_classes AS k JOIN truth_persons AS t ON t.person_id = k.person_id`;
    const costly = await one<{ costly: number; others: number }>(e, sql`SELECT
      avg(CASE WHEN t.costly = '1' THEN (CASE WHEN k.value_tier = 'CNR' THEN 1.0 ELSE 0.0 END) END) AS costly,
      avg(CASE WHEN t.costly = '0' THEN (CASE WHEN k.value_tier = 'CNR' THEN 1.0 ELSE 0.0 END) END) AS others
      FROM ${truth} WHERE k.orders >= 3`);
    const potential = await one<{ single: number; others: number }>(e, sql`SELECT
      avg(CASE WHEN t.single_category = '1' THEN k.potential_percentile END) AS single,
      avg(CASE WHEN t.single_category = '0' THEN k.potential_percentile END) AS others FROM ${truth} WHERE k.orders >= 3`);
    const gaps = await gapScores(e);
    const faithful = await one<{ faithful: number; low: number; high: number }>(e, sql`SELECT avg(k.attachment_percentile) AS faithful,
      quantile_cont(k.revenue, 0.25) AS low, quantile_cont(k.revenue, 0.75) AS high FROM ${truth} WHERE t.faithful_small = '1' AND k.orders > 0`);
    const sameSpend = await one<{ p: number }>(e, sql`SELECT avg(k.attachment_percentile) AS p FROM ${truth}
      WHERE t.faithful_small = '0' AND k.revenue BETWEEN ${faithful.low} AND ${faithful.high}`);
    const types = await e.query<{ type: string; precision: number; recall: number }>(sql`SELECT t.digital_type AS type,
      (SELECT avg(CASE WHEN t2.digital_type = t.digital_type THEN 1.0 ELSE 0.0 END) FROM customer_classes AS k2
        JOIN truth_persons AS t2 ON t2.person_id = k2.person_id WHERE k2.digital_type = t.digital_type AND k2.orders > 0) AS precision,
      avg(CASE WHEN k.digital_type = t.digital_type THEN 1.0 ELSE 0.0 END) AS recall
      FROM ${truth} WHERE k.orders > 0 GROUP BY t.digital_type ORDER BY t.digital_type`);
    const result: Record<string, number> = {
      costlyInCnr: costly.costly,
      othersInCnr: costly.others,
      singleCategoryPotentialPercentile: potential.single,
      othersPotentialPercentile: potential.others,
      missingCategoryRecall: gaps.found / gaps.truth,
      firstGapPrecision: gaps.firstHits / gaps.first,
      firstGapChance: gaps.chance,
      faithfulSmallAttachmentPercentile: faithful.faithful,
      sameSpendAttachmentPercentile: sameSpend.p,
    };
    for (const t of types) {
      result[`${t.type}Precision`] = t.precision;
      result[`${t.type}Recall`] = t.recall;
    }
    return result;
  } finally {
    await company.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { customers: { type: 'string', default: '20000' }, seed: { type: 'string', default: '11' } } });
  const result = await benchDifferentiation({ customers: Number(values.customers), seed: Number(values.seed) });
  console.log('| figure | value |\n| --- | ---: |');
  for (const [k, v] of Object.entries(result)) console.log(`| ${k} | ${v.toFixed(3)} |`);
}
