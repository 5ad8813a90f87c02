import type { Config } from '../config/index.js';
import { orderFacts } from '../value/order-facts.js';
import { dropTables, replaceTable, type PipelineStep } from '../kernel/index.js';
import { sql, type Engine } from '../store/index.js';
import { customerFacts, rfm } from '../value/index.js';
import { categoryAffinity } from './affinity.js';
import { associations } from './associations.js';
import { nextOffers } from './next-offers.js';
import { purchaseLines } from './purchases.js';
import { OFFER_KINDS } from '../config/needs-config.js';
import type { OfferKind } from './rows.js';
import { daysBefore } from './shared.js';

/** Offers scored: a hit is a purchase of one of a customer's first K offers. */
const K = 5;
/** The popularity baseline draws from this many best sellers (enough after excluding recent ones). */
const POPULAR_POOL = 40;
const SCRATCH = ['eval_test_orders', 'eval_test_items', 'eval_population', 'eval_popular', 'eval_recent', 'eval_popular_candidates', 'eval_popular_offers'];

export interface NextBestOfferEvaluation {
  readonly splitDate: Date;
  readonly horizonDays: number;
  readonly k: number;
  /** Buyers before the split who bought again within the horizon after it. */
  readonly customersEvaluated: number;
  /** Share of them who bought one of their first K offers (same SKU) in the window. */
  readonly hitRate: number;
  readonly popularityHitRate: number;
  readonly hits: number;
  readonly popularityHits: number;
  /** Customers with a hit on an offer of each kind. */
  readonly hitsByKind: Readonly<Record<OfferKind, number>>;
  /** Offers of each kind among the evaluated customers' first K. */
  readonly offersByKind: Readonly<Record<OfferKind, number>>;
  readonly trainingBuyers: number;
  readonly seconds: number;
}

const count = async (engine: Engine, query: ReturnType<typeof sql>): Promise<number> => {
  const [row] = await engine.query<{ n: number | null }>(query);
  return Number(row?.n ?? 0);
};

/**
 * Hit rate at 5 of the next best offers on a time split, against a popularity baseline. The
 * needs steps (and the value steps the RFM grouping needs) are run with asOf = splitDate, so
 * nothing after the split is seen; then the population is every person who bought before the
 * split and again in (split, split + horizon]. Items are SKUs for both methods: a hit is a
 * purchase of one of his first 5 offers; the baseline offers each the 5 best-selling SKUs of the
 * training period he did not buy in the last `excludeRecentDays` (the offers' own rule). With
 * `restore` (default), the steps are run again afterwards at the datamart's last purchase, or at
 * `restoreAsOf`, so the tables describe the present again.
 */
