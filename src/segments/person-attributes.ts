import { sql, type Engine, type Sql } from '../store/index.js';
import { replaceTable } from '../kernel/index.js';

/**
 * `person_attributes` (person_id, attribute): what each person declared, as tokens peers can be
 * grouped by: every interest (and its family before ':', so "console:ps5" also counts as
 * "console"), children or not, household size band, age band, gender and income band. Tokens
 * from all records of a person count: each record declares part of what he is.
 */
export async function buildPersonAttributes(engine: Engine, asOf: Date): Promise<void> {
  const d = engine.dialect;
  const text = sql.raw(d.columnType('string', true));
  const age = sql`${d.daysBetween(sql`c.birth_date`, sql`${asOf}`)} / 365.25`;
  const token = (prefix: string, value: Sql): Sql => sql`CASE WHEN ${value} IS NOT NULL THEN concat(${prefix}, CAST(${value} AS ${text})) END`;
  const declared = [
    token('household:', sql`CASE WHEN c.household_size >= 5 THEN '5+' WHEN c.household_size >= 3 THEN '3-4' ELSE CAST(c.household_size AS ${text}) END`),
    token('children:', sql`CASE WHEN c.children > 0 THEN 'yes' WHEN c.children = 0 THEN 'no' END`),
    token('age:', sql`CASE WHEN ${age} < 35 THEN '<35' WHEN ${age} < 50 THEN '35-49' WHEN ${age} < 65 THEN '50-64' WHEN ${age} >= 65 THEN '65+' END`),
    token('gender:', sql`c.gender`),
    token('income:', sql`c.income_band`),
  ];
  const parts = declared.map((value) => sql`SELECT p.person_id AS person_id, ${value} AS attribute
    FROM customers AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id`);
  await replaceTable(engine, 'person_interest_tokens', sql`SELECT p.person_id AS person_id, lower(${d.trim(sql`t.token`)}) AS token
    FROM (SELECT customer_id, ${d.splitToRows(sql`interests`, ';')} AS token FROM customers WHERE interests IS NOT NULL) AS t
    JOIN customer_persons AS p ON p.customer_id = t.customer_id`);
  parts.push(sql`SELECT person_id, concat('interest:', token) AS attribute FROM person_interest_tokens WHERE token <> ''`);
  parts.push(sql`SELECT person_id, concat('interest:', ${d.splitPart(sql`token`, ':', 1)}) AS attribute
    FROM person_interest_tokens WHERE token LIKE '%:%'`);
  await replaceTable(engine, 'person_attributes', sql`SELECT DISTINCT person_id, attribute
    FROM (${sql.join(parts, ' UNION ALL ')}) AS a WHERE attribute IS NOT NULL`);
  await engine.exec(sql`DROP TABLE IF EXISTS person_interest_tokens`);
}
