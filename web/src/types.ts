/** The data API's answers (src/dashboard/schemas.ts on the server), as the pages use them. */

export interface Overview {
  asOf: string;
  currency: string;
  kpis: { customers: number; activeCustomers: number; revenue: number; margin: number; predictedClv: number; netContribution?: number; predictedValue?: number };
  /** What kpis.predictedClv is, in each language. */
  clvDefinition?: { label: { en: string; fr: string }; definition: { en: string; fr: string } } | null;
  trends: { month: string; activeCustomers: number; newCustomers: number; revenue: number; margin: number; contribution?: number }[];
  pareto: { customerShare: number; revenueShare: number; marginShare: number; netShare: number; clvShare: number }[];
  tiers: { tier: string; column: string; customers: number; revenue: number; margin: number; predictedValue: number }[];
  grid: {
    quadrants: { grid: string; customers: number; revenue: number; contribution: number }[];
    points: { id: string; revenue: number; profitability: number; grid: string }[];
    revenueThreshold: number | null;
    profitabilityThreshold: number | null;
  };
  rfm: { r: number; f: number; customers: number; avgMonetary: number }[];
  clvHistogram: { from: number; to: number; customers: number }[];
  digital: { type: string; customers: number; revenue: number }[];
  snapshots: { asOf: string; customers: number }[];
}

export interface Migration {
  dimension: string;
  from: string | null;
  to: string | null;
  dimensions: string[];
  snapshots?: string[];
  rows: { from: string; to: string; customers: number }[];
}

export interface CustomerRow {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  value_tier: string;
  value_column: string;
  rfm_segment: string;
  grid: string;
  digital_type: string;
  orders: number;
  revenue: number;
  clv: number | null;
  predicted_value: number | null;
  p_alive?: number | null;
  last_purchase: string | null;
  clv_12m?: number | null;
  clv_basis?: string | null;
  referral_value?: number | null;
  latest_nps?: number | null;
  latest_csat?: number | null;
  complaints?: number;
  /** Why p_alive is null although he bought: the model cannot estimate it (as the 360's pAliveReason). */
  p_alive_reason?: string | null;
  /** Why his CLV is low although his RFM segment describes a valuable past; null when nothing contradicts. */
  clv_explanation?: ValueMessage | null;
}

/** A sentence from the API: key, raw parameters and its text in both languages. */
export interface ValueMessage {
  key: string;
  params: Record<string, string | number>;
  text: { en: string; fr: string };
}

export interface CustomerPage {
  total: number;
  page: number;
  pageSize: number;
  sort: string;
  order: 'asc' | 'desc';
  rows: CustomerRow[];
  /** True when names, e-mails and phones are hidden from the viewer's role. */
  masked?: boolean;
}

export interface Profile {
  id: string;
  profile: Record<string, { value: unknown; source: string | null }>;
  identifiers: { type: string; value: string; source: string | null }[];
  consents: { channel: string; status: string; at: string; source: string }[];
  currentConsents: { channel: string; status: 'opt_in' | 'opt_out' | 'unknown'; at: string | null; source: string | null; record: string | null }[];
  value: Record<string, unknown> | null;
  /** `messages`: the reasons as message keys with their text in English and French; `valueMessage`: the class where it is a sentence (potential). */
  classes: {
    dimension: string;
    value: string;
    reasons: string[];
    messages?: { key: string; text: { en: string; fr: string } }[];
    valueMessage?: { key: string; text: { en: string; fr: string } };
  }[];
  nextBestOffers: Record<string, unknown>[];
  channels?: PersonChannels | null;
  lastEvents: Record<string, unknown>[];
}

/** A sentence as the API gives it: its message key, raw parameters, and its text in each language. */
export interface ApiMessage {
  key: string;
  params: Record<string, string | number>;
  text: { en: string; fr: string };
}

