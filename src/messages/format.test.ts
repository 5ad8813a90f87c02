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
