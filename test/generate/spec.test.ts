import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES, sql, type ColumnSpec, type Sql } from '../../src/store/index.js';
import { headerOf, openCompany, type OpenCompany } from './company.js';

let company: OpenCompany;
beforeAll(async () => {
  company = await openCompany(3000, 7);
});
afterAll(async () => {
  await company.close();
});

const FORMAT: Record<ColumnSpec['type'], string> = {
  string: '.*',
  int: '^-?[0-9]+$',
  money: '^[0-9]+\\.[0-9]{2}$',
  float: '^-?[0-9]+(\\.[0-9]+)?$',
  date: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  timestamp: '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$',
  bool: '^(true|false)$',
};
const CAST: Partial<Record<ColumnSpec['type'], string>> = { int: 'BIGINT', money: 'DECIMAL(18, 2)', date: 'DATE', timestamp: 'TIMESTAMP' };

async function count(query: Sql): Promise<number> {
  return Number((await company.one<{ n: number }>(query)).n);
}

describe('every generated file respects its table spec', () => {
  it('writes one file per table with the spec columns in order, and rows in every table', () => {
    for (const table of TABLES) {
      expect(headerOf(company.dir, table.name), table.name).toBe(table.columns.map((c) => c.name).join(','));
      expect(company.report.rows[table.name], table.name).toBeGreaterThan(0);
    }
  });

  it('reports the rows it wrote', async () => {
    for (const table of TABLES) expect(await count(sql`SELECT count(*) AS n FROM ${sql.id(table.name)}`), table.name).toBe(company.report.rows[table.name]);
  });

  for (const table of TABLES) {
    it(`${table.name}: values parse as their type, required ones are present, allowed values and bounds hold`, async () => {
      for (const column of table.columns as readonly ColumnSpec[]) {
        const c = sql.id(column.name);
        const t = sql.id(table.name);
        const where = `${table.name}.${column.name}`;
        if (column.required) expect(await count(sql`SELECT count(*) AS n FROM ${t} WHERE ${c} IS NULL`), `${where} missing`).toBe(0);
        expect(await count(sql`SELECT count(*) AS n FROM ${t} WHERE NOT regexp_full_match(${c}, ${FORMAT[column.type]})`), `${where} format`).toBe(0);
        const cast = CAST[column.type];
        if (cast) {
          expect(await count(sql`SELECT count(*) AS n FROM ${t} WHERE ${c} IS NOT NULL AND TRY_CAST(${c} AS ${sql.raw(cast)}) IS NULL`), `${where} cast`).toBe(0);
        }
        if (column.values) {
          const allowed = sql.join(column.values.map((v) => sql`${v}`), ', ');
          expect(await count(sql`SELECT count(*) AS n FROM ${t} WHERE ${c} NOT IN (${allowed})`), `${where} values`).toBe(0);
        }
        if (column.min !== undefined) expect(await count(sql`SELECT count(*) AS n FROM ${t} WHERE CAST(${c} AS DOUBLE) < ${column.min}`), `${where} min`).toBe(0);
        if (column.max !== undefined) expect(await count(sql`SELECT count(*) AS n FROM ${t} WHERE CAST(${c} AS DOUBLE) > ${column.max}`), `${where} max`).toBe(0);
      }
    });

    it(`${table.name}: keys are unique and references resolve`, async () => {
      const key = sql.join(table.key.map((k) => sql.id(k)), ', ');
      const t = sql.id(table.name);
      expect(await count(sql`SELECT count(*) - count(DISTINCT (${key})) AS n FROM ${t}`), `${table.name} key`).toBe(0);
      for (const column of table.columns as readonly ColumnSpec[]) {
        if (!column.references) continue;
        const target = sql.id(column.references.table);
        const c = sql.id(column.name);
        const orphans = await count(sql`SELECT count(*) AS n FROM ${t} AS x WHERE x.${c} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM ${target} AS y WHERE y.${sql.id(column.references.column)} = x.${c})`);
        expect(orphans, `${table.name}.${column.name} -> ${column.references.table}`).toBe(0);
      }
    });
  }
});

