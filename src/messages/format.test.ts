import { describe, expect, it } from 'vitest';
import { fillTemplate } from './format.js';

// Formatters are built once and kept by language and options (format.ts): a key that left out
// what differs (the digits a value picks, the currency) would hand one value another's format.
describe('formatted figures', () => {
  it('read the same whichever value or currency came before them', () => {
    const template = '{a:share} {b:share} {c:price} {d:price} {e:currency} {f:times} {g:int} {h:date}';
    const first = { a: 0.074, b: 0.41, c: 3.111, d: 42.4, e: 1.5, f: 3.14, g: 1514, h: '2024-03-05T10:00:00Z' };
    expect(fillTemplate(template, first, 'en', { currency: 'EUR' })).toBe('7.4% 41% 3.11 EUR 42 EUR €1.50 3.1x 1,514 2024-03-05');
    expect(fillTemplate(template, { ...first, a: 0.41, b: 0.074, c: 42.4, d: 3.111 }, 'en', { currency: 'USD' })).toBe('41% 7.4% 42 USD 3.11 USD $1.50 3.1x 1,514 2024-03-05');
    expect(fillTemplate(template, first, 'fr', { currency: 'EUR' }).replace(/\s/g, ' ')).toBe('7,4 % 41 % 3,11 EUR 42 EUR 1,50 € 3,1× 1 514 5 mars 2024');
  });
});

describe('templates', () => {
  it('keep their text around placeholders at the start, the end and side by side, and a placeholder with no parameter as written', () => {
    const template = '{a}{b:int} and {c:share}, {missing:money} {d}';
    expect(fillTemplate(template, { a: 'x', b: 1514, c: 0.074, d: 'end' }, 'en')).toBe('x1,514 and 7.4%, {missing:money} end');
    expect(fillTemplate('no placeholder { here }', {}, 'en')).toBe('no placeholder { here }');
    expect(fillTemplate('', {}, 'fr')).toBe('');
  });
});

// Formatters remember their answers by value (format.ts): a Map takes -0 for 0, and the same day
// must read the same whatever came before it.
describe('remembered figures', () => {
  it('read as Intl writes them, -0 and 0 each their own way, however often they come back', () => {
    for (let round = 0; round < 3; round++) {
      for (const value of [0, -0, -0.2, 0.2, 1514.5, -1514.5, 1e21, Number.NaN]) {
        expect(fillTemplate('{v:int}', { v: value }, 'en')).toBe(new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(value));
        expect(fillTemplate('{v:int}', { v: value }, 'fr')).toBe(new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 }).format(value));
      }
      expect(fillTemplate('{d:date}', { d: '2024-03-05T10:00:00Z' }, 'fr').replace(/\s/g, ' ')).toBe('5 mars 2024');
      expect(fillTemplate('{d:date}', { d: 'not a date' }, 'fr')).toBe('not a date');
    }
  });
});
