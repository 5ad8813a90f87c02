import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/collect/index.js';
import { parseConfig } from '../../src/config/index.js';
import { explainIdentity, linkIdentifiers, resolveIdentities, splitPerson } from '../../src/identity/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { memoryStore, writeFiles } from '../helpers/fixtures.js';

// A store card (oldest), a web account sharing its email, and a call-centre record sharing the
// web account's phone; a second web account with a family email that the card also holds.
const FILES = {
  'customers.csv': [
    'customer_id,source,first_name,last_name,signup_at,updated_at',
    'S1,store,Anne,Martin,2020-01-01,2020-01-01',
    'W1,web,Anne,MARTIN,2021-01-01,2024-01-01',
    'C1,callcenter,,,2022-01-01,2022-01-01',
    'W2,web,Paul,Martin,2022-06-01,2022-06-01',
  ].join('\n'),
  'identifiers.csv': [
    'customer_id,type,value,source,first_seen_at',
    'S1,loyalty_card,2900 0000 0001,store,2020-01-01',
    'S1,email, Anne.Martin@Mail.fr ,store,2020-01-01',
    'W1,account_id,u1,web,2021-01-01',
    'W1,email,anne.martin@mail.fr,web,2021-01-01',
    'W1,phone,06 12 34 56 78,web,2021-01-01',
    'C1,phone,+33612345678,callcenter,2022-01-01',
    'C1,email,null,callcenter,2022-01-01',
    'W2,account_id,u2,web,2022-06-01',
    'W2,email,anne.martin@mail.fr,web,2022-06-01',
  ].join('\n'),
};

describe('explain, split and incremental links', () => {
  let engine: Engine;
  const config = parseConfig({});
  beforeEach(async () => {
    engine = await memoryStore();
    await importFiles(engine, [writeFiles(FILES)]);
    await resolveIdentities(engine, config);
  });
  afterEach(async () => engine.close());

  const personOf = async (id: string): Promise<string | undefined> =>
    (await engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_persons WHERE customer_id = ${id}`))[0]?.person_id;

  it('merges by normalised email and phone, names the person after the oldest record and refuses a second userId', async () => {
    expect(await personOf('S1')).toBe('S1');
    expect(await personOf('W1')).toBe('S1');
    expect(await personOf('C1')).toBe('S1');
    expect(await personOf('W2')).toBe('W2');
    const e = await explainIdentity(engine, 'C1');
    expect(e.personId).toBe('S1');
    expect(e.chain.map((l) => `${l.from}>${l.to}:${l.type}`).sort()).toEqual(['S1>W1:email', 'W1>C1:phone']);
    expect(e.refused.some((l) => l.reason.includes('different userIds') || l.reason.includes('first_name'))).toBe(true);
    const [profile] = await engine.query(sql`SELECT last_name, last_name_from, records FROM person_profiles WHERE person_id = 'S1'`);
    expect(profile).toMatchObject({ last_name: 'MARTIN', last_name_from: 'W1', records: 3 });
  });

  it('splits on an identifier: the part with the oldest record keeps the id, the old ids still resolve', async () => {
    const result = await splitPerson(engine, config, 'W1', 'email:anne.martin@MAIL.fr');
    expect(result.personId).toBe('S1');
    expect(result.parts.map((p) => [p.personId, p.nodes])).toEqual([['S1', ['S1']], ['W1', ['C1', 'W1']]]);
    expect(await personOf('W1')).toBe('W1');
    expect((await explainIdentity(engine, 'C1')).personId).toBe('W1');
    // A later full run keeps the block.
    await resolveIdentities(engine, config);
    expect(await personOf('W1')).toBe('W1');
    expect(await personOf('S1')).toBe('S1');
  });

  it('links identify events incrementally under the same rules, and the next run agrees', async () => {
    const [first] = await linkIdentifiers(engine, config, [{ identifiers: [{ type: 'anonymousId', value: 'dev-1' }, { type: 'userId', value: 'u2' }], source: 'identify', reference: 'm1' }]);
    expect(first?.personId).toBe('W2');
    const [second] = await linkIdentifiers(engine, config, [{ identifiers: [{ type: 'anonymousId', value: 'dev-1' }, { type: 'loyaltyCard', value: '2900-0000-0001' }] }]);
    // The card's person holds userId u1, the device's holds u2: refused.
    expect(second?.refused.map((r) => r.reason)).toEqual(['refused: the two sides hold different userIds']);
    const [third] = await linkIdentifiers(engine, config, [{ identifiers: [{ type: 'email', value: 'new@x.fr' }, { type: 'phone', value: '0612345678' }] }]);
    expect(third?.personId).toBe('S1');
    const [junk] = await linkIdentifiers(engine, config, [{ identifiers: [{ type: 'email', value: 'undefined' }] }]);
    expect(junk?.personId).toBeNull();
    await resolveIdentities(engine, config);
    const [node] = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM identity_nodes WHERE node_id = ${third?.linkId ?? ''}`);
    expect(node?.person_id).toBe('S1');
    expect(await personOf('W2')).toBe('W2');
  });
});

describe('incremental links on a fresh datamart', () => {
  it('links events before any complete resolution (no customer_persons or person_profiles yet)', async () => {
    const engine = await memoryStore();
    try {
      const config = parseConfig({});
      const [first] = await linkIdentifiers(engine, config, [{ identifiers: [{ type: 'anonymousId', value: 'dev-9' }, { type: 'userId', value: 'u9' }], source: 'identify' }]);
      expect(first?.personId).toBe(first?.linkId);
      const [second] = await linkIdentifiers(engine, config, [{ identifiers: [{ type: 'userId', value: 'u9' }, { type: 'email', value: 'nine@x.fr' }] }]);
      expect(second?.personId).toBe(first?.personId);
      const [profile] = await engine.query<{ records: number }>(sql`SELECT records FROM person_profiles WHERE person_id = ${first?.personId ?? ''}`);
      expect(Number(profile?.records)).toBe(0);
      // The first complete run takes the links over.
      await resolveIdentities(engine, config);
      const [node] = await engine.query<{ person_id: string }>(sql`SELECT person_id FROM identity_nodes WHERE node_id = ${second?.linkId ?? ''}`);
      expect(node?.person_id).toBe(first?.personId);
    } finally {
      await engine.close();
    }
  });
});
