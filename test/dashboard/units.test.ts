import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, foldName, pAliveCurve } from '../../src/dashboard/index.js';
import { bgNbd } from '../../src/value/models/index.js';
import { basic, testApp } from '../server/helpers/app.js';
import { rankRange } from '../../src/dashboard/customers.js';
import { compile, DuckDbDialect } from '../../src/store/index.js';

describe('search keys', () => {
  it('fold case, accents, ligatures and punctuation', () => {
    expect(foldName('Éloïse')).toBe('eloise');
    expect(foldName("  D'ARTAGNAN-Lœuf ")).toBe('d artagnan loeuf');
    expect(foldName('François Gaël')).toBe('francois gael');
    expect(foldName(null)).toBe('');
  });

  it('never hold a LIKE wildcard, and folding twice changes nothing', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const key = foldName(s);
        expect(key).toMatch(/^[a-z0-9 ]*$/);
        expect(foldName(key)).toBe(key);
      }),
    );
  });
});

describe('CSV fields (RFC 4180)', () => {
  it('quote commas, quotes and line breaks, and defuse formulas', () => {
    expect(csvField('Bob, Jr')).toBe('"Bob, Jr"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.345678)).toBe('12.3457');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+33612345678')).toBe('+33612345678');
  });

  it('read back as the value', () => {
    // A text that itself starts with an apostrophe before a formula character reads like a defused
    // formula: it is written as it is (never changed), and is the one case a reader cannot tell apart.
    expect(csvField("'-")).toBe("'-");
    fc.assert(
      fc.property(fc.string(), (s) => {
        fc.pre(!/^'[=@\t\r+-]/.test(s));
        const field = csvField(s);
        const unquoted = field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field;
        expect(unquoted.replace(/^'(?=[=@\t\r+-])/, '')).toBe(s);
      }),
    );
  });
});

describe('the P(alive) curve', () => {
  const params = { r: 0.6, alpha: 7, a: 1.4, b: 5 };
  const day = (s: string): Date => new Date(`${s}T12:00:00Z`);

  it('starts at the second purchase under BG/NBD (before it, 1 by construction, not estimable), jumps up at each purchase, decays between, and ends at the model value', () => {
    const purchases = [day('2024-01-10'), day('2024-03-05'), day('2024-06-20')];
    const curve = pAliveCurve('bgnbd', params, purchases, day('2025-01-15'));
    expect(curve[0]?.date).toBe('2024-03-05');
    expect(curve[0]?.pAlive).toBeLessThan(1);
    const at = (d: string): number => curve.find((p) => p.date === d)?.pAlive ?? NaN;
    expect(at('2024-06-20')).toBeGreaterThan(at('2024-06-01'));
    expect(at('2024-12-01')).toBeLessThan(at('2024-08-01'));
    const weeks = (d: Date): number => Math.floor((Math.floor(d.getTime() / 86_400_000) - Math.floor(Date.UTC(1970, 0, 5) / 86_400_000)) / 7);
    const first = weeks(purchases[0] as Date);
    expect(curve.at(-1)).toEqual({
      date: '2025-01-15',
      pAlive: bgNbd.probabilityAlive(params, 2, weeks(purchases[2] as Date) - first, weeks(day('2025-01-15')) - first),
    });
    // The firsts of April 2024 to January 2025; February and March come before the second purchase.
    expect(curve.filter((p) => p.date.endsWith('-01')).length).toBe(10);
  });

  it('starts at the first purchase, below 1, under a model that estimates P(alive) without repeat purchase', () => {
    const curve = pAliveCurve('mbgnbd', params, [day('2024-01-10'), day('2024-03-05')], day('2025-01-15'));
    expect(curve[0]?.date).toBe('2024-01-10');
    expect(curve[0]?.pAlive).toBeLessThan(1);
    expect(pAliveCurve('bgnbd', params, [day('2024-01-10')], day('2025-01-15'))).toEqual([]);
  });

  it('is empty without purchases or for an unknown model', () => {
    expect(pAliveCurve('bgnbd', params, [], day('2025-01-01'))).toEqual([]);
    expect(pAliveCurve('nope', params, [day('2024-01-01')], day('2025-01-01'))).toEqual([]);
  });
});

describe('before the first analysis', () => {
  it('the routes answer 503 saying to run the pipeline, after checking the reader', async () => {
    const t = await testApp();
    try {
      const get = (key: string | null): Promise<Response> => Promise.resolve(t.app.request('/api/overview', { headers: key === null ? {} : { authorization: basic(key) } }));
      expect((await get(null)).status).toBe(401);
      const res = await get(t.readKey);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'not_analysed', message: expect.stringContaining('fidelis run') as unknown });
    } finally {
      await t.close();
    }
  });
});

describe('unfiltered pages as rank ranges', () => {
  // 10 customers, 3 without the value (ranks 1-3); ascending: ranks 4..10 then 1..3.
  const ranges = (order: 'asc' | 'desc', page: number): string =>
    compile(rankRange('clv', order, 10, 3, (page - 1) * 4, 4), new DuckDbDialect()).text.replaceAll('"rank_clv" BETWEEN ', '').replaceAll(' AND ', '-');
  it('cover each position once, customers without the value last', () => {
    expect([1, 2, 3].map((p) => ranges('asc', p))).toEqual(['(4-7)', '(8-10 OR 1-1)', '(12-10 OR 2-3)']);
    expect([1, 2, 3].map((p) => ranges('desc', p))).toEqual(['7-10', '3-6', '-1-2']);
  });
});
