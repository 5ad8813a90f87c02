/**
 * Why a channel's figures are what they are, per person, as message keys with parameters in
 * English and French (the sentences: src/messages/catalogue/channels.ts).
 */
import type { ResponseLevel } from '../../config/channels-config.js';
import { LANGUAGES, renderMessage, type Language, type MessageKey } from '../../messages/index.js';

export { LANGUAGES, type Language };

export type ChannelMessageKey = Extract<MessageKey, `channels.${string}`>;

/** Parameters are raw values (rates as fractions, amounts in the currency); each language formats them. */
export interface ChannelMessage {
  readonly key: ChannelMessageKey;
  readonly params: Readonly<Record<string, string | number>>;
}

/** The message in `lang` (keys and texts in src/messages/catalogue/channels.ts). */
export function renderChannelMessage(message: ChannelMessage, lang: Language, currency: string): string {
  return renderMessage(message, lang, { currency });
}

/** The figures of one person and channel the explanations read (a customer_channels row). */
export interface ChannelFigures {
  readonly channel: string;
  readonly contacts: number;
  readonly responses: number;
  readonly segment_rate: number | null;
  readonly p_response: number | null;
  readonly response_value: number | null;
  readonly unit_cost: number | null;
  readonly expected_value: number | null;
}

/** "SMS: 3 conversions out of 9; his segment 4%": his own evidence beside his segment's rate. */
export function explainEvidence(row: ChannelFigures, level: ResponseLevel): ChannelMessage {
  const { channel } = row;
  if (row.segment_rate === null) return { key: 'channels.evidence.unknown', params: { channel } };
  if (row.contacts === 0) return { key: 'channels.evidence.none', params: { channel, segmentRate: row.segment_rate } };
  // Catalogues and calls have no opens or clicks: what they count is conversions.
  const counted = channel === 'mail' || channel === 'phone' ? 'converted' : level;
  return { key: `channels.evidence.${counted}`, params: { channel, responses: row.responses, contacts: row.contacts, segmentRate: row.segment_rate } };
}

/** How the expected value of a contact is made, or null where there is no rate to learn. */
export function explainValue(row: ChannelFigures): ChannelMessage | null {
  if (row.p_response === null || row.response_value === null || row.unit_cost === null || row.expected_value === null) return null;
  return {
    key: 'channels.value',
    params: { pResponse: row.p_response, responseValue: row.response_value, unitCost: row.unit_cost, expectedValue: row.expected_value },
  };
}

export function explainPreferred(preferred: ChannelFigures | null): ChannelMessage {
  if (!preferred || preferred.expected_value === null) return { key: 'channels.no_consent', params: {} };
  return { key: 'channels.preferred', params: { channel: preferred.channel, expectedValue: preferred.expected_value } };
}
