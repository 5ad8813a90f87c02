import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonChannels } from '../../../src/activation/index.js';
import { customerProfile } from '../../../src/profiles/index.js';
import { createKey } from '../../../src/server/index.js';
import { CONTACT_CHANNELS, sql, type Engine } from '../../../src/store/index.js';
import { openStore } from '../../../src/schema/index.js';
import { runCli } from '../../helpers/cli.js';
import { loadDemoCompany, type DemoCompany } from '../../helpers/demo-company.js';
import { basic } from '../../server/helpers/app.js';
import { startServerProcess, TEST_DUCKDB } from '../../server/helpers/child.js';

const CONTRACT_COLUMNS = [
  'person_id', 'channel', 'contacts', 'responses', 'conversions', 'person_rate', 'segment_rate', 'p_response', 'response_value', 'unit_cost',
  'expected_value', 'consented', 'is_preferred',
];

describe('the customer_channels step on the demo company', () => {
  let company: DemoCompany;
  let engine: Engine;
  let db: string;
  let someone = '';

  beforeAll(async () => {
    company = await loadDemoCompany({ customers: 600, seed: 5, file: true });
    db = join(company.dir, '..', 'base.duckdb');
    const [row] = await company.engine.query<{ person_id: string }>(sql`SELECT person_id FROM customer_channels
      WHERE channel = 'sms' AND contacts >= 2 AND consented ORDER BY contacts DESC, person_id LIMIT 1`);
    someone = row?.person_id ?? '';
    engine = company.engine;
  }, 300_000);
  afterAll(async () => {
    await company?.close();
  });

  it('writes one row per person and channel with the contract columns, and the figures agree with each other', async () => {
    const columns = (await engine.query<{ name: string }>(sql`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'customer_channels'`)).map((c) => c.name);
    expect(columns).toEqual(expect.arrayContaining(CONTRACT_COLUMNS));
    const [shape] = await engine.query<{ persons: number; rows: number; channels: number; bad_ev: number; bad_rate: number; outside: number }>(sql`SELECT
        count(DISTINCT person_id) AS persons, count(*) AS rows, count(DISTINCT channel) AS channels,
        sum(CASE WHEN abs(expected_value - (p_response * response_value - unit_cost)) > 1e-9 THEN 1 ELSE 0 END) AS bad_ev,
        sum(CASE WHEN contacts > 0 AND abs(person_rate - CAST(responses AS DOUBLE) / contacts) > 1e-12 THEN 1 ELSE 0 END) AS bad_rate,
        sum(CASE WHEN contacts > 0 AND p_response NOT BETWEEN least(person_rate, segment_rate) - 1e-12 AND greatest(person_rate, segment_rate) + 1e-12 THEN 1 ELSE 0 END) AS outside
      FROM customer_channels`);
    expect(Number(shape?.rows)).toBe(Number(shape?.persons) * CONTACT_CHANNELS.length);
    expect(Number(shape?.channels)).toBe(5);
    expect(Number(shape?.bad_ev)).toBe(0);
    expect(Number(shape?.bad_rate)).toBe(0);
    // A shrunk rate lies between his own rate and his segment's.
    expect(Number(shape?.outside)).toBe(0);
    const [sent] = await engine.query<{ n: number }>(sql`SELECT count(*) AS n FROM contacts WHERE coalesce(status, 'sent') = 'sent'`);
    const [counted] = await engine.query<{ n: number }>(sql`SELECT sum(contacts) AS n FROM customer_channels`);
    expect(Number(counted?.n)).toBeGreaterThan(0);
    expect(Number(counted?.n)).toBeLessThanOrEqual(Number(sent?.n));
  });

  it('prefers the best expected value among consented channels, never an unconsented one, and customer_classes agrees', async () => {
    const [check] = await engine.query<{ unconsented: number; not_best: number; several: number; mismatch: number; without: number; preferred: number }>(sql`SELECT
        (SELECT count(*) FROM customer_channels WHERE is_preferred AND NOT consented) AS unconsented,
        (SELECT count(*) FROM customer_channels AS c JOIN customer_channels AS b ON b.person_id = c.person_id AND b.is_preferred
          WHERE c.consented AND c.expected_value > b.expected_value) AS not_best,
        (SELECT count(*) FROM (SELECT person_id FROM customer_channels WHERE is_preferred GROUP BY person_id HAVING count(*) > 1) AS x) AS several,
        (SELECT count(*) FROM customer_classes AS k LEFT JOIN customer_channels AS c ON c.person_id = k.person_id AND c.is_preferred
          WHERE k.preferred_channel IS DISTINCT FROM c.channel) AS mismatch,
        (SELECT count(*) FROM customer_classes AS k WHERE k.preferred_channel IS NULL AND EXISTS (SELECT 1 FROM customer_channels AS c
          WHERE c.person_id = k.person_id AND c.consented AND c.expected_value IS NOT NULL)) AS without,
        (SELECT count(*) FROM customer_classes WHERE preferred_channel IS NOT NULL) AS preferred`);
    expect(Number(check?.unconsented)).toBe(0);
    expect(Number(check?.not_best)).toBe(0);
    expect(Number(check?.several)).toBe(0);
    expect(Number(check?.mismatch)).toBe(0);
    expect(Number(check?.without)).toBe(0);
    expect(Number(check?.preferred)).toBeGreaterThan(100);
  });

  it('fits a Beta prior per segment (digital type x value tier) and channel', async () => {
    const priors = await engine.query<{ segment: string; channel: string; alpha: number; beta: number }>(sql`SELECT * FROM channel_priors`);
    expect(priors.length).toBeGreaterThan(5);
    for (const p of priors) {
      expect(p.segment).toMatch(/^[a-z-]+\/(CPP|CCM|CNR|unknown)$/);
      expect(p.alpha).toBeGreaterThan(0);
      expect(p.beta).toBeGreaterThan(0);
    }
  });

  it('the card explains the channels in English and French', async () => {
    const en = await runCli(['customer', someone, '--db', db]);
    expect(en.code).toBe(0);
    expect(en.stdout).toMatch(/Channels \(response = opened\)/);
    expect(en.stdout).toMatch(/(Preferred channel: \w+, the best expected value|No preferred channel)/);
    expect(en.stdout).toMatch(/- SMS: \d+ (opens|clicks|conversions) out of \d+; his segment [\d.]+%/);
    const fr = await runCli(['customer', someone, '--db', db, '--lang', 'fr']);
    expect(fr.code).toBe(0);
    expect(fr.stdout).toMatch(/- SMS : \d+ (ouvertures|clics|conversions) sur \d+ ; son segment [\d,]+\s?%/);
    expect(fr.stdout).toMatch(/(Canal préféré : |Aucun canal préféré)/);
    // --lang applies to --json too: the sentences in French, their messages beside them.
    type Said = { reasons: string[]; messages?: { text: { fr: string } }[] };
    const card = JSON.parse((await runCli(['customer', someone, '--db', db, '--lang', 'fr', '--json'])).stdout) as {
      classes: Said[];
      nextBestOffers: { explanation: string; explanationMessage: { text: { fr: string } } }[];
    };
    expect(card.classes.length).toBeGreaterThan(0);
    for (const c of card.classes) expect(c.reasons).toEqual(c.messages?.map((m) => m.text.fr));
    for (const o of card.nextBestOffers) expect(o.explanation).toBe(o.explanationMessage.text.fr);
  });

  it('the profile API over a socket serves the same channels from the run documents as the live road', async () => {
    await company.close();
    const store = await openStore(db, TEST_DUCKDB);
    let live: PersonChannels | null;
    let key: string;
    try {
      key = (await createKey(store, 'read')).key;
      live = (await customerProfile(store, company.config, someone)).channels;
    } finally {
      await store.close();
    }
    const server = await startServerProcess(db);
    try {
      const res = await fetch(`${server.url}/v1/customers/${encodeURIComponent(someone)}`, { headers: { authorization: basic(key) } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { channels: PersonChannels | null };
      expect(body.channels).not.toBeNull();
      expect(body.channels?.channels.map((c) => c.channel)).toEqual([...CONTACT_CHANNELS]);
      expect(body.channels?.preferred).toBe(body.channels?.channels.find((c) => c.is_preferred)?.channel ?? null);
      const sms = body.channels?.channels.find((c) => c.channel === 'sms');
      expect(sms?.evidence.key).toMatch(/^channels\.evidence\./);
      expect(sms?.evidence.text.en).toMatch(/^SMS: /);
      expect(sms?.evidence.text.fr).toMatch(/^SMS : /);
      expect(body.channels).toEqual(JSON.parse(JSON.stringify(live)));
    } finally {
      await server.stop();
    }
  }, 120_000);
});
