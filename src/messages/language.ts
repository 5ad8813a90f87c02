import type { Language } from './format.js';

/**
 * The language a request asks for: `?lang=fr|en` first, then the Accept-Language header's best
 * ranked French or English tag, else `fallback` (English: what the API answered before it spoke French).
 */
export function preferredLanguage(acceptLanguage: string | undefined, asked?: string, fallback: Language = 'en'): Language {
  if (asked === 'fr' || asked === 'en') return asked;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? '1');
      return { tag, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('fr')) return 'fr';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}
