import type { ColumnType, Dialect } from '../store/index.js';
import { sentContact, sql, type Sql } from '../store/index.js';
import { dropTables, replacePerPersonTable, replaceTable, type PipelineStep, type StepContext } from '../kernel/index.js';

type Merge = 'sum' | 'min' | 'max';

/** The columns partial aggregates may fill, with their type and how partial rows combine. */
const FACT_COLUMNS: Record<string, { type: ColumnType; merge: Merge }> = {
  first_purchase: { type: 'timestamp', merge: 'min' },
  last_purchase: { type: 'timestamp', merge: 'max' },
  orders: { type: 'int', merge: 'sum' },
  occasions: { type: 'int', merge: 'sum' },
  revenue: { type: 'money', merge: 'sum' },
  cost_of_goods: { type: 'money', merge: 'sum' },
  gross_margin: { type: 'money', merge: 'sum' },
  refunded: { type: 'money', merge: 'sum' },
  returned_margin: { type: 'float', merge: 'sum' },
  returns: { type: 'int', merge: 'sum' },
  channels: { type: 'string', merge: 'max' },
  categories: { type: 'int', merge: 'sum' },
  category_list: { type: 'string', merge: 'max' },
  tickets: { type: 'int', merge: 'sum' },
  complaints: { type: 'int', merge: 'sum' },
  ticket_cost: { type: 'float', merge: 'sum' },
  contacts: { type: 'int', merge: 'sum' },
  contact_cost: { type: 'float', merge: 'sum' },
  acquisition_cost: { type: 'money', merge: 'sum' },
  first_signup: { type: 'timestamp', merge: 'min' },
  latest_nps: { type: 'int', merge: 'max' },
  latest_csat: { type: 'int', merge: 'max' },
};

/** One partial aggregate: a query grouped by person_id that fills some of the fact columns. */
function branch(dialect: Dialect, from: Sql, filled: Record<string, Sql>): Sql {
  const columns = Object.entries(FACT_COLUMNS).map(([name, { type }]) => {
    const value = filled[name] ?? sql`NULL`;
    return sql`${dialect.castToNullable(value, type)} AS ${sql.id(name)}`;
  });
  return sql`SELECT person_id, ${sql.join(columns)} FROM ${from} GROUP BY person_id`;
}

function costCase(column: Sql, costs: Record<string, number>, fallback: number): Sql {
  const cases = Object.entries(costs).map(([k, v]) => sql`WHEN ${k} THEN ${v}`);
  return cases.length > 0 ? sql`CASE ${column} ${sql.join(cases, ' ')} ELSE ${fallback} END` : sql`${fallback}`;
}

const SCRATCH = ['person_orders', 'line_categories', 'person_categories', 'person_returns', 'person_tickets', 'person_contacts', 'person_records', 'person_surveys', 'customer_fact_parts'];

/**
 * Customer facts as of a date, per person: purchases, revenue and margin, returns, service,
 * marketing and acquisition costs, categories and channels, satisfaction. Built from partial
 * aggregates (one join each) merged by a UNION ALL and one GROUP BY, so the SQL needs neither
 * CTEs nor window functions nor multi-join queries (ClickHouse 18.16 runs it too).
 */
