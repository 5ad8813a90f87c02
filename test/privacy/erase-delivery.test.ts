import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { erasePerson, exportPerson } from '../../src/privacy/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import { openStore } from '../../src/schema/index.js';
import { privacyCompany, type PrivacyCompany } from './fixture.js';

// A planned contact's id names its person (<plan>:<campaign>:<person>), and delivery keeps it in
// delivery_attempts and, for a webhook batch given up on, in delivery_dead_letters' list.
describe('erasure of a person the planner contacted', () => {
  let company: PrivacyCompany;
  let engine: Engine;
  let other: string;
  const contact = (person: string): string => `plan-1:spring:${person}`;

  beforeAll(async () => {
    company = await privacyCompany(200, 9);
    engine = await openStore(company.db);
    const [row] = await engine.query<{ person_id: string }>(sql`SELECT min(person_id) AS person_id FROM customer_persons WHERE person_id <> ${company.personId}`);
    other = String(row?.person_id);
    for (const person of [company.personId, other]) {
      await engine.exec(sql`INSERT INTO contacts (contact_id, customer_id, campaign_id, channel, sent_at, unit_cost, status)
        SELECT ${contact(person)}, min(customer_id), 'spring', 'email', TIMESTAMP '2026-11-21 09:00:00', 0.02, 'sent' FROM customer_persons WHERE person_id = ${person}`);
      await engine.exec(sql`INSERT INTO delivery_attempts (contact_id, destination, batch_id, status, reason, attempts, updated_at)
        VALUES (${contact(person)}, 'webhook', 'batch-1', 'dead', NULL, 5, TIMESTAMP '2026-11-21 09:05:00')`);
    }
    await engine.exec(sql`INSERT INTO delivery_dead_letters (batch_id, destination, contact_ids, contacts, attempts, reason, failed_at)
      VALUES ('batch-1', 'https://hooks.example/in', ${JSON.stringify([contact(company.personId), contact(other)])}, 2, 5, 'HTTP 503', TIMESTAMP '2026-11-21 09:05:00')`);
  }, 300_000);

  afterAll(async () => {
    await engine?.close();
  });

  it('exports his delivery rows with the rest of his data', async () => {
    const exported = await exportPerson(engine, parseConfig({ db: company.db }), company.personId, 'test');
    expect((exported.tables.delivery_attempts ?? []).map((r) => r.contact_id)).toEqual([contact(company.personId)]);
    expect((exported.tables.delivery_dead_letters ?? []).map((r) => r.batch_id)).toEqual(['batch-1']);
  });

  it('deletes his delivery attempt and takes his contact out of the dead letter, keeping the other person\'s', async () => {
    const erasure = await erasePerson(engine, parseConfig({ db: company.db }), company.personId, 'test');
    expect(erasure.rows).toMatchObject({ delivery_attempts: 1, delivery_dead_letters: 1, contacts: expect.any(Number) as number });
    expect(await engine.query(sql`SELECT contact_id FROM delivery_attempts`)).toEqual([{ contact_id: contact(other) }]);
    expect(await engine.query(sql`SELECT contact_ids, contacts FROM delivery_dead_letters`)).toEqual([{ contact_ids: JSON.stringify([contact(other)]), contacts: 2 - 1 }]);
    // His person id is left in no text of these tables (the audit log keeps it by design).
    for (const table of ['contacts', 'delivery_attempts', 'delivery_dead_letters']) {
      const [row] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${sql.id(table)} AS t WHERE CAST(t AS VARCHAR) LIKE ${`%${company.personId}%`}`);
      expect({ table, n: Number(row?.n) }).toEqual({ table, n: 0 });
    }
  });

  it('deletes a dead letter left with no contact', async () => {
    await erasePerson(engine, parseConfig({ db: company.db }), other, 'test');
    expect(await engine.query(sql`SELECT count(*) AS n FROM delivery_dead_letters`)).toEqual([{ n: 0 }]);
  });
});
