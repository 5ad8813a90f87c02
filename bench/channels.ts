// The learned preferred channel against the demo company's ground truth (ground-truth/persons.csv,
// preferred_channel), by number of past contacts. Run alone:
//   npx tsx bench/channels.ts --customers 20000 [--seed 11]
//
// What is learnable: the generator's preferred channel multiplies a person's reactions by 2 on it
// and by 0.7 elsewhere (src/generate/marketing.ts), but only email and push opens and SMS clicks
// depend on it; mail and phone responses are purchases he would have made anyway (attributed when
// they fall soon after a catalogue or a call), and push is never anyone's preferred channel. So
// the truth can be learnt only between email and SMS, for persons both were sent to: the bench
// scores those persons whose true preferred channel is email or SMS, ranking the two channels by
// the learned lift (P(response) over the segment's rate: the generator's preference is a
// multiplier), against the majority channel and against raw rates without shrinkage.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { customerChannels } from '../src/activation/index.js';
import { parseConfig, type ConfigInput } from '../src/config/index.js';
import { defaultAsOf } from '../src/pipeline/index.js';
import { sql, type Engine } from '../src/store/index.js';
import { loadDemoCompany } from '../test/helpers/demo-company.js';

export const CONTACT_BUCKETS: readonly (readonly [number, number])[] = [
  [1, 4],
  [5, 9],
  [10, 19],
  [20, 39],
  [40, 1_000_000],
];

export interface BucketRow {
  readonly contacts: string;
  readonly persons: number;
  readonly shrunk: number;
  readonly raw: number;
  readonly majority: number;
  /** The stored preferred channel (best expected value among consented channels) equal to the truth. */
  readonly preferred: number;
}

/** Pipeline persons whose records all belong to one true person, with his true preferred channel. */
const TRUTH = sql`SELECT p.person_id AS person_id, min(t.preferred_channel) AS truth
  FROM customer_persons AS p JOIN truth_records AS r ON r.customer_id = p.customer_id JOIN truth_persons AS t ON t.person_id = r.person_id
  GROUP BY p.person_id HAVING count(DISTINCT r.person_id) = 1`;

