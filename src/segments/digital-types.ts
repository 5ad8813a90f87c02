import type { DIGITAL_TYPES, TREATMENTS } from '../config/digital-config.js';

export type DigitalType = (typeof DIGITAL_TYPES)[number];
export type Treatment = (typeof TREATMENTS)[number];

/** The rules that decide a customer's type, in order: the first that holds wins (docs/digital-maturity.md). */
export const DIGITAL_RULES = [
  'early_adopter',
  'high_score',
  'later_adopter',
  'medium_score',
  'online_sign',
  'email_address',
  'thin_evidence',
  'offline_only',
] as const;
export type DigitalRule = (typeof DIGITAL_RULES)[number];

/** Existing customers bought before the new services' launch; new customers since. */
export type CustomerStatus = 'existing' | 'new';
/** The most advanced services a customer uses (seed 001's rows, read bottom-up). */
export type OnlineServices = 'offline' | 'classic_online' | 'new_online';
/** Seed 001's moves, and "none yet" for a customer still offline. */
export type OnlineMove = 'migration' | 'mutation' | 'conquest' | 'diversification' | 'none_existing' | 'none_new';

/** One row of `customer_digital`, as the engine returns it. */
export interface CustomerDigitalRow {
  readonly person_id: string;
  readonly orders: number;
  readonly online_orders: number;
  readonly classic_online_orders: number;
  readonly new_channel_orders: number;
  /** Online orders / orders; null without orders. */
  readonly online_share: number | null;
  readonly first_order_at: Date | null;
  readonly first_new_channel_at: Date | null;
  /** Launch of the new online services; null when there is none by the as-of date. */
  readonly new_channel_launch: Date | null;
  /** Days from the launch to his first order on the new channels; null if he never ordered there. */
  readonly adoption_days: number | null;
  /** Months from when he was first seen to the as-of date (at least 1). */
  readonly months_observed: number;
  readonly web_events: number;
  readonly web_sessions: number;
  readonly key_pages: number;
  readonly searches: number;
  readonly web_events_per_month: number;
  readonly email_addresses: number;
  readonly email_contacts: number;
  readonly email_delivered: number;
  readonly email_opens: number;
  readonly email_clicks: number;
  /** Opens (or clicks) / delivered emails; null when no email reached him. */
  readonly open_rate: number | null;
  readonly click_rate: number | null;
  /** The three signals in [0, 1]; null when he gave no evidence on it. */
  readonly online_signal: number | null;
  readonly web_signal: number;
  readonly email_signal: number | null;
  /** Weighted mean of the signals he gave evidence on, 0-100. */
  readonly digital_score: number;
  readonly evidence: 'thin' | 'enough';
  readonly rule: DigitalRule;
  readonly digital_type: DigitalType;
  readonly treatment: Treatment;
  readonly customer_status: CustomerStatus;
  readonly services: OnlineServices;
  readonly online_move: OnlineMove;
  readonly as_of: Date;
}
