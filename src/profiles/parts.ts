import { personChannels, type PersonChannels } from '../activation/index.js';
import type { Config } from '../config/index.js';
import { currentConsentList, type CurrentConsent } from '../consent/index.js';
import { localised, type LocalisedMessage } from '../messages/index.js';
import { nextOfferMessage, type NextOfferRow } from '../needs/index.js';
import { valueDefinitions, type ValueDefinition } from '../value/value-definitions.js';
import { digitalTypeMessage, explainClasses, onlineMoveMessage, type ClassReason, type CustomerDigitalRow } from '../segments/index.js';

/** Identifier types of the API, and the identity tables' names for them. */
export const LOOKUP_TYPES = ['userId', 'anonymousId', 'email', 'phone', 'loyaltyCard', 'accountId', 'externalId'] as const;
export type LookupType = (typeof LOOKUP_TYPES)[number];

type Json = Record<string, unknown>;

/**
 * What a profile is made of, in JSON form (timestamps as ISO strings): read live from the
 * datamart's tables, or from the document the last run wrote for the person. Both roads end in
 * `assembleProfile`, so they cannot give different answers.
 */
export interface ProfileParts {
  readonly personId: string;
  readonly records: readonly string[];
  /** The person_profiles row (golden record with `<column>_from` sources). */
  readonly golden: Json | null;
  readonly identifiers: readonly { readonly type: string; readonly value: string; readonly source: string | null }[];
  readonly consents: readonly { readonly channel: string; readonly status: string; readonly at: string; readonly source: string }[];
  /** His latest consent event per channel (channels without one are absent; src/consent). */
  readonly currentConsents: readonly { readonly channel: string; readonly status: string; readonly at: string | null; readonly source: string | null; readonly record: string | null }[];
  readonly classes: Json | null;
  readonly digital: Json | null;
  readonly offers: readonly Json[];
  /** His customer_channels rows (src/activation/channels); empty before the first run. */
  readonly channels: readonly Json[];
  readonly events: readonly { readonly message_id: string; readonly type: string; readonly event: string | null; readonly timestamp: string; readonly properties: string | null }[];
  /** The transaction model the last run fitted (clv_model.model), which the value definitions name; absent in older documents. */
  readonly clvModel?: string | null;
}

export interface CustomerProfile {
  readonly id: string;
  /** The id asked for, when it was an older id of the person or one of his records. */
  readonly requestedId: string;
  readonly records: readonly string[];
  /** Golden record: each declared attribute with the record it was taken from. */
  readonly profile: Readonly<Record<string, { readonly value: unknown; readonly source: string | null }>>;
  readonly identifiers: readonly { readonly type: string; readonly value: string; readonly source: string | null }[];
  /** `at`: ISO 8601 timestamp (UTC). */
  readonly consents: readonly { readonly channel: string; readonly status: string; readonly at: string; readonly source: string }[];
  /**
   * The consent that holds now, one entry per contact channel: the latest of his consent events
   * (`consents` is their history), or `unknown` (no consent: nothing may be sent on that channel).
   */
  readonly currentConsents: readonly CurrentConsent[];
  /** Value and classes from the last `fidelis run`; null before it or for a person who has not bought. */
  readonly value: Readonly<Record<string, unknown>> | null;
  /** What each value figure is (label and definition, EN and FR, with horizon, basis and discounting). */
  readonly valueDefinitions: readonly ValueDefinition[];
  readonly classes: readonly ClassReason[];
  /** `explanation`: why, in English (or the language asked for); `explanationMessage`: the same as a message key with its text in both languages. */
  readonly nextBestOffers: readonly (NextOfferRow & { readonly explanation: string; readonly explanationMessage: LocalisedMessage })[];
  /** His learned response rate, value and cost per channel, and his preferred channel, explained in EN and FR; null before the first run. */
  readonly channels: PersonChannels | null;
  /** `timestamp`: ISO 8601 (UTC), newest first. */
  readonly lastEvents: readonly { readonly messageId: string; readonly type: string; readonly event: string | null; readonly timestamp: string; readonly properties: unknown }[];
}

