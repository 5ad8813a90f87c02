/** Sentences delivery shows people, in French and English (the unsubscribe page and the CLI report): keys of src/messages/catalogue/delivery.ts. */
import { DELIVERY_CATALOGUE } from '../../messages/catalogue/delivery.js';
import { LANGUAGES, render, type Language } from '../../messages/index.js';

export { preferredLanguage } from '../../messages/index.js';
export const DELIVERY_LANGUAGES = LANGUAGES;
export type DeliveryLanguage = Language;

export type DeliveryMessageKey = keyof typeof DELIVERY_CATALOGUE;

export function isDeliveryMessageKey(key: string): key is DeliveryMessageKey {
  return Object.hasOwn(DELIVERY_CATALOGUE, key);
}

/** The sentence of `key` in `language`, `{name}` replaced by its parameter. */
export function deliveryText(key: DeliveryMessageKey, language: DeliveryLanguage, params: Record<string, string> = {}): string {
  return render(key, params, language);
}
