import { sql, type Engine, type Sql } from '../store/index.js';
import type { PipelineStep } from '../pipeline/step.js';
import { dropTables, replaceTable } from '../pipeline/tables.js';

interface Part {
  readonly table: string;
  /** Output column -> column of the joined table. */
  readonly columns: Readonly<Record<string, string>>;
}

/** The per-person outputs gathered into one row; later parts (digital maturity...) append here. */
export const CLASS_PARTS: readonly Part[] = [
  {
    table: 'customer_rfm',
    columns: { r_score: 'r_score', f_score: 'f_score', m_score: 'm_score', rfm_code: 'rfm_code', rfm_segment: 'segment' },
  },
  { table: 'customer_clv', columns: { p_alive: 'p_alive', expected_transactions: 'expected_transactions', clv: 'clv' } },
  {
    table: 'customer_value_tiers',
    columns: {
      value_tier: 'value_tier', value_column: 'value_column', predicted_value: 'predicted_value', value_percentile: 'value_percentile',
      clv_percentile: 'clv_percentile', contribution: 'contribution', contribution_percentile: 'contribution_percentile',
      yearly_contribution: 'yearly_contribution', yearly_costs: 'yearly_costs', costs: 'costs',
      cpp_min_predicted_value: 'cpp_min_predicted_value', d1_min_clv: 'd1_min_clv', d2_min_yearly_contribution: 'd2_min_yearly_contribution',
    },
  },
  {
    table: 'customer_grid',
    columns: {
      grid: 'grid', window_revenue: 'window_revenue', window_contribution: 'window_contribution', profitability: 'profitability',
      revenue_percentile: 'revenue_percentile', profitability_percentile: 'profitability_percentile', revenue_cut: 'revenue_cut',
      profitability_cut: 'profitability_cut',
    },
  },
  {
    table: 'customer_attachment',
    columns: {
      attachment: 'attachment', attachment_percentile: 'attachment_percentile', tenure_score: 'tenure_score',
      regularity_score: 'regularity_score', breadth_score: 'breadth_score', recency_score: 'recency_score',
      active_periods: 'active_periods', periods: 'periods',
    },
  },
  {
    table: 'customer_potential',
    columns: {
      potential: 'potential', potential_percentile: 'potential_percentile', yearly_revenue: 'yearly_revenue', wallet: 'wallet',
      share_of_wallet: 'share_of_wallet', wallet_gap: 'wallet_gap', peer_group: 'peer_group', peers: 'peers',
      gap_categories: 'gap_categories', gap_revenue: 'gap_revenue',
    },
  },
  {
    table: 'customer_digital',
    columns: {
      digital_type: 'digital_type', digital_score: 'digital_score', digital_evidence: 'evidence', digital_rule: 'rule',
      digital_treatment: 'treatment', online_share: 'online_share', open_rate: 'open_rate', web_events_per_month: 'web_events_per_month',
      adoption_days: 'adoption_days', customer_status: 'customer_status', online_services: 'services', online_move: 'online_move',
    },
  },
];

const BASE_COLUMNS = [
  'person_id', 'orders', 'revenue', 'gross_margin', 'net_contribution', 'first_purchase', 'last_purchase', 'recency_days', 'tenure_days',
  'categories', 'category_list', 'channels', 'tickets', 'complaints', 'returns', 'latest_nps', 'latest_csat',
];

/**
 * `customer_classes`: one row per person with his value, every class and the figures behind them,
 * what the customer card, the segments tables, the snapshots and the API read. Built one join
 * at a time (engines without multi-join planning run it too).
 */
export function customerClassesStep(parts: readonly Part[] = CLASS_PARTS): PipelineStep {
  return {
    name: 'customer_classes',
    reads: ['customer_facts', ...parts.map((p) => p.table)],
    writes: ['customer_classes'],
    async run({ engine }) {
      await buildClasses(engine, parts);
    },
  };
}

async function buildClasses(engine: Engine, parts: readonly Part[]): Promise<void> {
  const scratch: string[] = [];
  let current = 'classes_0';
  await replaceTable(engine, current, sql`SELECT ${sql.join(BASE_COLUMNS.map((c) => sql.id(c)))} FROM customer_facts`);
  scratch.push(current);
  for (const [index, part] of parts.entries()) {
    const next = `classes_${index + 1}`;
    const columns: Sql[] = Object.entries(part.columns).map(([out, column]) => sql`j.${sql.id(column)} AS ${sql.id(out)}`);
    await replaceTable(engine, next, sql`SELECT c.*, ${sql.join(columns)} FROM ${sql.id(current)} AS c
      LEFT JOIN ${sql.id(part.table)} AS j ON j.person_id = c.person_id`);
    scratch.push(next);
    current = next;
  }
  await replaceTable(engine, 'customer_classes', sql`SELECT * FROM ${sql.id(current)}`);
  await dropTables(engine, scratch);
}
