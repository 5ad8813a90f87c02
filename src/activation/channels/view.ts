import type { Config } from '../../config/index.js';
import type { ResponseLevel } from '../../config/channels-config.js';
import { CONTACT_CHANNELS } from '../../store/index.js';
import {
  explainEvidence,
  explainPreferred,
  explainValue,
  renderChannelMessage,
  type ChannelFigures,
  type ChannelMessage,
  type Language,
} from './explain.js';

/** A message with its text in every language, so the API serves both and a UI may render the key itself. */
export interface ExplainedMessage extends ChannelMessage {
  readonly text: Readonly<Record<Language, string>>;
}

export interface PersonChannel extends ChannelFigures {
  readonly segment: string;
  readonly conversions: number;
  readonly person_rate: number | null;
  readonly consented: boolean;
  readonly is_preferred: boolean;
  readonly evidence: ExplainedMessage;
  readonly value: ExplainedMessage | null;
}

/** A person's channels as the card, the profile API and the 360 show them. */
export interface PersonChannels {
  /** His preferred channel (null: he consented to no channel with a learned rate). */
  readonly preferred: string | null;
  /** What counted as a response when the rates were learnt (activation.channels.response). */
  readonly response: ResponseLevel;
  readonly explanation: ExplainedMessage;
  /** One entry per contact channel, in the order email, sms, mail, phone, push. */
  readonly channels: readonly PersonChannel[];
}

function explained(message: ChannelMessage, currency: string): ExplainedMessage {
  const text: Record<Language, string> = { en: renderChannelMessage(message, 'en', currency), fr: renderChannelMessage(message, 'fr', currency) };
  return { ...message, text };
}

const numberOr = (v: unknown, fallback: number | null): number | null => {
  if (v === null || v === undefined) return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
};

/** His customer_channels rows (as read live or from his profile document), explained; null before the first run. */
export function personChannels(rows: readonly Readonly<Record<string, unknown>>[], config: Config): PersonChannels | null {
  if (rows.length === 0) return null;
  const level = config.activation.channels.response;
  const order = (c: unknown): number => CONTACT_CHANNELS.indexOf(String(c) as (typeof CONTACT_CHANNELS)[number]);
  const channels = [...rows]
    .sort((a, b) => order(a.channel) - order(b.channel))
    .map((r): PersonChannel => {
      const figures: ChannelFigures = {
        channel: typeof r.channel === 'string' ? r.channel : '',
        contacts: numberOr(r.contacts, 0) ?? 0,
        responses: numberOr(r.responses, 0) ?? 0,
        segment_rate: numberOr(r.segment_rate, null),
        p_response: numberOr(r.p_response, null),
        response_value: numberOr(r.response_value, null),
        unit_cost: numberOr(r.unit_cost, null),
        expected_value: numberOr(r.expected_value, null),
      };
      const value = explainValue(figures);
      return {
        ...figures,
        segment: typeof r.segment === 'string' ? r.segment : '',
        conversions: numberOr(r.conversions, 0) ?? 0,
        person_rate: numberOr(r.person_rate, null),
        consented: r.consented === true || r.consented === 1,
        is_preferred: r.is_preferred === true || r.is_preferred === 1,
        evidence: explained(explainEvidence(figures, level), config.currency),
        value: value ? explained(value, config.currency) : null,
      };
    });
  const preferred = channels.find((c) => c.is_preferred) ?? null;
  return { preferred: preferred?.channel ?? null, response: level, explanation: explained(explainPreferred(preferred), config.currency), channels };
}
