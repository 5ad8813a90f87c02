import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig, type ConfigInput } from '../../src/config/index.js';
import { addressVariant, type Address } from '../../src/generate/address.js';
import { STREETS } from '../../src/generate/france.js';
import { Rng } from '../../src/generate/prng.js';
import type { Source } from '../../src/generate/world.js';
import { linkIdentifiers, resolveIdentities } from '../../src/identity/index.js';
import { normaliseStreetAddress } from '../../src/identity/street.js';
import { sql, type Engine } from '../../src/store/index.js';
import { migrate } from '../../src/schema/index.js';
import { memoryStore, writeFiles } from '../helpers/fixtures.js';

const address = fc.record({ number: fc.integer({ min: 1, max: 200 }), bis: fc.boolean(), street: fc.integer({ min: 0, max: STREETS.length - 1 }) });
const source = fc.constantFrom<Source>('store', 'web', 'callcenter', 'partner');
const canonical = (a: Address): string => `${a.number}${a.bis ? ' bis' : ''} ${STREETS[a.street]}`;

describe('street address normalisation', () => {
  it('reads every spelling the demo company writes as one address', () => {
    fc.assert(
      fc.property(address, source, fc.integer(), (a, s, seed) => {
        const written = addressVariant(Rng.of(seed, 0, 0), a, s);
        expect(normaliseStreetAddress(written)).toBe(normaliseStreetAddress(canonical(a)));
      }),
    );
  });

  it('keeps two numbers, a "bis" and two streets apart', () => {
    fc.assert(
      fc.property(address, address, (a, b) => {
        fc.pre(a.number !== b.number || a.bis !== b.bis || a.street !== b.street);
        expect(normaliseStreetAddress(canonical(a))).not.toBe(normaliseStreetAddress(canonical(b)));
      }),
    );
  });

  it('spells out street types and titles and ignores case, accents and punctuation', () => {
    const code = normaliseStreetAddress('12 rue du Général de Gaulle');
    for (const variant of ['12, R. DU GAL DE GAULLE', '12 r du general de gaulle', '12  Rue  du Gén. de Gaulle']) {
      expect(normaliseStreetAddress(variant)).toBe(code);
    }
    expect(normaliseStreetAddress('3bis av. St-Martin')).toBe(normaliseStreetAddress('3 bis avenue Saint Martin'));
    expect(normaliseStreetAddress(' , ')).toBeNull();
  });
});

// Forty people of one postcode with distinct names and streets: a name at a street address is
// rare enough to link on (expected chance holders 0.004 < 0.05; a name in the postcode would be
// 0.09). The records under test hold no identifier, only declared data.
function filler(): string[] {
  return Array.from({ length: 40 }, (_, i) => `F${i},store,First${i},Last${i},,${i + 1} rue Filler${i},69003,2020-01-01`);
}

describe('linking on a name and a street address', () => {
  let engine: Engine;
  beforeEach(async () => {
    engine = await memoryStore();
  });
  afterEach(async () => engine.close());

  async function resolve(records: readonly string[], config: ConfigInput = {}): Promise<(id: string) => string | undefined> {
    const files = {
      'customers.csv': ['customer_id,source,first_name,last_name,birth_date,street_address,postcode,signup_at', ...filler(), ...records].join('\n'),
    };
    await importFiles(engine, [writeFiles(files)]);
    await resolveIdentities(engine, parseConfig(config));
    const rows = await engine.query<{ customer_id: string; person_id: string }>(sql`SELECT customer_id, person_id FROM customer_persons`);
    const persons = new Map(rows.map((r) => [r.customer_id, r.person_id]));
    return (id) => persons.get(id);
  }

  it('links a store card and a web account holding the same name and address, however spelt', async () => {
    const personOf = await resolve([
      'S1,store,ANNE,MARTIN,,"12, R. DE LA REPUBLIQUE",69003,2020-01-01',
      'W1,web,Anne,Martin,,12 rue de la République,69003,2021-01-01',
    ]);
    expect(personOf('W1')).toBe(personOf('S1'));
  });

  it('does not link the same name at another number of the street', async () => {
    const personOf = await resolve([
      'S1,store,Anne,Martin,,12 rue de la République,69003,2020-01-01',
      'W1,web,Anne,Martin,,14 rue de la République,69003,2021-01-01',
    ]);
    expect(personOf('W1')).not.toBe(personOf('S1'));
  });

  it('does not link a household of two same-named people to either (two store cards at one address)', async () => {
    const personOf = await resolve([
      'S1,store,Jean,Petit,,5 rue Pasteur,75011,2020-01-01',
      'S2,store,Jean,Petit,,5 rue Pasteur,75011,2020-02-01',
      'W1,web,Jean,Petit,,5 rue Pasteur,75011,2021-01-01',
    ]);
    expect(new Set([personOf('S1'), personOf('S2'), personOf('W1')]).size).toBe(3);
  });

  it('refuses the link when the two records declare different birth dates', async () => {
    const personOf = await resolve([
      'S1,store,Jean,Petit,1950-03-01,5 rue Pasteur,75011,2020-01-01',
      'W1,web,Jean,Petit,1980-07-12,5 rue Pasteur,75011,2021-01-01',
    ]);
    expect(personOf('W1')).not.toBe(personOf('S1'));
  });
});

describe('a datamart made before street addresses', () => {
  it('gains the column on customers and on the golden records, and keeps both working', async () => {
    const engine = await memoryStore();
    try {
      const files = {
        'customers.csv': ['customer_id,source,first_name,last_name,postcode,signup_at', 'S1,store,Anne,Martin,69003,2020-01-01'].join('\n'),
        'identifiers.csv': ['customer_id,type,value,source', 'S1,email,anne@x.fr,store'].join('\n'),
      };
      await importFiles(engine, [writeFiles(files)]);
      await resolveIdentities(engine, parseConfig({}));
      // The schema as migration 5 left it: no street address anywhere.
      for (const [table, column] of [['customers', 'street_address'], ['person_profiles', 'street_address'], ['person_profiles', 'street_address_from']]) {
        await engine.exec(sql`ALTER TABLE ${sql.id(table as string)} DROP COLUMN ${sql.id(column as string)}`);
      }
      await engine.exec(sql`DELETE FROM schema_migrations WHERE version = 6`);
      expect((await migrate(engine)).applied).toEqual([6]);
      const columns = await engine.query<{ t: string; c: string }>(sql`SELECT table_name AS t, column_name AS c FROM information_schema.columns
        WHERE column_name LIKE 'street_address%' ORDER BY 1, 2`);
      expect(columns).toEqual([
        { t: 'customers', c: 'street_address' },
        { t: 'person_profiles', c: 'street_address' },
        { t: 'person_profiles', c: 'street_address_from' },
      ]);
      // An incremental link rewrites the golden record into the migrated table.
      const [linked] = await linkIdentifiers(engine, parseConfig({}), [{ identifiers: [{ type: 'email', value: 'anne@x.fr' }, { type: 'userId', value: 'u9' }] }]);
      expect(linked?.personId).toBe('S1');
      const [profile] = await engine.query(sql`SELECT first_name, street_address, postcode, postcode_from, signup_at_from FROM person_profiles WHERE person_id = 'S1'`);
      expect(profile).toEqual({ first_name: 'Anne', street_address: null, postcode: '69003', postcode_from: 'S1', signup_at_from: 'S1' });
    } finally {
      await engine.close();
    }
  });
});
