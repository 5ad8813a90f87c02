import { sql, type Engine } from '../store/index.js';
import { replaceTableByJoins, type PipelineStep } from '../kernel/index.js';

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
  {
    table: 'customer_clv',
    columns: {
      p_alive: 'p_alive', expected_transactions: 'expected_transactions', clv: 'clv', clv_12m: 'clv_12m', clv_lifetime: 'clv_lifetime',
      clv_basis: 'clv_basis', clv_horizon_weeks: 'clv_horizon_weeks',
    },
  },
  { table: 'customer_clv', columns: { p_alive_reason: 'p_alive_reason' } },
  // Referral value (src/value/referral-value.ts): the customers he brought, what they brought and are predicted to bring.
  {
    table: 'customer_referral_value',
    columns: { referred: 'referred', referred_margin: 'referred_margin', referred_net_contribution: 'referred_net_contribution', referred_clv: 'referred_clv' },
  },
  {
    table: 'customer_value_tiers',
    columns: {
      value_tier: 'value_tier', value_column: 'value_column', predicted_value: 'predicted_value', value_percentile: 'value_percentile',
      referral_value: 'referral_value',
      clv_percentile: 'clv_percentile', contribution: 'contribution', contribution_percentile: 'contribution_percentile',
      yearly_contribution: 'yearly_contribution', yearly_costs: 'yearly_costs', costs: 'costs',
      cpp_min_predicted_value: 'cpp_min_predicted_value', d1_min_clv: 'd1_min_clv', d2_min_yearly_contribution: 'd2_min_yearly_contribution',
      potential_margin: 'potential_margin', potential_value: 'potential_value', d2_min_potential_value: 'd2_min_potential_value',
      d2_rule: 'd2_rule',
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
      peer_kind: 'peer_kind', peer_range: 'peer_range', peer_size_band: 'peer_size_band', gaps: 'gaps', upsell_revenue: 'upsell_revenue',
      ranges_bought: 'ranges_bought', bought_categories: 'bought_categories', size_index: 'size_index',
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
  // Written by the channels step (src/activation/channels): the best expected value among his consented channels.
  { table: 'customer_channel_choice', columns: { preferred_channel: 'preferred_channel', preferred_expected_value: 'preferred_expected_value' } },
];

const BASE_COLUMNS = [
  'person_id', 'orders', 'revenue', 'gross_margin', 'net_contribution', 'first_purchase', 'last_purchase', 'recency_days', 'tenure_days',
  'categories', 'category_list', 'channels', 'tickets', 'complaints', 'returns', 'latest_nps', 'latest_csat',
];

/**
 * `customer_classes`: one row per person with his value, every class and the figures behind them,
 * what the customer card, the segments tables, the snapshots and the API read.
 */
export function customerClassesStep(parts: readonly Part[] = CLASS_PARTS): PipelineStep {
  return {
    name: 'customer_classes',
    reads: ['customer_facts', ...parts.map((p) => p.table)],
    writes: ['customer_classes'],
    requires: [],
    async run({ engine }) {
      await buildClasses(engine, parts);
    },
  };
}

async function buildClasses(engine: Engine, parts: readonly Part[]): Promise<void> {
  await replaceTableByJoins(engine, 'customer_classes', {
    perPerson: true,
    from: sql`customer_facts`,
    columns: sql.join(BASE_COLUMNS.map((c) => sql`base.${sql.id(c)}`)),
    joins: parts.map((part, i) => {
      const alias = `j${i}`;
      return {
        table: part.table,
        alias,
        on: sql`${sql.id(alias)}.person_id = base.person_id`,
        columns: sql.join(Object.entries(part.columns).map(([out, column]) => sql`${sql.id(alias)}.${sql.id(column)} AS ${sql.id(out)}`)),
      };
    }),
  });
}
