import { renameSync } from 'node:fs';
import { open } from 'lmdb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { customerProfile, lookupPerson, profileDocumentsStep, ProfileReader, ProfileStore, servingStorePath } from '../../src/profiles/index.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { sql, type Engine } from '../../src/store/index.js';
import type { Config } from '../../src/config/index.js';
import { openStore } from '../../src/schema/index.js';
import { loadDemoCompany, type DemoCompany } from '../helpers/demo-company.js';

// The run's profile documents must give exactly what the tables give, for everyone, and step
// aside for anyone who changed since.
describe('profile documents', () => {
  let company: DemoCompany;
  let persons: string[];
  beforeAll(async () => {
    company = await loadDemoCompany({ customers: 800, seed: 11, file: true });
    const { engine } = company;
    // Tracked events for some people, by record, userId and anonymousId, so documents carry last events.
    const some = await engine.query<{ node_id: string; person_id: string; value: string | null; type: string | null }>(sql`
      SELECT n.node_id, n.person_id, i.value, i.type FROM identity_nodes n
      LEFT JOIN person_identifiers i ON i.node_id = n.node_id AND i.type IN ('userId', 'anonymousId')
      ORDER BY n.node_id LIMIT 60`);
    const rows: string[] = [];
    let k = 0;
    for (const r of some) {
      for (let j = 0; j < 25; j++) {
        k++;
        const at = new Date(Date.UTC(2026, 0, 1, 0, 0, j * 7 + (k % 3))).toISOString();
        const text = (v: string | null): string => (v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`);
        rows.push(`('m-${k}', 'track', 'Product Viewed', ${text(r.type === 'userId' ? r.value : null)}, ${text(r.type === 'anonymousId' ? r.value : null)},
          ${text(k % 2 === 0 ? r.node_id : null)}, TIMESTAMP '${at.slice(0, 19)}', TIMESTAMP '${at.slice(0, 19)}', '{"sku": "S${k}"}')`);
      }
    }
    await engine.exec(`INSERT INTO events (message_id, type, event, user_id, anonymous_id, customer_id, "timestamp", received_at, properties) VALUES ${rows.join(',\n')}`);
    await runPipeline(engine, company.config, { from: 'profile_documents' });
    persons = (await engine.query<{ person_id: string }>(sql`SELECT DISTINCT person_id FROM identity_nodes ORDER BY person_id`)).map((r) => r.person_id);
  }, 300_000);
  /**
   * Every reader a test opens is closed after it. One left open shares the store's lock file with
   * the readers of the file rebuilt in its place, and when one of them closes, LMDB frees every
   * reader slot of the process in that lock file: the others' next reads fail with MDB_BAD_RSLOT
   * (shown with the lmdb package alone). The server closes its store before it opens a rewritten
   * one (reader.ts).
   */
  const opened: ProfileReader[] = [];
  const openReader = async (engine: Engine, config: Config): Promise<ProfileReader> => {
    const reader = await ProfileReader.open(engine, config);
    opened.push(reader);
    return reader;
  };
  afterEach(async () => {
    for (const reader of opened.splice(0)) await reader.close();
  });
  afterAll(async () => {
    await company.close();
  });

  it('give every person exactly the profile read live from the tables', async () => {
    const reader = await openReader(company.engine, company.config);
    expect(reader.state).toEqual({ documents: true, reason: null });
    // Everyone with events, and every 6th person (the live road takes ~60 ms a person).
    const withAnyEvent = new Set((await company.engine.query<{ person_id: string }>(sql`SELECT DISTINCT n.person_id FROM events e
      JOIN identity_nodes n ON n.node_id = e.customer_id`)).map((r) => r.person_id));
    let withEvents = 0;
    for (const id of persons.filter((p, i) => i % 6 === 0 || withAnyEvent.has(p))) {
      const fromDocument = await reader.byId(id);
      expect(JSON.parse(JSON.stringify(fromDocument))).toEqual(JSON.parse(JSON.stringify(await customerProfile(company.engine, company.config, id))));
      if (fromDocument.lastEvents.length > 0) withEvents++;
    }
    expect(persons.length).toBeGreaterThan(700);
    expect(withAnyEvent.size).toBeGreaterThan(20);
    expect(withEvents).toBeGreaterThan(20);
  }, 120_000);

  it('are the same built a slice of persons at a time', async () => {
    const { engine, config } = company;
    const path = servingStorePath(engine.location) ?? '';
    const read = async (): Promise<Map<string, string>> => {
      const store = ProfileStore.openIfPresent(path);
      if (!store) throw new Error(`no store at ${path}`);
      const docs = new Map(store.documents());
      await store.close();
      return docs;
    };
    const whole = await read();
    await profileDocumentsStep(150).run({ engine, config, asOf: new Date(), warn: () => undefined });
    const sliced = await read();
    expect(sliced.size).toBe(persons.length);
    expect([...sliced].filter(([id, doc]) => whole.get(id) !== doc)).toEqual([]);
    // Its scratch tables (each wide table's rows as JSON, in person order) are gone.
    expect(await engine.query(sql`SELECT table_name FROM information_schema.tables WHERE starts_with(table_name, '_profile_doc_')`)).toEqual([]);
  });

  it('hold each row without its column names, deflated, the names once in the file', async () => {
    const path = servingStorePath(company.engine.location) ?? '';
    const store = ProfileStore.openIfPresent(path);
    if (!store) throw new Error(`no store at ${path}`);
    const layout = store.layout;
    const texts = [...store.documents()].slice(0, 200).map(([, text]) => text);
    await store.close();
    expect(layout?.classes).toContain('clv_12m');
    expect(layout?.offers).toContain('product_name');
    expect(texts.length).toBe(200);
    for (const text of texts) expect(text).not.toMatch(/"(clv_12m|product_name|first_name_from|segment_rate)"/);
    // Stored deflated: the raw values are a fraction of the texts.
    const raw = open({ path, noSubdir: true, readOnly: true });
    const docs = raw.openDB<Buffer, string>({ name: 'docs', encoding: 'binary' });
    const stored = [...docs.getRange({ limit: 200 })].reduce((n, { value }) => n + value.length, 0);
    await raw.close();
    expect(stored).toBeLessThan(texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 2);
  });

  it('resolve record ids, older ids and identifiers as the live lookups do', async () => {
    const reader = await openReader(company.engine, company.config);
    const records = await company.engine.query<{ node_id: string }>(sql`SELECT node_id FROM identity_nodes ORDER BY node_id LIMIT 50`);
    for (const { node_id } of records) {
      expect((await reader.byId(node_id)).id).toBe((await customerProfile(company.engine, company.config, node_id)).id);
    }
    const emails = await company.engine.query<{ value: string }>(sql`SELECT value FROM person_identifiers WHERE type = 'email'
      GROUP BY value HAVING count(DISTINCT person_id) = 1 ORDER BY value LIMIT 50`);
    for (const { value } of emails) {
      const live = await lookupPerson(company.engine, company.config, 'email', value.toUpperCase());
      expect((await reader.byIdentifier('email', ` ${value.toUpperCase()} `)).id).toBe(live);
    }
    // Values several persons hold (a shared phone, a household email): the store keeps each key's
    // persons in the order the live lookup tries them, so both answer alike, a person or the same refusal.
    const shared = await company.engine.query<{ type: string; value: string }>(sql`SELECT type, value FROM person_identifiers
      WHERE type IN ('email', 'phone') GROUP BY type, value HAVING count(DISTINCT person_id) > 1 ORDER BY type, value LIMIT 20`);
    expect(shared.length).toBeGreaterThan(0);
    const outcome = (p: Promise<string>): Promise<string> => p.then((id) => `person ${id}`, (error: unknown) => `refused: ${String(error)}`);
    for (const { type, value } of shared) {
      const lookup = type as 'email' | 'phone';
      expect(await outcome(reader.byIdentifier(lookup, value).then((p) => p.id))).toBe(await outcome(lookupPerson(company.engine, company.config, lookup, value)));
    }
    await expect(reader.byId('nobody-has-this-id')).rejects.toThrow(/No person/);
    await expect(reader.byIdentifier('email', 'nobody@nowhere.example')).rejects.toThrow(/No customer/);
  });

  it('step aside for a person the server was told changed, and only for him', async () => {
    const reader = await openReader(company.engine, company.config);
    const [a, b] = persons as [string, string];
    const [record] = await company.engine.query<{ node_id: string }>(sql`SELECT node_id FROM identity_nodes WHERE person_id = ${a} LIMIT 1`);
    // A change the documents do not know of, as a load would write it.
    await company.engine.exec(sql`INSERT INTO consents VALUES (${record?.node_id ?? ''}, 'sms', 'opt_out', TIMESTAMP '2026-06-30 12:00:00', 'test')`);
    expect((await reader.byId(a)).consents.some((c) => c.source === 'test')).toBe(false);
    reader.changed({ records: [record?.node_id ?? ''] });
    expect((await reader.byId(a)).consents[0]).toEqual({ channel: 'sms', status: 'opt_out', at: '2026-06-30T12:00:00.000Z', source: 'test' });
    expect(JSON.stringify(await reader.byId(b))).toBe(JSON.stringify(await customerProfile(company.engine, company.config, b)));
    await company.engine.exec(sql`DELETE FROM consents WHERE source = 'test'`);
  });

  it('are not used once the data moved since the run', async () => {
    await company.engine.exec(sql`INSERT INTO import_log (import_id, file, kind, format, sha256, records, inserted, updated, unchanged, imported_at)
      SELECT 'i-test', 'x.csv', 'consents', 'csv', 'abc', 0, 0, 0, 0, now()`);
    const reader = await openReader(company.engine, company.config);
    expect(reader.state.documents).toBe(false);
    expect(reader.state.reason).toMatch(/changed since the last `fidelis run`/);
    expect((await reader.byId(persons[0] ?? '')).id).toBe(persons[0]);
    await company.engine.exec(sql`DELETE FROM import_log WHERE import_id = 'i-test'`);
    expect((await openReader(company.engine, company.config)).state.documents).toBe(true);
    // A server that started and stopped without loading an event leaves them usable.
    await company.engine.exec(sql`INSERT INTO event_log_position (log, segment, "offset", loaded_at) VALUES ('events', 1, 0, now())`);
    expect((await openReader(company.engine, company.config)).state.documents).toBe(true);
  });

  it('are not used when their file is missing or was written by another run', async () => {
    const { engine, config } = company;
    const path = servingStorePath(engine.location) ?? '';
    renameSync(path, `${path}.moved`);
    const without = await openReader(engine, config);
    expect(without.state).toEqual({ documents: false, reason: expect.stringMatching(/no profile documents from the last run/) as unknown });
    renameSync(`${path}.moved`, path);
    const [state] = await engine.query<{ build: string }>(sql`SELECT build FROM profile_documents_state`);
    await engine.exec(sql`UPDATE profile_documents_state SET build = 'another-run'`);
    expect((await openReader(engine, config)).state.documents).toBe(false);
    await engine.exec(sql`UPDATE profile_documents_state SET build = ${state?.build ?? ''}`);
    expect((await openReader(engine, config)).state.documents).toBe(true);
  });

  it('are not kept for an in-memory datamart, whose profiles are read live', async () => {
    const engine = await openStore(':memory:');
    const reader = await openReader(engine, company.config);
    expect(reader.state).toEqual({ documents: false, reason: expect.stringMatching(/in-memory/) as unknown });
    await engine.close();
  });
});
