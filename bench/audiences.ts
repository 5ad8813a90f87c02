// `npx tsx bench/audiences.ts [--persons 1000000] [--repeat 30]`: the count of typical audience
// filters over a base built directly in SQL at that size (generate_series; every value drawn from
// a hash of the row number and a fixed seed, so the base is the same at every run). Prints p50, p95
// and max of the count per filter, and the load average (the machine is shared). Target (issue 13):
// < 300 ms p95 over 1M persons.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { countAudience, definitionFromText } from '../src/activation/audiences/index.js';
import { sql, type Engine } from '../src/store/index.js';
import { openStore } from '../src/schema/index.js';
import { round } from './round.js';

const { values } = parseArgs({ options: { persons: { type: 'string', default: '1000000' }, repeat: { type: 'string', default: '30' } } });
const persons = Number(values.persons);
const repeat = Number(values.repeat);
const AS_OF = new Date('2026-06-30T00:00:00Z');
const SEED = 13;

/** A uniform draw in [0, 1) from the row number and a salt: deterministic, unlike random() across threads. */
const draw = (salt: number) => sql.raw(`((hash(i * 1000003 + ${SEED * 1000 + salt}) % 1000000) / 1000000.0)`);

async function build(engine: Engine): Promise<void> {
  const n = sql.raw(String(Math.trunc(persons)));
  await engine.exec(sql`CREATE TABLE customer_classes AS SELECT
      concat('P', lpad(CAST(i AS VARCHAR), 8, '0')) AS person_id,
      CASE WHEN ${draw(1)} < 0.1 THEN 'CPP' WHEN ${draw(1)} < 0.7 THEN 'CCM' ELSE 'CNR' END AS value_tier,
      CASE WHEN ${draw(2)} < 0.1 THEN 'd1' WHEN ${draw(2)} < 0.4 THEN 'd2' WHEN ${draw(2)} < 0.8 THEN 'd3' ELSE 'd4' END AS value_column,
      ${draw(3)} AS p_alive, round(${draw(4)} * ${draw(4)} * 5000, 2) AS clv, CAST(floor(${draw(5)} * 1500) AS BIGINT) AS recency_days,
      CAST(1 + floor(${draw(6)} * 5) AS INTEGER) AS r_score, ${draw(7)} AS attachment,
      CASE WHEN ${draw(8)} < 0.3 THEN 'technophile' WHEN ${draw(8)} < 0.6 THEN 'technomouton' WHEN ${draw(8)} < 0.8 THEN 'techno-no' ELSE 'technonul' END AS digital_type
    FROM range(${n}) AS t(i)`);
  await engine.exec(sql`CREATE TABLE customer_persons AS SELECT concat('R', CAST(i AS VARCHAR)) AS customer_id,
      concat('P', lpad(CAST(i AS VARCHAR), 8, '0')) AS person_id FROM range(${n}) AS t(i)`);
  // Consents: 60% opted in on email, 10% opted out, the rest unknown (no row).
  await engine.exec(sql`CREATE TABLE person_consents AS SELECT concat('P', lpad(CAST(i AS VARCHAR), 8, '0')) AS person_id, 'email' AS channel,
      CASE WHEN ${draw(9)} < 0.6 THEN 'opt_in' ELSE 'opt_out' END AS status, TIMESTAMP '2024-01-01' AS ${sql.id('at')}, 'bench' AS source,
      concat('R', CAST(i AS VARCHAR)) AS record
    FROM range(${n}) AS t(i) WHERE ${draw(9)} < 0.7`);
  // Two contacts a person on average over the last 90 days, on email or SMS.
  await engine.exec(sql`DELETE FROM contacts`);
  await engine.exec(sql`INSERT INTO contacts (contact_id, customer_id, campaign_id, channel, sent_at, unit_cost, status)
    SELECT concat('K', CAST(i AS VARCHAR)), concat('R', CAST(i % ${n} AS VARCHAR)), 'C1', CASE WHEN ${draw(10)} < 0.8 THEN 'email' ELSE 'sms' END,
      ${AS_OF} - to_seconds(CAST(floor(${draw(11)} * 90 * 86400) AS BIGINT)), 0.01, CASE WHEN ${draw(12)} < 0.1 THEN 'planned' ELSE NULL END
    FROM range(${sql.raw(String(2 * Math.trunc(persons)))}) AS t(i)`);
}

const FILTERS = [
  'tier in ("CPP","CCM") and p_alive >= 0.5 and consent.email and not contacted_within(7d)',
  'tier = "CPP" and clv > 1000',
  '(column in ("d1", "d2") or attachment >= 0.8) and recency <= 365 and digital_type != "technonul"',
];

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const engine = await openStore(':memory:');
  const started = performance.now();
  await build(engine);
  const buildSeconds = (performance.now() - started) / 1000;
  const results = [];
  for (const text of FILTERS) {
    const def = definitionFromText(text, { asOf: AS_OF });
    const count = await countAudience(engine, def.compiled); // warm-up, untimed
    const times: number[] = [];
    for (let r = 0; r < repeat; r++) {
      const t = performance.now();
      await countAudience(engine, def.compiled);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    results.push({ filter: text, count, p50Ms: round(quantile(times, 0.5), 1), p95Ms: round(quantile(times, 0.95), 1), maxMs: round(times.at(-1) ?? NaN, 1) });
  }
  await engine.close();
  const [one, five] = loadavg();
  console.log(JSON.stringify({ persons, repeat, buildSeconds: round(buildSeconds, 1), loadAverage: { one: round(one ?? NaN, 2), five: round(five ?? NaN, 2) }, targetP95Ms: 300, results }, null, 2));
}

await main();
