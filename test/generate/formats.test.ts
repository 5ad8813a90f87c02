import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { START_MS, formatDate, formatTimestamp } from '../../src/generate/calendar.js';
import { emailVariant, phoneVariant } from '../../src/generate/identity.js';
import { Rng, Scrambler, hex48 } from '../../src/generate/prng.js';
import { money, text } from '../../src/generate/rows.js';
import type { Source } from '../../src/generate/world.js';

const SOURCES: Source[] = ['store', 'web', 'callcenter', 'partner'];
const settings = { seed: 424_242, numRuns: 300 };

describe('seeded numbering', () => {
  it('a scrambler is a bijection of its range, whatever the seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.nat(50), (seed, key) => {
        const s = new Scrambler(seed, key, 1000);
        const seen = new Set(Array.from({ length: 1000 }, (_, i) => s.map(i)));
        expect(seen.size).toBe(1000);
        expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...seen)).toBeLessThan(1000);
      }),
      { ...settings, numRuns: 50 },
    );
  });

  it('a scrambler stays exact on large ranges', () => {
    const s = new Scrambler(7, 1, 1e9);
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++) seen.add(s.map(999_800_000 + i));
    expect(seen.size).toBe(200_000);
  });

  it('hex48 never maps two values to the same id', () => {
    fc.assert(
      fc.property(fc.nat(), fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 48 - 1 }), { minLength: 2, maxLength: 50 }), (seed, values) => {
        const ids = values.map((v) => hex48(seed, v));
        expect(new Set(ids).size).toBe(values.length);
        for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}$/);
      }),
      settings,
    );
  });

  it('streams are reproducible and independent', () => {
    const draw = (seed: number, stream: number, index: number): number[] => {
      const rng = Rng.of(seed, stream, index);
      return [rng.next(), rng.next(), rng.next()];
    };
    expect(draw(1, 2, 3)).toEqual(draw(1, 2, 3));
    expect(draw(1, 2, 3)).not.toEqual(draw(2, 2, 3));
    expect(draw(1, 2, 3)).not.toEqual(draw(1, 3, 3));
    expect(draw(1, 2, 3)).not.toEqual(draw(1, 2, 4));
  });
});

describe('value formatting', () => {
  it('timestamps and dates are UTC, to the second', () => {
    fc.assert(
      fc.property(fc.double({ min: -4e9, max: 2e8, noNaN: true }), (seconds) => {
        const iso = new Date(START_MS + Math.floor(seconds) * 1000).toISOString();
        expect(formatTimestamp(seconds)).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 19)}`);
        expect(formatDate(seconds)).toBe(iso.slice(0, 10));
      }),
      settings,
    );
  });

  it('money has two decimals and the value rounded to the cent', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e7, noNaN: true }), (value) => {
        const written = money(value);
        expect(written).toMatch(/^\d+\.\d\d$/);
        expect(Number(written)).toBeCloseTo(Math.round(value * 100) / 100, 6);
      }),
      settings,
    );
  });

  it('text is quoted exactly when RFC 4180 needs it, and reads back', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const written = text(value);
        if (written.startsWith('"')) expect(written.slice(1, -1).replaceAll('""', '"')).toBe(value);
        else {
          expect(written).toBe(value);
          expect(value).not.toMatch(/[",\r\n]|^\s|\s$/);
        }
      }),
      settings,
    );
  });
});

describe('identifier spelling variants', () => {
  it('every email spelling normalises (trim, lower case) to the true address', () => {
    const local = fc.stringMatching(/^[a-z]{1,8}[._]?[a-z]{1,8}[0-9]{1,7}$/);
    fc.assert(
      fc.property(local, fc.constantFrom('gmail.com', 'orange.fr', 'free.fr'), fc.constantFrom(...SOURCES), fc.nat(), (l, domain, source, seed) => {
        const email = `${l}@${domain}`;
        expect(emailVariant(Rng.of(seed, 0, 0), email, source).trim().toLowerCase()).toBe(email);
      }),
      settings,
    );
  });

  it('every phone spelling normalises to the same international number', () => {
    const normalise = (phone: string, code: string): string => {
      const digits = phone.replace(/[^\d+]/g, '');
      return digits.startsWith('+') ? digits : `+${code}${digits.slice(1)}`;
    };
    fc.assert(
      fc.property(fc.stringMatching(/^[67][0-9]{8}$/), fc.constantFrom(['FR', '33'], ['BE', '32'], ['CH', '41']), fc.constantFrom(...SOURCES), fc.nat(), (nsn, [country, code], source, seed) => {
        const phone = phoneVariant(Rng.of(seed, 0, 0), nsn, country, source);
        expect(normalise(phone, code as string)).toBe(`+${code}${nsn}`);
      }),
      settings,
    );
  });
});