describe('generated rows are consistent beyond the spec', () => {
  it.each([
    ['tickets name existing orders', sql`SELECT count(*) AS n FROM tickets t WHERE order_id IS NOT NULL AND order_id NOT IN (SELECT order_id FROM orders)`],
    ['returns name existing order lines', sql`SELECT count(*) AS n FROM returns r ANTI JOIN order_lines l USING (order_id, line_no)`],
    ['orders name existing campaigns', sql`SELECT count(*) AS n FROM orders WHERE campaign_id IS NOT NULL AND campaign_id NOT IN (SELECT campaign_id FROM campaigns)`],
    ['web events name existing products', sql`SELECT count(*) AS n FROM web_events WHERE sku IS NOT NULL AND sku NOT IN (SELECT sku FROM products)`],
    ['every web event has a customer or an anonymous id', sql`SELECT count(*) AS n FROM web_events WHERE customer_id IS NULL AND anonymous_id IS NULL`],
    ['orders fall inside the three years', sql`SELECT count(*) AS n FROM t_orders WHERE ordered_at < '2023-07-01' OR ordered_at >= '2026-07-01'`],
    ['nothing happens after the end', sql`SELECT (SELECT count(*) FROM t_responses AS r WHERE r.at >= '2026-07-01') + (SELECT count(*) FROM t_web_events AS w WHERE w.at >= '2026-07-01')
      + (SELECT count(*) FROM t_tickets WHERE closed_at >= '2026-07-01') + (SELECT count(*) FROM t_customers WHERE updated_at >= '2026-07-01') AS n`],
    ['orders come after their record was created', sql`SELECT count(*) AS n FROM t_orders o JOIN t_customers c USING (customer_id) WHERE o.ordered_at < c.signup_at`],
    ['contacts come after their record was created', sql`SELECT count(*) AS n FROM t_contacts o JOIN t_customers c USING (customer_id) WHERE o.sent_at < c.signup_at`],
    ['identifiers are seen after their record was created', sql`SELECT count(*) AS n FROM t_identifiers i JOIN t_customers c USING (customer_id) WHERE i.first_seen_at < date_trunc('second', c.signup_at)`],
    ['records are updated after they were created', sql`SELECT count(*) AS n FROM t_customers WHERE updated_at < date_trunc('second', signup_at)`],
    ['responses follow their contact', sql`SELECT count(*) AS n FROM t_responses r JOIN t_contacts c USING (contact_id) WHERE r.at < c.sent_at`],
    ['tickets close after they open', sql`SELECT count(*) AS n FROM t_tickets WHERE closed_at < opened_at`],
    ['returns follow the order and never exceed the line', sql`SELECT count(*) AS n FROM t_returns r JOIN t_orders o USING (order_id) JOIN t_order_lines l USING (order_id, line_no)
      WHERE r.returned_at <= o.ordered_at OR r.quantity > l.quantity OR r.refund_amount > l.quantity * l.unit_price - l.discount + 0.01`],
    ['discounts never exceed the line amount', sql`SELECT count(*) AS n FROM t_order_lines WHERE discount > quantity * unit_price`],
    ['an opt-out follows an opt-in of the same record and channel', sql`SELECT count(*) AS n FROM t_consents o WHERE status = 'opt_out' AND NOT EXISTS
      (SELECT 1 FROM t_consents i WHERE i.status = 'opt_in' AND i.customer_id = o.customer_id AND i.channel = o.channel AND i.at < o.at)`],
    ['a conversion is an order attributed to the campaign', sql`SELECT count(*) AS n FROM t_responses r JOIN t_contacts c USING (contact_id)
      WHERE r.type = 'converted' AND NOT EXISTS (SELECT 1 FROM t_orders o WHERE o.campaign_id = c.campaign_id AND o.ordered_at = r.at)`],
    ['no one refers himself', sql`SELECT count(*) AS n FROM referrals WHERE referrer_id = referred_id`],
    ['referrers were customers before the referral', sql`SELECT count(*) AS n FROM t_referrals r JOIN t_customers c ON c.customer_id = r.referrer_id WHERE c.signup_at > r.at`],
  ])('%s', async (_name, query) => {
    expect(await count(query)).toBe(0);
  });
});
