import { describe, expect, it } from 'vitest';
import { CATALOGUE, DOMAIN_CATALOGUES, LANGUAGES, message, placeholders, preferredLanguage, render, type MessageKey } from './index.js';

describe('the message catalogue', () => {
  it('has every key in English and French, with the same parameters and formats', () => {
    const mismatched = Object.entries(CATALOGUE).filter(([, entry]) => {
      const en = placeholders(entry.en).join(' ');
      return entry.en.trim() === '' || entry.fr.trim() === '' || LANGUAGES.some((lang) => placeholders(entry[lang]).join(' ') !== en);
    });
    expect(mismatched.map(([key]) => key)).toEqual([]);
  });

  it('keeps each key in one domain only', () => {
    const keys = Object.values(DOMAIN_CATALOGUES).flatMap((c) => Object.keys(c));
    expect(keys.length).toBe(new Set(keys).size);
    expect(Object.keys(CATALOGUE).length).toBe(keys.length);
  });

  it('names only formats the renderer knows or key families the catalogue holds', () => {
    const known = new Set(['int', 'dec1', 'money', 'price', 'currency', 'percent', 'share', 'rate', 'times', 'date', 'list']);
    const families = new Set(Object.keys(CATALOGUE).map((k) => k.slice(0, k.lastIndexOf('.'))));
    const unknown = Object.values(CATALOGUE)
      .flatMap((e) => placeholders(e.en))
      .map((p) => p.split(':')[1])
      .filter((f): f is string => f !== undefined && !known.has(f) && !families.has(f));
    expect(unknown).toEqual([]);
  });
});

/** Intl separates French figures with (narrow) no-break spaces. */
const spaced = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

describe('rendering', () => {
  it('formats amounts, shares and dates for each language', () => {
    const params = { category: 'jardin', share: 0.46, segmentShare: 0.12, segment: 'champions', index: 3.83, orders: 4, last: '2026-05-02T10:00:00Z' };
    expect(render('affinity.above', params, 'en')).toBe('jardin: 46% of his spending against 12% in his segment (Champions), 3.8x, above his peers; 4 orders, last on 2026-05-02.');
    expect(spaced(render('affinity.above', params, 'fr'))).toBe(
      'jardin : 46 % de ses dépenses contre 12 % dans son segment (Champions), 3,8×, au-dessus de ses pairs ; 4 commandes, la dernière le 2 mai 2026.',
    );
    expect(spaced(render('tier.value', { value: 1514.4, top: 8 }, 'fr', { currency: 'CHF' }))).toBe('valeur prédite 1 514 CHF, dans les 8 % premiers clients');
    expect(render('tier.value', { value: null, top: 8 }, 'en')).toBe('predicted value n/a, top 8% of customers');
  });

  it('translates codes through their key family and renders clauses given as parameters', () => {
    expect(render('timeline.ticket', { type: 'complaint' }, 'fr')).toBe('Ticket : réclamation');
    expect(render('timeline.ticket', { type: 'unheard_of' }, 'en')).toBe('Ticket: unheard_of');
    const clause = { key: 'offer.cross_sell', params: {} };
    expect(render('offer.profile_lift', { why: clause, lift: 2.3 }, 'fr')).toBe('nouvelle gamme pour lui ; son profil déclaré la rend 2,3× plus probable');
  });

  it('gives a message its key, its parameters and its text in both languages', () => {
    const m = message('grid.inactive', { days: 400 });
    expect(m).toEqual({ key: 'grid.inactive', params: { days: 400 }, text: { en: render('grid.inactive', { days: 400 }, 'en'), fr: render('grid.inactive', { days: 400 }, 'fr') } });
    expect(m.text.fr).toContain('il y a 400 jours');
  });

  it('renders every key of the catalogue without a placeholder left when given its parameters', () => {
    for (const key of Object.keys(CATALOGUE) as MessageKey[]) {
      const params: Record<string, string | number> = Object.fromEntries(
        placeholders(CATALOGUE[key].en).map((p): [string, string | number] => [p.split(':')[0] ?? p, p.endsWith(':date') ? '2026-01-02' : 1]),
      );
      for (const lang of LANGUAGES) expect(render(key, params, lang), key).not.toMatch(/\{\w+(:\w+)?\}/);
    }
  });
});

describe('the language of a request', () => {
  it('takes ?lang= first, then the best ranked French or English tag, else English', () => {
    expect(preferredLanguage('fr-FR,fr;q=0.9', 'en')).toBe('en');
    expect(preferredLanguage('de-DE,fr;q=0.8,en;q=0.5')).toBe('fr');
    expect(preferredLanguage('en-GB,fr;q=0.9')).toBe('en');
    expect(preferredLanguage('fr;q=0,en;q=0.1')).toBe('en');
    expect(preferredLanguage(undefined)).toBe('en');
    expect(preferredLanguage('de', undefined, 'fr')).toBe('fr');
  });
});
