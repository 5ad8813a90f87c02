import { withText, type ClassMessage, type ClassMessageText } from './class-messages.js';

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
  /** In English. */
  readonly reasons: readonly string[];
  /**
   * The same reasons as message keys with parameters and their text in English and French, where
   * the class has them (value tier, four columns, potential).
   */
  readonly messages?: readonly ClassMessageText[];
}

/** A reason made of messages: `reasons` is their English text. */
function fromMessages(dimension: string, value: string, messages: readonly ClassMessage[], currency: string): ClassReason {
  const texts = messages.map((m) => withText(m, currency));
  return { dimension, value, reasons: texts.map((t) => t.text.en), messages: texts };
}
/** "top 8%" as a number from a percentile (share of customers below, in percent). */
const topShare = (percentile: number | null): number | null => (percentile === null ? null : Math.max(1, 100 - Math.round(percentile)));

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
  if (tier === 'CNR') {
    const reasons: string[] = [];
    if (contribution !== null && contribution < 0) reasons.push(`margin after costs to date ${formatMoney(contribution, currency)}: his margin does not cover what he costs`);
    if (predicted !== null && predicted < 0) reasons.push(`predicted value ${formatMoney(predicted, currency)} (lifetime margin ${formatMoney(clv, currency)} minus expected costs to serve at ${formatMoney(costs, currency)} a year)`);
    return { dimension: 'value_tier', value: tier, reasons };
  }
  const threshold = num(row, 'cpp_min_predicted_value');
  const messages: ClassMessage[] = [{ key: 'tier.value', params: { value: predicted, top: topShare(num(row, 'value_percentile')) } }];
  // Seed 000: CCM has a lower lifetime value than CPP but a very good development potential: his potential says how much.
  messages.push(tier === 'CPP'
    ? { key: 'tier.cpp', params: { threshold } }
    : {
        key: 'tier.ccm',
        params: { threshold, potential: num(row, 'potential'), top: topShare(num(row, 'potential_percentile')), margin: num(row, 'potential_margin') },
      });
  return fromMessages('value_tier', tier, messages, currency);
}

export function explainValueColumn(row: ClassesRow, currency: string): ClassReason | null {
  const column = str(row, 'value_column');
  if (!column) return null;
  const clv = num(row, 'clv');
  if (column === 'd4') return { dimension: 'value_column', value: column, reasons: [`unprofitable: contribution to date ${formatMoney(num(row, 'contribution'), currency)}, predicted value ${formatMoney(num(row, 'predicted_value'), currency)}`] };
  if (column === 'd1') return { dimension: 'value_column', value: column, reasons: [`predicted margin ${formatMoney(clv, currency)}, ${top(num(row, 'clv_percentile'))}: among the fewest customers making half of the predicted margin (from ${formatMoney(num(row, 'd1_min_clv'), currency)})`] };
  // d2 / d3: what decided is the rule of the run (segments.tiers.d2On), kept on the row.
  const onPotential = str(row, 'd2_rule') !== 'contribution';
  const params = {
    contribution: num(row, 'yearly_contribution'),
    potential: num(row, 'potential'),
    margin: num(row, 'potential_margin'),
    potentialValue: num(row, 'potential_value'),
    threshold: onPotential ? num(row, 'd2_min_potential_value') : num(row, 'd2_min_yearly_contribution'),
  };
  const key = onPotential ? (column === 'd2' ? 'column.d2.potential' : 'column.d3.potential') : column === 'd2' ? 'column.d2.contribution' : 'column.d3.contribution';
  return fromMessages('value_column', column, [{ key, params }], currency);
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

const PEER_KEYS = {
  declared: 'potential.peers.declared',
  household: 'potential.peers.household',
  activity: 'potential.peers.activity',
  range: 'potential.peers.range',
  all: 'potential.peers.all',
} as const;

/**
 * His peers, the ranges they buy that he does not, his wallet and share of it, and how his
 * potential splits between up-sell and cross-sell (seed 003: "peers: 40 restaurants of your size;
 * they buy frozen vegetables, fries, desserts; you buy only sorbets").
 */
export function explainPotential(row: ClassesRow, currency: string): ClassReason | null {
  const potential = num(row, 'potential');
  if (potential === null) return null;
  const kind = str(row, 'peer_kind') ?? 'all';
  const peers = num(row, 'peers');
  const messages: ClassMessage[] = [
    { key: PEER_KEYS[kind as keyof typeof PEER_KEYS] ?? PEER_KEYS.all, params: { peers, group: str(row, 'peer_group'), range: str(row, 'peer_range') } },
  ];
  const missing = str(row, 'gap_categories');
  const bought = str(row, 'bought_categories') ?? '';
  if (missing) messages.push({ key: num(row, 'ranges_bought') === 1 ? 'potential.ranges.only' : 'potential.ranges.also', params: { missing, bought } });
  else if (bought) messages.push({ key: 'potential.ranges.none', params: { bought } });
  if (missing && num(row, 'size_index') !== null) messages.push({ key: 'potential.size', params: { size: num(row, 'size_index') } });
  messages.push({ key: 'potential.wallet', params: { spend: num(row, 'yearly_revenue'), share: num(row, 'share_of_wallet'), wallet: num(row, 'wallet') } });
  messages.push({ key: 'potential.split', params: { potential, upsell: num(row, 'upsell_revenue'), crossSell: num(row, 'gap_revenue') } });
  return fromMessages('potential', `${formatMoney(potential, currency)} a year`, messages, currency);
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
