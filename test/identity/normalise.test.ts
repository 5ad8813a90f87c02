import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identityConfigSchema } from '../../src/config/identity-config.js';
import { IdentifierNormaliser, isJunk, normaliseEmail, normaliseLoyaltyCard, normalisePhone } from '../../src/identity/normalise.js';

const local = fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,15}$/);
const domain = fc.stringMatching(/^[a-z0-9-]{1,12}\.(fr|com|org|be)$/);
const email = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);

describe('email normalisation', () => {
  it('ignores surrounding spaces and case, and is idempotent', () => {
    fc.assert(
      fc.property(email, fc.stringMatching(/^ {0,3}$/), (address, pad) => {
        const normalised = normaliseEmail(`${pad}${address.toUpperCase()}${pad}`);
        expect(normalised).toBe(normaliseEmail(address));
        if (normalised !== null) expect(normaliseEmail(normalised)).toBe(normalised);
      }),
    );
  });

  it('keeps gmail dots and plus tags distinct unless configured', () => {
    expect(normaliseEmail('J.Doe+news@Gmail.com')).toBe('j.doe+news@gmail.com');
    expect(normaliseEmail('J.Doe+news@googlemail.com', { stripPlusTags: true, gmailDots: true })).toBe('jdoe@gmail.com');
    expect(normaliseEmail('j.doe@orange.fr', { stripPlusTags: true, gmailDots: true })).toBe('j.doe@orange.fr');
  });

  it('refuses what is not an address', () => {
    for (const bad of ['', 'jdoe', 'jdoe@', '@x.fr', 'j doe@x.fr', 'jdoe@localhost']) expect(normaliseEmail(bad)).toBeNull();
  });
});

describe('phone normalisation', () => {
  const nsn = fc.tuple(fc.constantFrom('6', '7'), fc.stringMatching(/^[0-9]{8}$/)).map(([lead, rest]) => `${lead}${rest}`);
  it('gives one E.164 number for every way a French mobile is written', () => {
    fc.assert(
      fc.property(nsn, (n) => {
        const national = `0${n}`;
        const forms = [national, national.replace(/(\d\d)(?=\d)/g, '$1 '), national.replace(/(\d\d)(?=\d)/g, '$1.'), `+33${n}`, `+33 ${n.charAt(0)} ${n.slice(1).replace(/(\d\d)(?=\d)/g, '$1 ')}`, `0033${n}`];
        for (const form of forms) expect(normalisePhone(form, 'FR')).toBe(`+33${n}`);
      }),
    );
  });

  it('reads national numbers in the given country, international ones as written', () => {
    expect(normalisePhone('0470 12 34 56', 'BE')).toBe('+32470123456');
    expect(normalisePhone('+32 470 12 34 56', 'FR')).toBe('+32470123456');
    expect(normalisePhone('12', 'FR')).toBeNull();
    expect(normalisePhone('call me', 'FR')).toBeNull();
  });
});

describe('loyalty cards and junk', () => {
  it('strips spaces, dashes and dots from cards', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{13}$/), fc.constantFrom(' ', '-', '.'), (card, sep) => {
        const written = card.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
        expect(normaliseLoyaltyCard(written, /^[0-9A-Z]{4,32}$/)).toBe(card);
      }),
    );
  });

  it('never takes placeholders for identifiers', () => {
    for (const junk of ['', '  ', 'null', 'NULL', 'undefined', 'anonymous', 'Anonymous', '-1', '0', '0000000', '00 00 00 00 00', '---', ' - ', 'N/A']) {
      expect(isJunk(junk)).toBe(true);
    }
    expect(isJunk('0612345678')).toBe(false);
    expect(isJunk('a@b.fr', new Set(['a@b.fr']))).toBe(true);
    fc.assert(fc.property(fc.stringMatching(/^[0 .-]{1,12}$/), (zeros) => isJunk(zeros)));
  });

  it('judges junk as the definition does: a placeholder, blocked as written or once compacted, or empty or all zeros once compacted', () => {
    // The definition, written out: the compact form of every value.
    const definition = (raw: string, blocked: ReadonlySet<string>): boolean => {
      const value = raw.trim().toLowerCase();
      if (['', 'null', 'undefined', 'anonymous', 'none', 'nil', 'n/a', 'na', 'nan', 'unknown', '-1', '0', 'false'].includes(value) || blocked.has(value)) return true;
      const compact = value.replace(/[\s\-._/()+]/g, '');
      return compact === '' || /^0+$/.test(compact) || blocked.has(compact);
    };
    const written = fc.stringMatching(/^[0 1a.\-_/()+\téZ\u00a0]{0,8}$/);
    const blockLists = fc.constantFrom(new Set<string>(), new Set(['1a', '0a', 'a1']));
    fc.assert(fc.property(written, blockLists, (raw, blocked) => isJunk(raw, blocked) === definition(raw, blocked)), { numRuns: 5000 });
  });

  it('applies the configured block list and patterns per type', () => {
    const normaliser = new IdentifierNormaliser(identityConfigSchema.parse({ blockList: ['shop@store.fr'], loyaltyCard: { pattern: '^2900[0-9]{9}$' } }));
    expect(normaliser.normalise('email', ' SHOP@store.fr ')).toBeNull();
    expect(normaliser.normalise('email', 'test@test.com')).toBe('test@test.com');
    expect(normaliser.normalise('loyaltyCard', '2900 0000 1234 5')).toBe('2900000012345');
    expect(normaliser.normalise('loyaltyCard', '1234-5678')).toBeNull();
    expect(normaliser.normalise('phone', '04 70 12 34 56', 'BE')).toBe('+32470123456');
    expect(normaliser.normalise('phone', '06 12 34 56 78', null)).toBe('+33612345678');
    expect(normaliser.normalise('accountId', ' u0042 ')).toBe('u0042');
    expect(normaliser.normalise('anonymousId', 'anonymous')).toBeNull();
  });
});
