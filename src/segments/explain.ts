import { localised, type LocalisedMessage, type Message, type MessageKey } from '../messages/index.js';

/**
 * Short reasons, with the figures behind them, for each class of a customer: read from his
 * `customer_classes` row, so what is shown is what decided. Each reason is a message key with
 * its parameters (src/messages/catalogue/classes.ts); `reasons` keeps their English text.
 */
export type ClassesRow = Readonly<Record<string, unknown>>;

export interface ClassReason {
  /** The classification: value_tier, value_column, grid, rfm, attachment, potential... */
  readonly dimension: string;
  /** The class he is in. */
  readonly value: string;
  /** The reasons in English (or in the language the API was asked for: src/profiles/localise.ts). */
  readonly reasons: readonly string[];
  /** The same reasons as message keys with parameters and their text in English and French. */
  readonly messages?: readonly LocalisedMessage[];
  /** The class as a sentence where it is one (the potential: "1,200 EUR a year"), in both languages. */
  readonly valueMessage?: LocalisedMessage;
}

/** A reason made of messages: `reasons` is their English text. */
function fromMessages(dimension: string, value: string, messages: readonly Message[], currency: string, valueMessage?: Message): ClassReason {
  const texts = messages.map((m) => localised(m, { currency }));
  const base = { dimension, value, reasons: texts.map((t) => t.text.en), messages: texts };
  return valueMessage ? { ...base, valueMessage: localised(valueMessage, { currency }) } : base;
}
const msg = (key: MessageKey, params: Message['params']): Message => ({ key, params });
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

export function explainValueTier(row: ClassesRow, currency: string): ClassReason | null {
  const tier = str(row, 'value_tier');
  if (!tier) return null;
  const predicted = num(row, 'predicted_value');
  const clv = num(row, 'clv');
  const costs = num(row, 'yearly_costs');
  const contribution = num(row, 'contribution');
  if (tier === 'CNR') {
    const messages: Message[] = [];
    if (contribution !== null && contribution < 0) messages.push(msg('tier.cnr.contribution', { contribution }));
    if (predicted !== null && predicted < 0) messages.push(msg('tier.cnr.predicted', { value: predicted, clv, costs }));
    return fromMessages('value_tier', tier, messages, currency);
  }
  const threshold = num(row, 'cpp_min_predicted_value');
  const messages: Message[] = [{ key: 'tier.value', params: { value: predicted, top: topShare(num(row, 'value_percentile')) } }];
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
  if (column === 'd4') return fromMessages('value_column', column, [msg('column.d4', { contribution: num(row, 'contribution'), value: num(row, 'predicted_value') })], currency);
  if (column === 'd1') {
    const params = { clv, top: topShare(num(row, 'clv_percentile')), threshold: num(row, 'd1_min_clv') };
    return fromMessages('value_column', column, [msg('column.d1', params)], currency);
  }
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
  if (grid === 'inactive') return fromMessages('grid', grid, [msg('grid.inactive', { days: num(row, 'recency_days') })], currency);
  const rate = num(row, 'profitability');
  // Profitability is a margin rate unless the run measured it as an amount (a rate stays within ±150%).
  const asRate = rate !== null && Math.abs(rate) <= 1.5;
  return fromMessages('grid', grid, [
    msg('grid.revenue', { revenue: num(row, 'window_revenue'), top: topShare(num(row, 'revenue_percentile')), cut: num(row, 'revenue_cut') }),
    msg(asRate ? 'grid.profitability.rate' : 'grid.profitability.amount', { rate, top: topShare(num(row, 'profitability_percentile')), cut: num(row, 'profitability_cut') }),
  ], currency);
}

export function explainAttachment(row: ClassesRow, currency = 'EUR'): ClassReason | null {
  const score = num(row, 'attachment');
  if (score === null) return null;
  return fromMessages('attachment', String(Math.round(score)), [
    msg('attachment.score', { score: Math.round(score), top: topShare(num(row, 'attachment_percentile')) }),
    msg('attachment.tenure', { months: Math.round((num(row, 'tenure_days') ?? 0) / 30.4), active: num(row, 'active_periods') ?? 0, periods: num(row, 'periods') ?? 0 }),
    msg('attachment.ranges', { ranges: num(row, 'categories') ?? 0, days: num(row, 'recency_days') }),
  ], currency);
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
  const messages: Message[] = [
    { key: PEER_KEYS[kind as keyof typeof PEER_KEYS] ?? PEER_KEYS.all, params: { peers, group: str(row, 'peer_group'), range: str(row, 'peer_range') } },
  ];
  const missing = str(row, 'gap_categories');
  const bought = str(row, 'bought_categories') ?? '';
  if (missing) messages.push({ key: num(row, 'ranges_bought') === 1 ? 'potential.ranges.only' : 'potential.ranges.also', params: { missing, bought } });
  else if (bought) messages.push({ key: 'potential.ranges.none', params: { bought } });
  if (missing && num(row, 'size_index') !== null) messages.push({ key: 'potential.size', params: { size: num(row, 'size_index') } });
  messages.push({ key: 'potential.wallet', params: { spend: num(row, 'yearly_revenue'), share: num(row, 'share_of_wallet'), wallet: num(row, 'wallet') } });
  messages.push({ key: 'potential.split', params: { potential, upsell: num(row, 'upsell_revenue'), crossSell: num(row, 'gap_revenue') } });
  const value = msg('potential.value', { potential });
  return fromMessages('potential', localised(value, { currency }).text.en, messages, currency, value);
}

export function explainRfm(row: ClassesRow, currency: string): ClassReason | null {
  const segment = str(row, 'rfm_segment');
  if (!segment) return null;
  const params = {
    r: num(row, 'r_score'), f: num(row, 'f_score'), m: num(row, 'm_score'),
    days: num(row, 'recency_days'), orders: num(row, 'orders') ?? 0, revenue: num(row, 'revenue'),
  };
  return fromMessages('rfm', segment, [msg('rfm.scores', params)], currency);
}

/** Every class of a customer with its reasons, in the order a marketer reads them. */
export function explainClasses(row: ClassesRow, currency: string): ClassReason[] {
  return [
    explainValueTier(row, currency),
    explainValueColumn(row, currency),
    explainGrid(row, currency),
    explainRfm(row, currency),
    explainAttachment(row, currency),
    explainPotential(row, currency),
  ].filter((r): r is ClassReason => r !== null);
}
