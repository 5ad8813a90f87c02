/**
 * Why a channel's figures are what they are, per person, as message keys with parameters in
 * English and French (web/src/messages.ts holds the same keys for the dashboard).
 */
import type { ResponseLevel } from '../../config/channels-config.js';

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

export const CHANNEL_MESSAGES = {
  en: {
    'channels.evidence.opened': '{channel}: {responses} opens out of {contacts}; his segment {segmentRate}',
    'channels.evidence.clicked': '{channel}: {responses} clicks out of {contacts}; his segment {segmentRate}',
    'channels.evidence.converted': '{channel}: {responses} conversions out of {contacts}; his segment {segmentRate}',
    'channels.evidence.none': '{channel}: never contacted; his segment {segmentRate}',
    'channels.evidence.unknown': '{channel}: nobody was contacted on this channel, no rate to learn',
    'channels.value': 'P(response) {pResponse} × {responseValue} − cost {unitCost} = {expectedValue} expected per contact',
    'channels.preferred': 'Preferred channel: {channel}, the best expected value among the channels he consented to ({expectedValue} per contact)',
    'channels.no_consent': 'No preferred channel: he consented to no channel with a learned rate',
  },
  fr: {
    'channels.evidence.opened': '{channel} : {responses} ouvertures sur {contacts} ; son segment {segmentRate}',
    'channels.evidence.clicked': '{channel} : {responses} clics sur {contacts} ; son segment {segmentRate}',
    'channels.evidence.converted': '{channel} : {responses} conversions sur {contacts} ; son segment {segmentRate}',
    'channels.evidence.none': '{channel} : jamais contacté ; son segment {segmentRate}',
    'channels.evidence.unknown': "{channel} : personne n'a été contacté sur ce canal, aucun taux à apprendre",
    'channels.value': 'P(réponse) {pResponse} × {responseValue} − coût {unitCost} = {expectedValue} espérés par contact',
    'channels.preferred': 'Canal préféré : {channel}, la meilleure valeur espérée parmi les canaux auxquels il a consenti ({expectedValue} par contact)',
    'channels.no_consent': "Aucun canal préféré : il n'a consenti à aucun canal dont le taux est appris",
  },
} as const satisfies Record<Language, Record<string, string>>;

export type ChannelMessageKey = keyof (typeof CHANNEL_MESSAGES)['en'];

const CHANNEL_NAMES: Record<Language, Record<string, string>> = {
  en: { email: 'Email', sms: 'SMS', mail: 'Mail', phone: 'Phone', push: 'Push' },
  fr: { email: 'E-mail', sms: 'SMS', mail: 'Courrier', phone: 'Téléphone', push: 'Notification' },
};

/** Parameters are raw values (rates as fractions, amounts in the currency); each language formats them. */
export interface ChannelMessage {
  readonly key: ChannelMessageKey;
  readonly params: Readonly<Record<string, string | number>>;
}

const RATE_PARAMS = new Set(['segmentRate', 'pResponse']);
const MONEY_PARAMS = new Set(['responseValue', 'unitCost', 'expectedValue']);

function formatParam(name: string, value: string | number, lang: Language, currency: string): string {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  if (name === 'channel' && typeof value === 'string') return CHANNEL_NAMES[lang][value] ?? value;
  if (typeof value !== 'number') return value;
  if (RATE_PARAMS.has(name)) return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
  if (MONEY_PARAMS.has(name)) return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(value);
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

export function renderChannelMessage(message: ChannelMessage, lang: Language, currency: string): string {
  const template: string = CHANNEL_MESSAGES[lang][message.key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = message.params[name];
    return value === undefined ? whole : formatParam(name, value, lang, currency);
  });
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
