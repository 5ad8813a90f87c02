import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIGITAL_TYPES, POPULATION } from '../../src/generate/index.js';
import type { Row } from '../../src/store/index.js';
import { openCompany, type OpenCompany } from './company.js';

const PERSONS = 5000;
let company: OpenCompany;

beforeAll(async () => {
  company = await openCompany(PERSONS, 2026);
  const e = company.engine;
  // Per person: what his records bought, returned, cost in service, and the contacts he got.
  await e.exec(`CREATE TABLE rec AS SELECT customer_id, person_id FROM truth_records`);
  await e.exec(`CREATE TABLE line_facts AS SELECT o.order_id, o.customer_id, o.channel, o.ordered_at, p.category,
      l.quantity * l.unit_price - l.discount AS revenue,
      l.quantity * l.unit_price - l.discount - l.quantity * coalesce(l.unit_cost, p.unit_cost) AS margin
    FROM t_orders o JOIN t_order_lines l USING (order_id) JOIN t_products p USING (sku)`);
  await e.exec(`CREATE TABLE facts AS SELECT p.person_id, p.digital_type, p.costly = '1' AS costly, p.faithful_small = '1' AS faithful,
      p.single_category = '1' AS single, CAST(p.repeat_purchases AS INT) AS repeats,
      coalesce((SELECT sum(revenue) FROM line_facts JOIN rec USING (customer_id) WHERE rec.person_id = p.person_id), 0) AS revenue,
      coalesce((SELECT sum(margin) FROM line_facts JOIN rec USING (customer_id) WHERE rec.person_id = p.person_id), 0) AS margin,
      (SELECT count(DISTINCT order_id) FROM line_facts JOIN rec USING (customer_id) WHERE rec.person_id = p.person_id) AS orders,
      (SELECT count(DISTINCT category) FROM line_facts JOIN rec USING (customer_id) WHERE rec.person_id = p.person_id) AS categories,
      (SELECT count(*) FROM t_returns r JOIN t_orders o USING (order_id) JOIN rec USING (customer_id) WHERE rec.person_id = p.person_id) AS returns,
      (SELECT count(*) FROM t_tickets t JOIN rec USING (customer_id) WHERE rec.person_id = p.person_id) AS tickets,
      coalesce((SELECT sum(coalesce(handling_cost, 10)) FROM t_tickets t JOIN rec USING (customer_id) WHERE rec.person_id = p.person_id), 0) AS service_cost,
      (SELECT count(*) FROM t_contacts c JOIN rec USING (customer_id) WHERE rec.person_id = p.person_id) AS contacts
    FROM truth_persons p`);
});
afterAll(async () => {
  await company.close();
});

async function rows<T extends Row>(query: string): Promise<T[]> {
  return company.engine.query<T>(query);
}
async function value(query: string): Promise<number> {
  const [row] = await rows<{ v: number }>(query);
  return Number(row?.v);
}
/** Four binomial standard errors around a share of the persons. */
const tolerance = (p: number): number => 4 * Math.sqrt((p * (1 - p)) / PERSONS);

describe('the ground truth describes the generated data', () => {
  it('maps every customer record to one person, and only those', async () => {
    expect(await value(`SELECT count(*) AS v FROM customers ANTI JOIN truth_records USING (customer_id)`)).toBe(0);
    expect(await value(`SELECT count(*) AS v FROM truth_records ANTI JOIN customers USING (customer_id)`)).toBe(0);
    expect(await value(`SELECT count(DISTINCT person_id) AS v FROM truth_records`)).toBe(PERSONS);
  });

  it('counts each person\'s purchases: his orders are his repeat purchases plus the first', async () => {
    expect(await value(`SELECT count(*) AS v FROM facts WHERE orders <> repeats + 1`)).toBe(0);
  });

  it('has a realistic purchase count: 3.5-8 orders a person on average, many one-timers', async () => {
    const mean = await value(`SELECT avg(orders) AS v FROM facts`);
    expect(mean).toBeGreaterThan(3.5);
    expect(mean).toBeLessThan(8);
    const oneTimers = await value(`SELECT avg(CASE WHEN orders = 1 THEN 1 ELSE 0 END) AS v FROM facts`);
    expect(oneTimers).toBeGreaterThan(0.15);
    expect(oneTimers).toBeLessThan(0.45);
  });
});

