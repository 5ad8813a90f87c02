/**
 * The one message-key system of the API and the CLI: every generated sentence is a key with
 * parameters, its English and French text kept once in a domain catalogue (./catalogue/), merged
 * here. A sentence travels as `{ key, params }` and is rendered in the language asked for, so a
 * script can use the key and the dashboard shows its own language (issue 16).
 */
import { CHANNEL_CATALOGUE } from './catalogue/channels.js';
import { CLASS_CATALOGUE } from './catalogue/classes.js';
import { DELIVERY_CATALOGUE } from './catalogue/delivery.js';
import { DIGITAL_CATALOGUE } from './catalogue/digital.js';
import { NEEDS_CATALOGUE } from './catalogue/needs.js';
import { TIMELINE_CATALOGUE } from './catalogue/timeline.js';
import type { Catalogue } from './catalogue/types.js';
import { fillTemplate, type FormatOptions, type Language, type MessageParams, type MessageRef } from './format.js';

export { cachedNumberFormat, LANGUAGES, placeholders, type Language, type MessageParams, type MessageRef } from './format.js';
export type { Catalogue } from './catalogue/types.js';
export { preferredLanguage } from './language.js';

/** Each domain's catalogue, by name (messages.test.ts checks no key is in two of them). */
export const DOMAIN_CATALOGUES = {
  classes: CLASS_CATALOGUE,
  needs: NEEDS_CATALOGUE,
  digital: DIGITAL_CATALOGUE,
  timeline: TIMELINE_CATALOGUE,
  channels: CHANNEL_CATALOGUE,
  delivery: DELIVERY_CATALOGUE,
} as const satisfies Record<string, Catalogue>;

export const CATALOGUE = {
  ...CLASS_CATALOGUE,
  ...NEEDS_CATALOGUE,
  ...DIGITAL_CATALOGUE,
  ...TIMELINE_CATALOGUE,
  ...CHANNEL_CATALOGUE,
  ...DELIVERY_CATALOGUE,
} as const satisfies Catalogue;

export type MessageKey = keyof typeof CATALOGUE;

export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(CATALOGUE, key);

/** A sentence as data: its key and raw parameters (amounts in the currency, shares as fractions). */
export interface Message<K extends string = MessageKey> extends MessageRef {
  readonly key: K;
  readonly params: MessageParams;
}

/** A message with its text in every language, as the API returns it. */
export interface LocalisedMessage<K extends string = MessageKey> extends Message<K> {
  readonly text: Readonly<Record<Language, string>>;
}

export interface RenderOptions {
  /** ISO 4217 code of the amounts (config `currency`); EUR when not given. */
  readonly currency?: string;
}

const lookup = (key: string, lang: Language): string | undefined => (isMessageKey(key) ? CATALOGUE[key][lang] : undefined);

/** Format options by currency, made once: a profile renders a hundred sentences, each used to allocate these and their closures. */
const formatOptionsByCurrency = new Map<string | undefined, FormatOptions>();
function formatOptionsFor(currency: string | undefined): FormatOptions {
  let formatOptions = formatOptionsByCurrency.get(currency);
  if (formatOptions === undefined) {
    const options: RenderOptions = currency === undefined ? {} : { currency };
    formatOptions = { ...options, lookup, nested: (m, l) => (isMessageKey(m.key) ? render(m.key, m.params, l, options) : m.key) };
    formatOptionsByCurrency.set(currency, formatOptions);
  }
  return formatOptions;
}

/** The sentence of `key` in `lang`, its placeholders filled and formatted for the language. */
export function render(key: MessageKey, params: MessageParams, lang: Language, options: RenderOptions = {}): string {
  return fillTemplate(CATALOGUE[key][lang], params, lang, formatOptionsFor(options.currency));
}

/** A message rendered in `lang`. */
export const renderMessage = (message: Message, lang: Language, options: RenderOptions = {}): string => render(message.key, message.params, lang, options);

/** The message with its text in every language. */
export function localised<K extends MessageKey>(message: Message<K>, options: RenderOptions = {}): LocalisedMessage<K> {
  // Spelled out rather than mapped over LANGUAGES: a hundred of these a profile, and the generic form allocated twice as much.
  const text: Record<Language, string> = { en: renderMessage(message, 'en', options), fr: renderMessage(message, 'fr', options) };
  return { key: message.key, params: message.params, text };
}

/** Shorthand: a key and its parameters, with the text in every language. */
export const message = <K extends MessageKey>(key: K, params: MessageParams = {}, options: RenderOptions = {}): LocalisedMessage<K> =>
  localised({ key, params }, options);