/** Accuracy per bucket of email + SMS contacts, on the persons where the truth is learnable. */
export async function channelAccuracy(engine: Engine): Promise<{ majorityChannel: string; rows: BucketRow[] }> {
  const channel = (name: string, column: string) => sql`max(CASE WHEN c.channel = ${name} THEN c.${sql.id(column)} END)`;
  // Raw rates without shrinkage: his rate over his segment's pooled rate; shrunk: P(response) over the segment's prior mean.
  const persons = sql`SELECT c.person_id AS person_id, t.truth AS truth, max(CASE WHEN c.is_preferred THEN c.channel END) AS preferred,
      ${channel('email', 'contacts')} + ${channel('sms', 'contacts')} AS contacts,
      ${channel('email', 'contacts')} AS email_contacts, ${channel('sms', 'contacts')} AS sms_contacts,
      ${channel('email', 'p_response')} / ${channel('email', 'segment_rate')} AS email_lift,
      ${channel('sms', 'p_response')} / ${channel('sms', 'segment_rate')} AS sms_lift,
      ${channel('email', 'person_rate')} / nullif(${channel('email', 'pooled_rate')}, 0) AS email_raw,
      ${channel('sms', 'person_rate')} / nullif(${channel('sms', 'pooled_rate')}, 0) AS sms_raw
    FROM (SELECT c.*, sum(c.responses) OVER (PARTITION BY c.segment, c.channel) / sum(c.contacts) OVER (PARTITION BY c.segment, c.channel) AS pooled_rate
      FROM customer_channels AS c) AS c
    JOIN (${TRUTH}) AS t ON t.person_id = c.person_id
    WHERE t.truth IN ('email', 'sms') GROUP BY c.person_id, t.truth`;
  const [majority] = await engine.query<{ truth: string }>(sql`SELECT truth FROM (${persons}) AS p WHERE email_contacts > 0 AND sms_contacts > 0
    GROUP BY truth ORDER BY count(*) DESC, truth LIMIT 1`);
  const majorityChannel = majority?.truth ?? 'email';
  // A tie (both lifts equal: no evidence either way) goes to the majority channel, as the baseline guesses.
  const pick = (email: string, sms: string) =>
    sql`CASE WHEN ${sql.id(email)} > ${sql.id(sms)} THEN 'email' WHEN ${sql.id(sms)} > ${sql.id(email)} THEN 'sms' ELSE ${majorityChannel} END`;
  const hit = (prediction: ReturnType<typeof sql>) => sql`avg(CASE WHEN ${prediction} = truth THEN 1.0 ELSE 0.0 END)`;
  const bucket = sql.join(CONTACT_BUCKETS.map(([lo, hi]) => sql`WHEN contacts BETWEEN ${lo} AND ${hi} THEN ${lo}`), ' ');
  const rows = await engine.query<{ lo: number; persons: number; shrunk: number; raw: number; majority: number; preferred: number }>(sql`SELECT
      CASE ${bucket} END AS lo, count(*) AS persons, ${hit(pick('email_lift', 'sms_lift'))} AS shrunk,
      ${hit(pick('email_raw', 'sms_raw'))} AS raw, ${hit(sql`${majorityChannel}`)} AS majority, ${hit(sql`preferred`)} AS preferred
    FROM (${persons}) AS p WHERE email_contacts > 0 AND sms_contacts > 0 GROUP BY ROLLUP (lo) ORDER BY lo NULLS LAST`);
  return {
    majorityChannel,
    rows: rows.map((r) => {
      const range = CONTACT_BUCKETS.find(([lo]) => lo === Number(r.lo));
      const label = r.lo === null ? 'all' : range && range[1] < 1_000_000 ? `${range[0]}-${range[1]}` : `${Number(r.lo)}+`;
      return { contacts: label, persons: Number(r.persons), shrunk: r.shrunk, raw: r.raw, majority: r.majority, preferred: r.preferred };
    }),
  };
}

export async function benchChannels(opts: { customers: number; seed?: number; responses?: readonly ('opened' | 'clicked' | 'converted')[] }): Promise<Record<string, BucketRow[]>> {
  const company = await loadDemoCompany({ customers: opts.customers, seed: opts.seed ?? 11 });
  try {
    const asOf = await defaultAsOf(company.engine);
    const result: Record<string, BucketRow[]> = {};
    for (const response of opts.responses ?? ['clicked', 'opened']) {
      const input: ConfigInput = { activation: { channels: { response } } };
      const config = parseConfig(input);
      // The step alone, again with another definition of a response (the pipeline ran it with the defaults).
      await company.engine.transaction((engine) => customerChannels.run({ engine, config, asOf, warn: () => undefined }));
      const { majorityChannel, rows } = await channelAccuracy(company.engine);
      result[`response = ${response} (majority channel: ${majorityChannel})`] = rows;
    }
    return result;
  } finally {
    await company.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { customers: { type: 'string', default: '20000' }, seed: { type: 'string', default: '11' } } });
  const t0 = performance.now();
  const tables = await benchChannels({ customers: Number(values.customers), seed: Number(values.seed) });
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  for (const [title, rows] of Object.entries(tables)) {
    console.log(`\n${title}; persons whose true preferred channel is email or SMS and who were sent both`);
    console.log('| email+SMS contacts | persons | shrunk (empirical Bayes) | raw rates | majority channel | stored preferred_channel |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) console.log(`| ${r.contacts} | ${r.persons} | ${pct(r.shrunk)} | ${pct(r.raw)} | ${pct(r.majority)} | ${pct(r.preferred)} |`);
  }
  console.log(`\n${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