describe('planted structure', () => {
  it('has the digital-type shares of the population', async () => {
    const counts = await rows<{ digital_type: string; n: number }>(`SELECT digital_type, count(*) AS n FROM truth_persons GROUP BY 1`);
    DIGITAL_TYPES.forEach((type, k) => {
      const share = Number(counts.find((c) => c.digital_type === type)?.n ?? 0) / PERSONS;
      const target = POPULATION.digitalTypeShares[k] ?? 0;
      expect(Math.abs(share - target), type).toBeLessThan(tolerance(target));
    });
  });

  it('single-category buyers (about 15%) buy one category, and the truth keeps what their profile predicts', async () => {
    const faithful = await value(`SELECT avg(CASE WHEN faithful THEN 1 ELSE 0 END) AS v FROM facts`);
    const expected = POPULATION.singleCategoryShare * (1 - faithful);
    expect(Math.abs((await value(`SELECT avg(CASE WHEN single THEN 1 ELSE 0 END) AS v FROM facts`)) - expected)).toBeLessThan(tolerance(expected));
    expect(await value(`SELECT count(*) AS v FROM facts WHERE single AND categories <> 1`)).toBe(0);
    expect(
      await value(`SELECT count(*) AS v FROM truth_persons p WHERE single_category = '1' AND (missing_categories IS NULL
        OR list_contains(string_split(missing_categories, ';'), single_category_bought)
        OR single_category_bought <> (SELECT any_value(category) FROM line_facts JOIN rec USING (customer_id) WHERE rec.person_id = p.person_id))`),
    ).toBe(0);
  });

  it('costly customers bring more revenue but many more tickets and returns, and lose money', async () => {
    const [costly, others] = await rows<{ n: number; revenue: number; tickets: number; returns: number; net: number }>(
      `SELECT count(*) AS n, avg(revenue) AS revenue, avg(tickets) AS tickets, avg(returns) AS returns, avg(margin - service_cost) AS net
       FROM facts GROUP BY costly ORDER BY costly DESC`,
    );
    expect(Math.abs(Number(costly?.n) / PERSONS - POPULATION.costlyShare)).toBeLessThan(tolerance(POPULATION.costlyShare));
    expect(Number(costly?.revenue)).toBeGreaterThan(1.5 * Number(others?.revenue));
    expect(Number(costly?.tickets)).toBeGreaterThan(10 * Number(others?.tickets));
    expect(Number(costly?.returns)).toBeGreaterThan(4 * Number(others?.returns));
    expect(Number(costly?.net)).toBeLessThan(0);
    expect(Number(others?.net)).toBeGreaterThan(0);
  });

  it('faithful small customers (about 5%) buy small baskets often, for long, across several categories', async () => {
    const [faithful, others] = await rows<{ n: number; orders: number; basket: number; categories: number }>(
      `SELECT count(*) AS n, avg(orders) AS orders, sum(revenue) / sum(orders) AS basket, avg(categories) AS categories
       FROM facts WHERE NOT costly GROUP BY faithful ORDER BY faithful DESC`,
    );
    const share = Number(faithful?.n) / PERSONS;
    expect(share).toBeGreaterThan(0.03);
    expect(share).toBeLessThan(0.08);
    expect(Number(faithful?.orders)).toBeGreaterThan(2 * Number(others?.orders));
    expect(Number(faithful?.basket)).toBeLessThan(0.8 * Number(others?.basket));
    expect(Number(faithful?.categories)).toBeGreaterThanOrEqual(4);
  });

  it('app orders start after the launch, technophiles first; technomoutons months later; the others never', async () => {
    const launch = `(SELECT CAST(json_extract_string(content, '$.appLaunch') AS TIMESTAMP) FROM read_text('${company.dir}/ground-truth/truth.json'))`;
    const app = `FROM line_facts f JOIN rec USING (customer_id) JOIN truth_persons p USING (person_id) WHERE f.channel = 'app'`;
    expect(await value(`SELECT count(*) AS v ${app} AND f.ordered_at < ${launch}`)).toBe(0);
    const early = await value(`SELECT avg(CASE WHEN p.digital_type = 'technophile' THEN 1 ELSE 0 END) AS v ${app} AND f.ordered_at < ${launch} + INTERVAL 8 WEEK`);
    expect(early).toBeGreaterThan(0.8);
    expect(await value(`SELECT count(*) AS v ${app} AND p.digital_type = 'technomouton' AND f.ordered_at < ${launch} + INTERVAL 16 WEEK`)).toBe(0);
    expect(await value(`SELECT count(*) AS v ${app} AND p.digital_type IN ('techno-no', 'technonul')`)).toBe(0);
  });

  it('digital maturity drives the online share of orders and email engagement; technonuls have no web account', async () => {
    const online = await rows<{ t: string; v: number }>(
      `SELECT p.digital_type AS t, avg(CASE WHEN o.channel IN ('web', 'app') THEN 1 ELSE 0 END) AS v
       FROM t_orders o JOIN rec USING (customer_id) JOIN truth_persons p USING (person_id) GROUP BY 1`,
    );
    const opens = await rows<{ t: string; v: number }>(
      `SELECT p.digital_type AS t, count(*) FILTER (WHERE r.type = 'opened') / count(*) FILTER (WHERE r.type = 'delivered') AS v
       FROM t_responses r JOIN t_contacts c USING (contact_id) JOIN rec USING (customer_id) JOIN truth_persons p USING (person_id)
       WHERE c.channel = 'email' GROUP BY 1`,
    );
    for (const measure of [online, opens]) {
      const by = (t: string): number => Number(measure.find((m) => m.t === t)?.v ?? 0);
      expect(by('technophile')).toBeGreaterThan(by('technomouton'));
      expect(by('technomouton')).toBeGreaterThan(by('techno-no'));
      expect(by('techno-no')).toBeGreaterThan(by('technonul'));
    }
    expect(await value(`SELECT count(*) AS v FROM truth_records r JOIN truth_persons p USING (person_id) WHERE p.digital_type = 'technonul' AND r.source = 'web'`)).toBe(0);
  });

  it('purchases peak in December and dip in August', async () => {
    const perDay = async (month: number): Promise<number> =>
      value(`SELECT count(*) / count(DISTINCT CAST(ordered_at AS DATE)) AS v FROM t_orders WHERE month(ordered_at) = ${month}`);
    expect(await perDay(12)).toBeGreaterThan(1.4 * (await perDay(8)));
  });

  it('sends 8 to 25 contacts a person over three years, and about 5% of new customers were referred', async () => {
    const contacts = await value(`SELECT avg(contacts) AS v FROM facts`);
    expect(contacts).toBeGreaterThan(8);
    expect(contacts).toBeLessThan(25);
    const newPersons = await value(`SELECT count(*) AS v FROM truth_persons WHERE existing_base = '0'`);
    const referred = await value(`SELECT count(*) AS v FROM referrals`);
    expect(Math.abs(referred / newPersons - POPULATION.referredShare)).toBeLessThan(4 * Math.sqrt(0.05 * 0.95 / newPersons) + 0.01);
    expect(await value(`SELECT count(*) AS v FROM truth_persons WHERE referred_by IS NOT NULL`)).toBe(referred);
  });
});