export const customerFacts: PipelineStep = {
  name: 'customer_facts',
  reads: ['order_facts', 'customer_persons', 'order_lines', 'products', 'returns', 'tickets', 'contacts', 'customers', 'surveys'],
  writes: ['customer_facts', 'customer_period_value'],
  requires: [],
  async run(context: StepContext) {
    const { engine, asOf, config } = context;
    const d = engine.dialect;
    const costs = config.value.costs;
    await replaceTable(engine, 'person_orders', sql`SELECT p.person_id AS person_id, o.* FROM order_facts AS o
      JOIN customer_persons AS p ON p.customer_id = o.customer_id`);
    await replaceTable(engine, 'line_categories', sql`SELECT DISTINCT l.order_id AS order_id, p.category AS category
      FROM order_lines AS l JOIN products AS p ON p.sku = l.sku`);
    await replaceTable(engine, 'person_categories', sql`SELECT DISTINCT o.person_id AS person_id, c.category AS category
      FROM line_categories AS c JOIN person_orders AS o ON o.order_id = c.order_id`);
    await replaceTable(engine, 'person_returns', sql`SELECT o.person_id AS person_id, r.return_id AS return_id, r.returned_at AS happened_at
      FROM returns AS r JOIN person_orders AS o ON o.order_id = r.order_id WHERE r.returned_at <= ${asOf}`);
    await replaceTable(engine, 'person_tickets', sql`SELECT p.person_id AS person_id, t.type AS type, t.opened_at AS happened_at,
      coalesce(${d.cast(sql`t.handling_cost`, 'float')}, ${costCase(sql`t.type`, costs.ticketByType, costs.ticketDefault)}) AS cost
      FROM tickets AS t JOIN customer_persons AS p ON p.customer_id = t.customer_id WHERE t.opened_at <= ${asOf}`);
    await replaceTable(engine, 'person_contacts', sql`SELECT p.person_id AS person_id, c.sent_at AS happened_at,
      coalesce(${d.cast(sql`c.unit_cost`, 'float')}, ${costCase(sql`c.channel`, costs.contactByChannel, 0)}) AS cost
      FROM contacts AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id WHERE c.sent_at <= ${asOf} AND ${sentContact('c')}`);
    await replaceTable(engine, 'person_records', sql`SELECT p.person_id AS person_id, c.acquisition_cost AS acquisition_cost,
      c.signup_at AS signup_at FROM customers AS c JOIN customer_persons AS p ON p.customer_id = c.customer_id
      WHERE c.signup_at IS NULL OR c.signup_at <= ${asOf}`);
    await replaceTable(engine, 'person_surveys', sql`SELECT p.person_id AS person_id, s.kind AS kind, s.score AS score, s.at AS answered_at
      FROM surveys AS s JOIN customer_persons AS p ON p.customer_id = s.customer_id WHERE s.at <= ${asOf}`);

    const parts = [
      // The order columns are renamed: ClickHouse resolves a name to a SELECT alias first, and the
      // facts `revenue` and `refunded` would shadow the columns the returned margin reads.
      branch(d, sql`(SELECT person_id, ordered_at, channel, cost, revenue AS order_revenue, margin AS order_margin,
          refunded AS order_refunded FROM person_orders) AS o`, {
        first_purchase: sql`min(ordered_at)`,
        last_purchase: sql`max(ordered_at)`,
        orders: sql`count(*)`,
        occasions: sql`count(DISTINCT ${d.dateOf(sql`ordered_at`)})`,
        revenue: sql`sum(order_revenue)`,
        cost_of_goods: sql`sum(cost)`,
        gross_margin: sql`sum(order_margin)`,
        refunded: sql`sum(order_refunded)`,
        // A refund loses the order's margin on the refunded amount (the goods come back to stock).
        returned_margin: sql`sum(CASE WHEN order_revenue > 0
          THEN CAST(order_refunded AS DOUBLE) * CAST(order_margin AS DOUBLE) / CAST(order_revenue AS DOUBLE) ELSE 0 END)`,
        channels: d.distinctList(sql`channel`),
      }),
      branch(d, sql`person_categories`, { categories: sql`count(*)`, category_list: d.distinctList(sql`category`) }),
      branch(d, sql`person_returns`, { returns: sql`count(*)` }),
      branch(d, sql`person_tickets`, {
        tickets: sql`count(*)`,
        complaints: sql`sum(${d.flag(sql`type = 'complaint'`)})`,
        ticket_cost: sql`sum(cost)`,
      }),
      branch(d, sql`person_contacts`, { contacts: sql`count(*)`, contact_cost: sql`sum(cost)` }),
      branch(d, sql`person_records`, { acquisition_cost: sql`sum(acquisition_cost)`, first_signup: sql`min(signup_at)` }),
      branch(d, sql`(SELECT * FROM person_surveys WHERE kind = 'nps')`, { latest_nps: d.argMax(sql`score`, sql`answered_at`) }),
      branch(d, sql`(SELECT * FROM person_surveys WHERE kind = 'csat')`, { latest_csat: d.argMax(sql`score`, sql`answered_at`) }),
    ];
    const merged = Object.entries(FACT_COLUMNS).map(([name, { merge }]) => sql`${sql.raw(merge)}(${sql.id(name)}) AS ${sql.id(name)}`);
    // Per person, from tables sharded by the person: on a cluster each shard makes its own persons'
    // rows. Made on the query node, the merge of eight aggregates of every person at once needed
    // more than 2 GB at 1M persons (each aggregate spills alone, not their sum).
    await replacePerPersonTable(engine, 'customer_fact_parts', sql`SELECT person_id, ${sql.join(merged)}
      FROM (${sql.join(parts, ' UNION ALL ')}) AS parts GROUP BY person_id`);
    await replacePerPersonTable(engine, 'customer_facts', factsWithDerived(d, asOf, costs.returnHandling, costs.acquisitionAmortisationMonths));
    await replacePerPersonTable(engine, 'customer_period_value', periodValue(d, costs.returnHandling));
    await dropTables(engine, SCRATCH);
  },
};