export async function evaluateNextBestOffer(
  engine: Engine,
  config: Config,
  options: { splitDate: Date; horizonDays?: number; restore?: boolean; restoreAsOf?: Date },
): Promise<NextBestOfferEvaluation> {
  const t0 = performance.now();
  const split = options.splitDate;
  const horizonDays = options.horizonDays ?? config.needs.evaluation.horizonDays;
  const end = new Date(split.getTime() + horizonDays * 86_400_000);
  const steps: PipelineStep[] = [
    ...(config.needs.affinity.groupBy === 'rfm_segment' ? [orderFacts, customerFacts, rfm] : []),
    purchaseLines, categoryAffinity, associations, nextOffers,
  ];
  const warn = (): void => undefined;
  const restoreAsOf = options.restoreAsOf ?? (await lastPurchase(engine));
  for (const step of steps) await engine.transaction((tx) => step.run({ engine: tx, config, asOf: split, warn }));

  await replaceTable(engine, 'eval_test_orders', sql`SELECT p.person_id AS person_id, o.order_id AS order_id
    FROM orders AS o JOIN customer_persons AS p ON p.customer_id = o.customer_id WHERE o.ordered_at > ${split} AND o.ordered_at <= ${end}`);
  await replaceTable(engine, 'eval_test_items', sql`SELECT DISTINCT o.person_id AS person_id, l.sku AS sku
    FROM order_lines AS l JOIN eval_test_orders AS o ON o.order_id = l.order_id`);
  await replaceTable(engine, 'eval_population', sql`SELECT DISTINCT t.person_id AS person_id
    FROM eval_test_items AS t JOIN customer_needs_group AS g ON g.person_id = t.person_id`);
  await replaceTable(engine, 'eval_popular', sql`SELECT sku, count(*) AS lines FROM person_purchase_lines
    GROUP BY sku ORDER BY lines DESC, sku LIMIT ${sql.raw(String(POPULAR_POOL))}`);
  await replaceTable(engine, 'eval_recent', sql`SELECT DISTINCT person_id, sku, 1 AS recent FROM person_purchase_lines
    WHERE ordered_at > ${daysBefore(split, config.needs.offers.excludeRecentDays)}`);
  await replaceTable(engine, 'eval_popular_candidates', sql`SELECT c.person_id AS person_id, c.sku AS sku, c.lines AS lines
    FROM (SELECT p.person_id AS person_id, s.sku AS sku, s.lines AS lines FROM eval_population AS p CROSS JOIN eval_popular AS s) AS c
    LEFT JOIN eval_recent AS r ON r.person_id = c.person_id AND r.sku = c.sku WHERE coalesce(r.recent, 0) = 0`);
  await replaceTable(engine, 'eval_popular_offers', engine.dialect.topPerGroup(sql`SELECT * FROM eval_popular_candidates`, {
    partitionBy: ['person_id'],
    orderBy: [{ column: 'lines', descending: true }, { column: 'sku' }],
    columns: ['sku'],
    n: K,
    rankAs: 'rank',
  }));

  const customersEvaluated = await count(engine, sql`SELECT count(*) AS n FROM eval_population`);
  const hits = await count(engine, sql`SELECT count(DISTINCT o.person_id) AS n FROM customer_next_offers AS o
    JOIN eval_test_items AS t ON t.person_id = o.person_id AND t.sku = o.sku WHERE o.rank <= ${K}`);
  const popularityHits = await count(engine, sql`SELECT count(DISTINCT o.person_id) AS n FROM eval_popular_offers AS o
    JOIN eval_test_items AS t ON t.person_id = o.person_id AND t.sku = o.sku`);
  const byKind = await engine.query<{ kind: OfferKind; hits: number }>(sql`SELECT o.kind AS kind, count(DISTINCT o.person_id) AS hits
    FROM customer_next_offers AS o JOIN eval_test_items AS t ON t.person_id = o.person_id AND t.sku = o.sku
    WHERE o.rank <= ${K} GROUP BY o.kind`);
  const offered = await engine.query<{ kind: OfferKind; offers: number }>(sql`SELECT o.kind AS kind, count(*) AS offers
    FROM customer_next_offers AS o JOIN eval_population AS p ON p.person_id = o.person_id WHERE o.rank <= ${K} GROUP BY o.kind`);
  const trainingBuyers = await count(engine, sql`SELECT count(*) AS n FROM customer_needs_group`);
  await dropTables(engine, SCRATCH);

  if (options.restore ?? true) {
    for (const step of steps) await engine.transaction((tx) => step.run({ engine: tx, config, asOf: restoreAsOf, warn }));
  }
  const perKind = <T extends { kind: OfferKind }>(rows: readonly T[], value: (row: T) => number): Record<OfferKind, number> => {
    const found = (kind: OfferKind): T | undefined => rows.find((r) => r.kind === kind);
    return Object.fromEntries(OFFER_KINDS.map((kind) => [kind, Number(found(kind) === undefined ? 0 : value(found(kind) as T))])) as Record<OfferKind, number>;
  };
  return {
    splitDate: split,
    horizonDays,
    k: K,
    customersEvaluated,
    hitRate: customersEvaluated > 0 ? hits / customersEvaluated : 0,
    popularityHitRate: customersEvaluated > 0 ? popularityHits / customersEvaluated : 0,
    hits,
    popularityHits,
    hitsByKind: perKind(byKind, (r) => r.hits),
    offersByKind: perKind(offered, (r) => r.offers),
    trainingBuyers,
    seconds: (performance.now() - t0) / 1000,
  };
}

async function lastPurchase(engine: Engine): Promise<Date> {
  const [row] = await engine.query<{ last: Date | null }>(sql`SELECT max(ordered_at) AS last FROM orders`);
  return row?.last instanceof Date ? row.last : new Date();
}
