import { classSummary, type ClassDimension } from '../segments/index.js';
import { sql, type Engine } from '../store/index.js';
import { formatNumber, table } from './format.js';

/** What the pipeline found: RFM segments with their weight in revenue, and the fitted CLV model. */
export async function printValueSummary(engine: Engine): Promise<void> {
  const segments = await engine.query<{ segment: string; customers: number; revenue: number; clv: number | null }>(sql`
    SELECT r.segment AS segment, count(*) AS customers, sum(CAST(r.monetary AS DOUBLE)) AS revenue, sum(c.clv) AS clv
    FROM customer_rfm AS r LEFT JOIN customer_clv AS c ON c.person_id = r.person_id
    GROUP BY r.segment ORDER BY revenue DESC`);
  const totalRevenue = segments.reduce((s, r) => s + Number(r.revenue), 0) || 1;
  const totalCustomers = segments.reduce((s, r) => s + Number(r.customers), 0) || 1;
  console.log('\nRFM segments of the buyers');
  console.log(
    table(
      ['segment', 'customers', '% customers', '% revenue', 'predicted CLV'],
      segments.map((r) => [
        r.segment,
        Number(r.customers),
        Number(((100 * Number(r.customers)) / totalCustomers).toFixed(1)),
        Number(((100 * Number(r.revenue)) / totalRevenue).toFixed(1)),
        r.clv === null ? 0 : Math.round(Number(r.clv)),
      ]),
    ),
  );
  const [model] = await engine.query<{ model: string; params?: string; converged?: boolean; skipped?: string } & ModelChoiceRow>(sql`SELECT * FROM clv_model`);
  if (model?.params) {
    const params = Object.entries(JSON.parse(model.params) as Record<string, number>)
      .map(([k, v]) => `${k} ${formatNumber(v)}`)
      .join(', ');
    console.log(`\nlifetime value: ${model.model} (${params})${model.converged ? '' : ', not converged'}${choiceText(model)}`);
  } else if (model?.skipped) {
    console.log(`\nlifetime value not predicted: ${model.skipped}`);
  }
}

type ModelChoiceRow = {
  requested_model?: string;
  choice_reason?: string;
  candidates?: string;
};

const CHOICE_REASONS: Record<string, string> = {
  lowest_bic: 'lowest BIC',
  lowest_holdout_error: 'lowest holdout error',
  comparable_without_alive_flaw: 'as good as BG/NBD (docs/value.md) without its P(alive) = 1 for one-time buyers',
};

/** How `value.clv.model: auto` chose the model, empty when a model was configured by name. */
function choiceText(model: ModelChoiceRow): string {
  if (model.requested_model !== 'auto' || !model.candidates) return '';
  const fitted = (JSON.parse(model.candidates) as { parameters: unknown }[]).filter((c) => c.parameters !== null).length;
  return `, chosen among ${fitted}: ${CHOICE_REASONS[model.choice_reason ?? ''] ?? model.choice_reason}`;
}

const CLASS_TITLES: readonly [ClassDimension, string][] = [
  ['value_tier', 'Value tiers'],
  ['grid', 'Revenue x profitability grid'],
  ['digital_type', 'Digital-maturity types'],
];

/** The main classes of the buyers with their weight in customers, revenue and contribution. */
export async function printClassSummary(engine: Engine): Promise<void> {
  for (const [dimension, title] of CLASS_TITLES) {
    const rows = await classSummary(engine, dimension);
    console.log(`\n${title}`);
    console.log(
      table(
        ['class', 'customers', '% customers', '% revenue', 'net contribution', 'predicted CLV'],
        rows.map((r) => [r.class, r.customers, Number((100 * r.customerShare).toFixed(1)), Number((100 * r.revenueShare).toFixed(1)),
          Math.round(r.netContribution), Math.round(r.clv)]),
      ),
    );
  }
}