/**
 * Contribution per person and calendar month, before acquisition: what the customer brought and
 * cost in each month (the trend of his profitability).
 */
function periodValue(d: Dialect, returnHandling: number): Sql {
  const money = (e: Sql): Sql => sql`CAST(${e} AS DOUBLE)`;
  const part = (from: string, when: string, values: { revenue?: Sql; margin?: Sql; returned?: Sql; service?: Sql; marketing?: Sql }): Sql =>
    sql`SELECT person_id, ${d.monthOf(sql.id(when))} AS period,
      ${values.revenue ?? sql`0.0`} AS part_revenue, ${values.margin ?? sql`0.0`} AS part_margin,
      ${values.returned ?? sql`0.0`} AS part_returned, ${values.service ?? sql`0.0`} AS part_service,
      ${values.marketing ?? sql`0.0`} AS part_marketing FROM ${sql.id(from)}`;
  const parts = [
    part('person_orders', 'ordered_at', {
      revenue: money(sql`revenue`),
      margin: money(sql`margin`),
      returned: sql`CASE WHEN revenue > 0 THEN ${money(sql`refunded`)} * ${money(sql`margin`)} / ${money(sql`revenue`)} ELSE 0.0 END`,
    }),
    part('person_returns', 'happened_at', { service: sql`${returnHandling * 1.0}` }),
    part('person_tickets', 'happened_at', { service: sql`cost` }),
    part('person_contacts', 'happened_at', { marketing: sql`cost` }),
  ];
  // The parts' columns have names of their own: ClickHouse would read `gross_margin` in the
  // contribution as the alias sum(gross_margin), an aggregate inside an aggregate.
  return sql`SELECT person_id, period, sum(part_revenue) AS revenue, sum(part_margin) AS gross_margin,
    sum(part_returned) AS returned_margin, sum(part_service) AS cost_to_serve, sum(part_marketing) AS contact_cost,
    sum(part_margin) - sum(part_returned) - sum(part_service) - sum(part_marketing) AS contribution
    FROM (${sql.join(parts, ' UNION ALL ')}) AS parts GROUP BY person_id, period`;
}

/** Tenure, recency, average basket and net contribution on top of the merged facts. */
function factsWithDerived(d: Dialect, asOf: Date, returnHandling: number, amortisationMonths: number): Sql {
  const zero = (column: string): Sql => sql`coalesce(${sql.id(column)}, 0)`;
  const since = sql`coalesce(first_signup, first_purchase)`;
  const tenureDays = d.daysBetween(since, sql`${asOf}`);
  const amortised =
    amortisationMonths === 0
      ? sql`CAST(${zero('acquisition_cost')} AS DOUBLE)`
      : sql`CAST(${zero('acquisition_cost')} AS DOUBLE) * least(1.0, greatest(0.0, ${tenureDays} / ${amortisationMonths * 30.4375}))`;
  const serviceCost = sql`(${zero('ticket_cost')} + ${zero('returns')} * ${returnHandling})`;
  return sql`SELECT person_id, ${sql`${asOf}`} AS as_of, first_purchase, last_purchase,
    ${zero('orders')} AS orders, ${zero('occasions')} AS occasions,
    ${zero('revenue')} AS revenue, ${zero('cost_of_goods')} AS cost_of_goods, ${zero('gross_margin')} AS gross_margin,
    ${zero('refunded')} AS refunded, ${zero('returns')} AS returns, ${zero('returned_margin')} AS returned_margin,
    channels, ${zero('categories')} AS categories, category_list,
    ${zero('tickets')} AS tickets, ${zero('complaints')} AS complaints, ${zero('ticket_cost')} AS ticket_cost,
    ${zero('contacts')} AS contacts, ${zero('contact_cost')} AS contact_cost,
    ${zero('acquisition_cost')} AS acquisition_cost, ${amortised} AS acquisition_amortised,
    first_signup, latest_nps, latest_csat,
    ${tenureDays} AS tenure_days,
    ${d.daysBetween(sql`last_purchase`, sql`${asOf}`)} AS recency_days,
    CASE WHEN ${zero('orders')} > 0 THEN CAST(revenue AS DOUBLE) / orders END AS average_basket,
    ${serviceCost} AS cost_to_serve,
    CAST(${zero('gross_margin')} AS DOUBLE) - ${zero('returned_margin')} - ${serviceCost} - ${zero('contact_cost')} - ${amortised}
      AS net_contribution
    FROM customer_fact_parts`;
}
