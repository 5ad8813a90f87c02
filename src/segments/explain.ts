/**
 * Short reasons, with the figures behind them, for each class of a customer: read from his
 * `customer_classes` row, so what is shown is what decided.
 */
export type ClassesRow = Readonly<Record<string, unknown>>;

export interface ClassReason {
  /** The classification: value_tier, value_column, grid, rfm, attachment, potential... */
  readonly dimension: string;
  /** The class he is in. */
  readonly value: string;
  readonly reasons: readonly string[];
}

const num = (row: ClassesRow, key: string): number | null => {
  const v = row[key];
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};
const str = (row: ClassesRow, key: string): string | null => {
  const v = row[key];
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
};

export function formatMoney(value: number | null, currency: string): string {
  if (value === null) return 'n/a';
  return `${Math.round(value).toLocaleString('en-US')} ${currency}`;
}
const pct = (share: number | null): string => (share === null ? 'n/a' : `${Math.round(share * 100)}%`);
/** "top 8%" from a percentile (share of customers below, in percent). */
const top = (percentile: number | null): string => (percentile === null ? '' : `top ${Math.max(1, 100 - Math.round(percentile))}% of customers`);

export function explainValueTier(row: ClassesRow, currency: string): ClassReason | null {
  const tier = str(row, 'value_tier');
  if (!tier) return null;
  const predicted = num(row, 'predicted_value');
  const clv = num(row, 'clv');
  const costs = num(row, 'yearly_costs');
  const contribution = num(row, 'contribution');
  const reasons: string[] = [];
  if (tier === 'CNR') {
    if (contribution !== null && contribution < 0) reasons.push(`margin after costs to date ${formatMoney(contribution, currency)}: his margin does not cover what he costs`);
    if (predicted !== null && predicted < 0) reasons.push(`predicted value ${formatMoney(predicted, currency)} (lifetime margin ${formatMoney(clv, currency)} minus expected costs to serve at ${formatMoney(costs, currency)} a year)`);
  } else {
    reasons.push(`predicted value ${formatMoney(predicted, currency)}, ${top(num(row, 'value_percentile'))}`);
    reasons.push(tier === 'CPP'
      ? `above the CPP threshold of ${formatMoney(num(row, 'cpp_min_predicted_value'), currency)}`
      : `below the CPP threshold of ${formatMoney(num(row, 'cpp_min_predicted_value'), currency)}; growth potential ${formatMoney(num(row, 'potential'), currency)} a year (${top(num(row, 'potential_percentile'))})`);
  }
  return { dimension: 'value_tier', value: tier, reasons };
}

export function explainValueColumn(row: ClassesRow, currency: string): ClassReason | null {
  const column = str(row, 'value_column');
  if (!column) return null;
  const reasons: string[] = [];
  const clv = num(row, 'clv');
  const yearly = num(row, 'yearly_contribution');
  if (column === 'd4') reasons.push(`unprofitable: contribution to date ${formatMoney(num(row, 'contribution'), currency)}, predicted value ${formatMoney(num(row, 'predicted_value'), currency)}`);
  if (column === 'd1') reasons.push(`predicted margin ${formatMoney(clv, currency)}, ${top(num(row, 'clv_percentile'))}: among the fewest customers making half of the predicted margin (from ${formatMoney(num(row, 'd1_min_clv'), currency)})`);
  if (column === 'd2') reasons.push(`profitable now: contribution ${formatMoney(yearly, currency)} a year, at or above the median of ${formatMoney(num(row, 'd2_min_yearly_contribution'), currency)}`);
  if (column === 'd3') reasons.push(`in the making: contribution ${formatMoney(yearly, currency)} a year, below ${formatMoney(num(row, 'd2_min_yearly_contribution'), currency)}; potential ${formatMoney(num(row, 'potential'), currency)} a year`);
  return { dimension: 'value_column', value: column, reasons };
}

export function explainGrid(row: ClassesRow, currency: string): ClassReason | null {
  const grid = str(row, 'grid');
  if (!grid) return null;
  if (grid === 'inactive') return { dimension: 'grid', value: grid, reasons: [`no purchase in the active window (last purchase ${num(row, 'recency_days') ?? '?'} days ago)`] };
  const rate = num(row, 'profitability');
  const profitability = rate !== null && Math.abs(rate) <= 1.5 ? pct(rate) : formatMoney(rate, currency);
  return {
    dimension: 'grid',
    value: grid,
    reasons: [
      `revenue over the window ${formatMoney(num(row, 'window_revenue'), currency)} (${top(num(row, "revenue_percentile")).replace("of customers", "of the active base")}; high from ${formatMoney(num(row, 'revenue_cut'), currency)})`,
      `profitability ${profitability} (${top(num(row, 'profitability_percentile')).replace('of customers', 'of the active base')}; high from ${
        num(row, 'profitability_cut') !== null && Math.abs(num(row, 'profitability_cut') ?? 0) <= 1.5 ? pct(num(row, 'profitability_cut')) : formatMoney(num(row, 'profitability_cut'), currency)
      })`,
    ],
  };
}

export function explainAttachment(row: ClassesRow): ClassReason | null {
  const score = num(row, 'attachment');
  if (score === null) return null;
  return {
    dimension: 'attachment',
    value: String(Math.round(score)),
    reasons: [
      `attachment ${Math.round(score)}/100, ${top(num(row, 'attachment_percentile'))}`,
      `customer for ${Math.round((num(row, 'tenure_days') ?? 0) / 30.4)} months; bought in ${num(row, 'active_periods') ?? 0} of ${num(row, 'periods') ?? 0} quarters`,
      `${num(row, 'categories') ?? 0} product ranges; last purchase ${num(row, 'recency_days') ?? '?'} days ago`,
    ],
  };
}

export function explainPotential(row: ClassesRow, currency: string): ClassReason | null {
  const potential = num(row, 'potential');
  if (potential === null) return null;
  const reasons = [
    `spends ${formatMoney(num(row, 'yearly_revenue'), currency)} a year: ${pct(num(row, 'share_of_wallet'))} of the wallet of his peers (${str(row, 'peer_group') ?? '?'}, ${num(row, 'peers') ?? 0} customers: ${formatMoney(num(row, 'wallet'), currency)} a year)`,
  ];
  const gaps = str(row, 'gap_categories');
  if (gaps) reasons.push(`never buys ${gaps.split(',').join(', ')} from us, which his peers buy (${formatMoney(num(row, 'gap_revenue'), currency)} a year expected)`);
  return { dimension: 'potential', value: `${formatMoney(potential, currency)} a year`, reasons };
}

export function explainRfm(row: ClassesRow, currency: string): ClassReason | null {
  const segment = str(row, 'rfm_segment');
  if (!segment) return null;
  return {
    dimension: 'rfm',
    value: segment,
    reasons: [
      `R${num(row, 'r_score') ?? '?'} F${num(row, 'f_score') ?? '?'} M${num(row, 'm_score') ?? '?'}: last purchase ${num(row, 'recency_days') ?? '?'} days ago, ${num(row, 'orders') ?? 0} orders, ${formatMoney(num(row, 'revenue'), currency)} revenue`,
    ],
  };
}

/** Every class of a customer with its reasons, in the order a marketer reads them. */
export function explainClasses(row: ClassesRow, currency: string): ClassReason[] {
  return [
    explainValueTier(row, currency),
    explainValueColumn(row, currency),
    explainGrid(row, currency),
    explainRfm(row, currency),
    explainAttachment(row),
    explainPotential(row, currency),
  ].filter((r): r is ClassReason => r !== null);
}