describe('identity fragmentation', () => {
  const email = `lower(trim(i.value))`;
  const phone = `CASE WHEN regexp_replace(i.value, '[^0-9+]', '', 'g') LIKE '+%' THEN regexp_replace(i.value, '[^0-9+]', '', 'g')
    ELSE '+33' || substr(regexp_replace(i.value, '[^0-9]', '', 'g'), 2) END`;

  it('spells one email or phone several ways across records, all normalising to it', async () => {
    expect(await value(`SELECT count(*) AS v FROM (SELECT ${email} FROM truth_identifiers i WHERE type = 'email' GROUP BY 1 HAVING count(DISTINCT value) > 1)`)).toBeGreaterThan(50);
    expect(await value(`SELECT count(*) AS v FROM (SELECT ${phone} FROM truth_identifiers i WHERE type = 'phone' GROUP BY 1 HAVING count(DISTINCT value) > 1)`)).toBeGreaterThan(50);
  });

  it('a normalised email or phone belongs to one person, except shared family emails', async () => {
    const shared = await rows<{ persons: number; linked: boolean }>(
      `SELECT count(DISTINCT i.person_id) AS persons,
         bool_and(p.shared_email_with IS NOT NULL OR EXISTS (SELECT 1 FROM truth_persons q WHERE q.shared_email_with = p.person_id)) AS linked
       FROM truth_identifiers i JOIN truth_persons p USING (person_id) WHERE i.type = 'email' GROUP BY ${email} HAVING count(DISTINCT i.person_id) > 1`,
    );
    expect(shared.length).toBeGreaterThan(0);
    for (const group of shared) expect(group).toEqual({ persons: 2, linked: true });
    expect(await value(`SELECT count(*) AS v FROM (SELECT 1 FROM truth_identifiers i WHERE type = 'phone' GROUP BY ${phone} HAVING count(DISTINCT person_id) > 1)`)).toBe(0);
  });

  it('keeps real typos rare: under 0.5% of a person\'s emails cannot be normalised to his others', async () => {
    const spelt = await value(`SELECT count(*) AS v FROM (SELECT person_id FROM truth_identifiers i WHERE type = 'email' GROUP BY person_id HAVING count(DISTINCT ${email}) > 1)`);
    const total = await value(`SELECT count(*) AS v FROM truth_identifiers WHERE type = 'email'`);
    expect(spelt / total).toBeLessThan(0.005);
  });

  it('links anonymous browsing to the account at login, and keeps never-identified visitors anonymous', async () => {
    expect(
      await value(`SELECT count(*) AS v FROM t_web_events w JOIN t_identifiers i ON i.type = 'anonymous_id' AND i.value = w.anonymous_id
        WHERE w.customer_id IS NULL AND w.at < i.first_seen_at`),
    ).toBeGreaterThan(100);
    expect(
      await value(`SELECT count(*) AS v FROM t_web_events w JOIN t_identifiers i ON i.type = 'anonymous_id' AND i.value = w.anonymous_id
        WHERE w.customer_id IS NOT NULL AND (w.at < i.first_seen_at OR w.customer_id <> i.customer_id)`),
    ).toBe(0);
    expect(await value(`SELECT count(*) AS v FROM t_web_events w WHERE anonymous_id NOT IN (SELECT value FROM t_identifiers WHERE type = 'anonymous_id')`)).toBeGreaterThan(100);
  });

  it('shows a move as conflicting addresses, the newer one updated later', async () => {
    expect(
      await value(`SELECT count(*) AS v FROM (SELECT r.person_id FROM t_customers c JOIN rec r USING (customer_id)
        WHERE c.postcode IS NOT NULL GROUP BY 1 HAVING count(DISTINCT c.postcode) > 1)`),
    ).toBeGreaterThan(20);
  });

  it('has 10 to 30 web events per web user on average', async () => {
    const users = await value(`SELECT count(*) AS v FROM t_customers WHERE source = 'web'`);
    const events = await value(`SELECT count(*) AS v FROM t_web_events WHERE customer_id IS NOT NULL OR anonymous_id IN (SELECT value FROM t_identifiers)`);
    expect(events / users).toBeGreaterThan(10);
    expect(events / users).toBeLessThan(30);
  });
});