export const VALUE_COLUMNS = [
  'orders', 'revenue', 'gross_margin', 'net_contribution', 'first_purchase', 'last_purchase', 'recency_days', 'tenure_days',
  'categories', 'category_list', 'clv', 'p_alive', 'expected_transactions', 'predicted_value', 'rfm_segment', 'rfm_code',
  'value_tier', 'value_column', 'grid', 'digital_type', 'online_move', 'attachment', 'potential', 'share_of_wallet', 'gap_categories',
  'preferred_channel', 'p_alive_reason',
  // Lifetime value beside the 12-month value, their basis and horizon (NULL: lifetime); referral value and satisfaction beside value.
  'clv_12m', 'clv_lifetime', 'clv_basis', 'clv_horizon_weeks', 'referral_value', 'referred', 'referred_margin', 'referred_clv',
  'latest_nps', 'latest_csat', 'complaints',
] as const;

/** Dates of the digital row that its explanation formats. */
const DIGITAL_DATES = ['first_order_at', 'first_new_channel_at', 'new_channel_launch'] as const;

/** A value as JSON gives it back: Dates as ISO strings, the rest as is. */
export function jsonValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

export function jsonRow(row: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(row)) out[key] = jsonValue(value);
  return out;
}

const byText = (a: string | null, b: string | null): number => (a ?? '').localeCompare(b ?? '');

/** The profile the API returns, from its parts (orders and explanations decided here, once). */
export function assembleProfile(parts: ProfileParts, requestedId: string, config: Config): CustomerProfile {
  const profile: Record<string, { value: unknown; source: string | null }> = {};
  const golden = parts.golden ?? {};
  for (const [column, value] of Object.entries(golden)) {
    if (column === 'person_id' || column === 'records' || column.endsWith('_from') || value === null) continue;
    const source = golden[`${column}_from`];
    profile[column] = { value, source: typeof source === 'string' ? source : null };
  }
  const types = new Set<string>(LOOKUP_TYPES);
  const unique = new Map(parts.identifiers.filter((i) => types.has(i.type)).map((i) => [JSON.stringify([i.type, i.value, i.source]), i]));
  const identifiers = [...unique.values()].sort((a, b) => a.type.localeCompare(b.type) || a.value.localeCompare(b.value) || byText(a.source, b.source));
  const consents = [...parts.consents].sort(
    (a, b) => b.at.localeCompare(a.at) || a.channel.localeCompare(b.channel) || a.status.localeCompare(b.status) || a.source.localeCompare(b.source),
  );
  let value: Record<string, unknown> | null = null;
  let classes: ClassReason[] = [];
  if (parts.classes) {
    const row = parts.classes;
    value = Object.fromEntries(VALUE_COLUMNS.map((c) => [c, row[c] ?? null]));
    classes = explainClasses(row, config.currency);
  }
  if (parts.digital) {
    const revived: Json = { ...parts.digital };
    for (const key of DIGITAL_DATES) if (typeof revived[key] === 'string') revived[key] = new Date(revived[key]);
    const digital = revived as unknown as CustomerDigitalRow;
    const type = localised(digitalTypeMessage(digital, config.digital));
    const move = localised(onlineMoveMessage(digital));
    classes.push({ dimension: 'digital_type', value: digital.digital_type, reasons: [type.text.en], messages: [type] });
    classes.push({ dimension: 'online_move', value: digital.online_move, reasons: [move.text.en], messages: [move] });
  }
  const offers = [...parts.offers].sort((a, b) => Number(a.rank) - Number(b.rank)) as unknown as NextOfferRow[];
  const events = [...parts.events].sort((a, b) => b.timestamp.localeCompare(a.timestamp) || a.message_id.localeCompare(b.message_id));
  return {
    id: parts.personId,
    requestedId,
    records: [...parts.records].sort(),
    profile,
    identifiers,
    consents,
    currentConsents: currentConsentList(parts.currentConsents),
    value,
    valueDefinitions: valueDefinitions(config.value, { countReferralValue: config.segments.tiers.countReferralValue, model: parts.clvModel ?? null }),
    classes,
    nextBestOffers: offers.map((o) => {
      const why = localised(nextOfferMessage(o), { currency: config.currency });
      return { ...o, explanation: why.text.en, explanationMessage: why };
    }),
    channels: personChannels(parts.channels, config),
    lastEvents: events.map((e) => ({
      messageId: e.message_id,
      type: e.type,
      event: e.event,
      timestamp: e.timestamp,
      properties: e.properties === null ? null : (JSON.parse(e.properties) as unknown),
    })),
  };
}