export interface PersonChannel {
  channel: string;
  contacts: number;
  responses: number;
  segment_rate: number | null;
  p_response: number | null;
  response_value: number | null;
  unit_cost: number | null;
  expected_value: number | null;
  consented: boolean;
  is_preferred: boolean;
  evidence: ApiMessage;
  value: ApiMessage | null;
}

export interface PersonChannels {
  preferred: string | null;
  response: 'opened' | 'clicked' | 'converted';
  explanation: ApiMessage;
  channels: PersonChannel[];
}

export interface Customer360 {
  /** True when his identifiers are masked for the viewer's role. */
  masked?: boolean;
  profile: Profile;
  engagement: { asOf: string; contacts30: number; contacts90: number; emails: number; openRate: number | null; clickRate: number | null };
  /** The source system of each of his records, by record id. */
  recordSystems: Record<string, string>;
  timeline: { at: string; kind: string; label: string; message: ApiMessage; amount?: number; channel?: string }[];
  value: {
    rfm: { r: number | null; f: number | null; m: number | null; segment: string | null };
    clv: number | null;
    pAlive: number | null;
    pAliveReason: 'bgnbd_no_repeat_purchase' | null;
    expectedTransactions: number | null;
    clv12m?: number | null;
    clvLifetime?: number | null;
    clvBasis?: 'revenue' | 'margin' | null;
    predictedValue?: number | null;
    referralValue?: number | null;
    referred?: number | null;
    satisfaction?: { nps: number | null; csat: number | null; complaints: number | null };
    definitions?: ValueDefinition[];
    pAliveCurve: { date: string; pAlive: number }[];
    nextOrder?: { date: string | null; weeks: number | null; reason: 'bgnbd_no_repeat_purchase' | 'not_expected' | 'no_model' | null; text: { en: string; fr: string } | null };
    churnRisk?: { label: 'low' | 'medium' | 'high' | 'lost' | 'not_estimable'; text: { en: string; fr: string } };
    clvExplanation?: ValueMessage | null;
  };
  affinities: Record<string, unknown>[];
  gaps: Record<string, unknown>[];
  path?: Record<string, unknown>[];
}

/** What a value figure is (horizon, basis, discounting), in both languages, from the API. */
export interface ValueDefinition {
  field: string;
  label: { en: string; fr: string };
  definition: { en: string; fr: string };
}

export interface SegmentValue {
  value: string;
  customers: number;
  revenue: number;
  margin: number;
  predictedValue: number;
}

export interface Segments {
  dimensions: { dimension: string; label: string; values: SegmentValue[] }[];
}

export interface Segment {
  dimension: string;
  value: string;
  customers: number;
  share: number;
  revenue: number;
  margin: number;
  netContribution: number;
  predictedValue: number;
  avgClv: number | null;
  avgOrders: number;
  avgBasket: number | null;
  avgRecencyDays: number | null;
  pAlive: number | null;
  avgClv12m?: number | null;
  avgReferralValue?: number;
  avgNps?: number | null;
  avgCsat?: number | null;
  complaintsPerCustomer?: number;
  valueDefinitions?: ValueDefinition[];
  channels: { channel: string; share: number }[];
  categories: { category: string; share: number }[];
  sizes?: SegmentSize[];
  comparison?: { segment: SegmentFigures; base: SegmentFigures };
}

/** A segment's size at one snapshot. */
export interface SegmentSize {
  asOf: string;
  customers: number;
  share: number;
}

/** The figures the segment page compares a segment with the whole base on (src/dashboard/segment-page.ts). */
export interface SegmentFigures {
  customers: number;
  customerShare: number;
  revenue: number;
  revenueShare: number;
  avgClv12m: number | null;
  avgClvLifetime: number | null;
  avgPAlive: number | null;
  pAliveEstimable: number;
  pAliveNotEstimable: number;
  pAliveWithoutModel: number;
  avgOrders: number;
  avgRecencyDays: number | null;
  emailConsentShare: number | null;
  mix: { dimension: string; values: { value: string; customers: number; share: number }[] }[];
}
