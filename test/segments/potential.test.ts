import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig } from '../../src/config/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { explainClasses } from '../../src/segments/index.js';
import { sql, type Engine, type Row } from '../../src/store/index.js';
import { memoryStore, writeFiles } from '../helpers/fixtures.js';

// The seed's frozen-food wholesaler (seed 003): sixty restaurants of four sizes that declare
// nothing (businesses), each buying most ranges every quarter in proportion to its size; a
// restaurant that buys only sorbets (SORBET) and a control that spends as much across every
// range (CONTROL).
const RANGES = ['sorbets', 'frozen vegetables', 'fries', 'desserts', 'fish', 'meat'] as const;
const DATES = ['2023-01-15', '2023-04-15', '2023-07-15', '2023-10-15', '2024-01-15', '2024-04-15', '2024-07-15', '2024-10-15'];
/** Units per order of each range for a restaurant of size 1; fish for two thirds of them, meat for four fifths. */
const UNITS: Record<(typeof RANGES)[number], number> = { sorbets: 1, 'frozen vegetables': 3, fries: 3, desserts: 2, fish: 2, meat: 3 };

function wholesaler(): Record<string, string> {
  const buyers: { id: string; units: Partial<Record<(typeof RANGES)[number], number>> }[] = [];
  for (let i = 0; i < 60; i++) {
    const size = 1 + (i % 4);
    const units: Partial<Record<(typeof RANGES)[number], number>> = {};
    for (const range of RANGES) {
      if (range === 'fish' && i % 3 === 0) continue;
      if (range === 'meat' && i % 5 === 0) continue;
      units[range] = UNITS[range] * size;
    }
    buyers.push({ id: `R${String(i).padStart(2, '0')}`, units });
  }
  // Same spend a quarter (6 units at 10 EUR): all of it on sorbets, as much as the largest restaurants buy, or one of each range.
  buyers.push({ id: 'SORBET', units: { sorbets: 6 } });
  buyers.push({ id: 'CONTROL', units: Object.fromEntries(RANGES.map((r) => [r, 1])) });
  const orders: string[] = ['order_id,customer_id,ordered_at,channel'];
  const lines: string[] = ['order_id,line_no,sku,quantity,unit_price'];
  for (const b of buyers) {
    for (const [n, date] of DATES.entries()) {
      const order = `${b.id}-${n}`;
      orders.push(`${order},${b.id},${date} 10:00:00,web`);
      let line = 0;
      for (const [range, units] of Object.entries(b.units)) lines.push(`${order},${++line},${RANGES.indexOf(range as (typeof RANGES)[number])},${units},10`);
    }
  }
  return {
    'customers.csv': ['customer_id,source', ...buyers.map((b) => `${b.id},erp`)].join('\n'),
    'products.csv': ['sku,name,category,price,unit_cost', ...RANGES.map((r, i) => `${i},${r} box,${r},10,7`)].join('\n'),
    'orders.csv': orders.join('\n'),
    'order_lines.csv': lines.join('\n'),
  };
}

describe('potential on a frozen-food wholesaler whose customers declare nothing', () => {
  let engine: Engine;
  const row = async (id: string): Promise<Row> => {
    const [r] = await engine.query(sql`SELECT * FROM customer_classes WHERE person_id = ${id}`);
    if (!r) throw new Error(`no row for ${id}`);
    return r;
  };
  beforeAll(async () => {
    engine = await memoryStore();
    await importFiles(engine, [writeFiles(wholesaler())]);
    // Groups of 15 restaurants per size: the default 30 peers would put everyone with all buyers.
    await runPipeline(engine, parseConfig({ segments: { potential: { minPeers: 10 } } }), { asOf: new Date('2024-12-31T00:00:00Z') });
  });
  afterAll(async () => {
    await engine.close();
  });

  it('gives the restaurant that buys only sorbets a higher potential than one spending as much across every range', async () => {
    const sorbet = await row('SORBET');
    const control = await row('CONTROL');
    expect(Number(sorbet.yearly_revenue)).toBeCloseTo(Number(control.yearly_revenue), 6);
    expect(Number(sorbet.potential)).toBeGreaterThan(3 * Number(control.potential));
    expect(Number(sorbet.potential_percentile)).toBeGreaterThan(Number(control.potential_percentile));
    expect(Number(sorbet.share_of_wallet)).toBeLessThan(0.2);
    expect(Number(control.share_of_wallet)).toBeGreaterThan(Number(sorbet.share_of_wallet));
  });

  it('compares him with the restaurants buying as many sorbets and names the ranges they buy that he does not', async () => {
    const sorbet = await row('SORBET');
    // His peers: the top quartile of sorbet buyers, i.e. the 15 largest restaurants and himself.
    expect(sorbet).toMatchObject({ peer_kind: 'activity', peer_range: 'sorbets', peer_size_band: 4, peers: 16, gaps: 5 });
    // Every restaurant of that size buys vegetables, fries and desserts; fish and meat fewer of them.
    expect(sorbet.gap_categories).toBe('desserts,fries,frozen vegetables');
    const gaps = await engine.query<{ category: string; band_penetration: number }>(sql`SELECT category, band_penetration
      FROM customer_category_gaps WHERE person_id = 'SORBET' ORDER BY gap_rank`);
    for (const g of gaps) expect(g.band_penetration).toBeCloseTo(15 / 16, 9);
    // His size: 6 sorbet units a quarter where his peers' median is 4.
    expect(Number(sorbet.size_index)).toBeCloseTo(6 / 4, 9);
    // Each missing range weighs the share of his peers who buy it x their median yearly spend there x his size (tenure 716 days).
    const [peerSpend] = await engine.query<{ wallet: number }>(sql`SELECT sum(s) AS wallet FROM (
      SELECT category, quantile_cont(yearly, 0.5) * count(*) / 16.0 AS s FROM (
        SELECT r.person_id, r.category, r.revenue / (716 / 365.25) AS yearly FROM person_category_revenue AS r
        WHERE r.person_id IN (SELECT person_id FROM customer_classes WHERE person_id LIKE 'R%' AND CAST(substr(person_id, 2) AS INTEGER) % 4 = 3)
          AND r.category <> 'sorbets') GROUP BY category)`);
    expect(Number(sorbet.gap_revenue)).toBeCloseTo(1.5 * Number(peerSpend?.wallet), 6);
    const control = await row('CONTROL');
    expect(control.gaps).toBe(0);
  });

  it('says so in English and French', async () => {
    const potential = explainClasses(await row('SORBET'), 'EUR').find((r) => r.dimension === 'potential');
    const texts = potential?.messages?.map((m) => m.text) ?? [];
    expect(texts.map((t) => t.en).slice(0, 2)).toEqual(['peers: 16 sorbets buyers of his size', 'they buy desserts, fries, frozen vegetables; he buys only sorbets']);
    expect(texts.map((t) => t.fr).slice(0, 2)).toEqual(['pairs : 16 acheteurs de sorbets de sa taille', 'ils achètent desserts, fries, frozen vegetables ; il n’achète que sorbets']);
    expect(potential?.reasons).toEqual(texts.map((t) => t.en));
  });
});
