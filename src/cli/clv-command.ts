import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors.js';
import { readSummaryFile, summariseTransactions, type Period } from '../value/clv-input.js';
import { writeScores } from '../value/clv-output.js';
import { runClv, type ClvReport } from '../value/clv-run.js';
import { logInterPurchaseTimes } from '../value/clv-regularity.js';
import type { ClvInput } from '../value/clv-input.js';
import { MODEL_REQUESTS, type ModelRequest } from '../value/models/select.js';
import { formatNumber, table } from './format.js';
import { isoDate, jsonOption, positiveInteger, printJson } from './option-values.js';

interface ClvOptions {
  transactions?: string;
  summary?: string;
  customerCol?: string;
  dateCol?: string;
  amountCol?: string;
  costCol?: string;
  calibrationEnd?: Date;
  period: Period;
  model: ModelRequest;
  horizon: number;
  discountRate: number;
  marginRate?: number;
  lifetime?: boolean;
  out?: string;
  json?: boolean;
}

const PERIODS_PER_YEAR: Record<Period, number> = { day: 365.25, week: 52.1775, month: 12 };

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 10) throw new InvalidArgumentError('expected a rate such as 0.1 (10%)');
  return n;
}

const REASONS: Record<ClvReport['choice']['reason'], string> = {
  requested: 'as requested',
  lowest_holdout_error: 'lowest holdout error',
  lowest_bic: 'lowest BIC (no holdout)',
  comparable_without_alive_flaw: 'BG/NBD measured slightly better, but this model is comparable and does not set P(alive) = 1 for customers without repeat purchase',
};

/** Every candidate of --model auto, and why the chosen one was kept. */
function printCandidates(report: ClvReport): void {
  if (report.requestedModel !== 'auto') return;
  const figure = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits));
  console.log(table(['candidate', 'parameters', 'log-likelihood', 'BIC', 'holdout MAE', ''], report.candidates.map((c) => [
    c.name,
    c.parameters ? Object.entries(c.parameters).map(([k, v]) => `${k}=${Number(v.toPrecision(4))}`).join(' ') : (c.error ?? '-'),
    figure(c.logLikelihood, 1),
    figure(c.bic, 1),
    figure(c.holdoutError, 4),
    c.chosen ? 'chosen' : '',
  ])));
  console.log(`model: ${report.model}, ${REASONS[report.choice.reason]}\n`);
}

function printReport(report: ClvReport): void {
  printCandidates(report);
  console.log(`${report.model}: ${report.customers.toLocaleString('en-US')} customers in ${report.groups.toLocaleString('en-US')} groups, log-likelihood ${formatNumber(report.logLikelihood)}, ${report.converged ? 'converged' : 'NOT converged'}`);
  console.log(table(['parameter', 'estimate', 'std error'], Object.entries(report.params).map(([k, v]) => [k, Number(v.toPrecision(5)), Number((report.standardErrors[k] ?? NaN).toPrecision(3))])));
  if (report.pAliveNotEstimable > 0) {
    console.log(`P(alive) of the ${report.pAliveNotEstimable.toLocaleString('en-US')} customers without repeat purchase is 1 by construction under BG/NBD: not an estimate`);
  }
  if (report.spend) {
    console.log(`\nGamma-Gamma spend: p ${report.spend.p.toPrecision(4)}, q ${report.spend.q.toPrecision(4)}, v ${report.spend.v.toPrecision(4)} (${report.spend.customers} repeat customers; frequency-spend correlation ${report.spend.frequencySpendCorrelation.toFixed(3)}${Math.abs(report.spend.frequencySpendCorrelation) > 0.3 ? ': too strong for the Gamma-Gamma assumption' : ''})`);
  }
  if (report.holdout) {
    const h = report.holdout;
    console.log(`\nholdout (${h.periods} periods): predicted ${formatNumber(h.predictedTotal)} vs actual ${formatNumber(h.actualTotal)} repeat transactions, MAE ${h.mae.toFixed(3)} per customer`);
    console.log(table(['calibration frequency', 'customers', 'predicted', 'actual'], h.byFrequency.map((g) => [g.frequency, g.customers, g.predicted === null ? '-' : g.predicted.toFixed(3), g.actual === null ? '-' : g.actual.toFixed(3)])));
    const last = h.tracking[h.tracking.length - 1];
    if (last) console.log(`cumulative repeat transactions at period ${last.period}: expected ${formatNumber(last.expected)}, actual ${formatNumber(last.actual)}`);
  }
}

/** MBG/CNBD-k (asked for, or a candidate of auto) needs litt, which only purchase dates give. */
async function withRegularity(input: ClvInput, options: ClvOptions): Promise<ClvInput> {
  if (!options.transactions || !options.customerCol || !options.dateCol) return input;
  if ((options.model !== 'auto' && options.model !== 'mbgcnbd') || input.ids === null) return input;
  const litt = await logInterPurchaseTimes(
    options.transactions,
    { customer: options.customerCol, date: options.dateCol },
    { period: options.period, calibrationEnd: input.calibrationEnd },
    input.ids,
  );
  return { ...input, litt };
}

export function clvCommand(): Command {
  return new Command('clv')
    .description('fit lifetime-value models (BG/NBD, Pareto/NBD, MBG/NBD, MBG/CNBD-k + Gamma-Gamma, or auto: chosen by measurement) on any transaction or summary file')
    .option('--transactions <file>', 'one row per transaction (CSV, Parquet or JSON Lines)')
    .option('--summary <file>', 'one row per customer with frequency, recency, T[, monetary_value]')
    .option('--customer-col <name>', 'customer column of --transactions')
    .option('--date-col <name>', 'date column of --transactions')
    .option('--amount-col <name>', 'amount column of --transactions')
    .option('--cost-col <name>', 'cost column of --transactions: values CLV on margin')
    .option('--calibration-end <date>', 'fit on data up to this date and compare predictions with what followed', isoDate)
    .addOption(new Option('--period <period>', 'time unit').choices(['day', 'week', 'month']).default('week'))
    .addOption(
      new Option('--model <model>', 'transaction model; auto fits all and keeps the lowest holdout error (with --calibration-end), else the lowest BIC')
        .choices(MODEL_REQUESTS)
        .default('bgnbd'),
    )
    .option('--horizon <n>', 'CLV horizon in periods', positiveInteger, 52)
    .option('--discount-rate <r>', 'yearly discount rate', rate, 0.1)
    .option('--lifetime', "also value each customer over his whole remaining life (discounted expected residual transactions): a clv_lifetime column in --out; needs --discount-rate > 0")
    .option('--margin-rate <r>', 'share of spend kept as margin (default: from --cost-col, else 1 = revenue)', rate)
    .option('--out <file>', 'write one row per customer (CSV, or Parquet for a .parquet name)')
    .addOption(jsonOption())
    .action(async (options: ClvOptions) => {
      if (Boolean(options.transactions) === Boolean(options.summary)) {
        throw new UsageError('give either --transactions FILE (with --customer-col, --date-col, --amount-col) or --summary FILE');
      }
      let input;
      if (options.transactions) {
        if (!options.customerCol || !options.dateCol || !options.amountCol) {
          throw new UsageError('--transactions needs --customer-col, --date-col and --amount-col');
        }
        input = await summariseTransactions(
          options.transactions,
          { customer: options.customerCol, date: options.dateCol, amount: options.amountCol, cost: options.costCol },
          { period: options.period, calibrationEnd: options.calibrationEnd },
        );
        input = await withRegularity(input, options);
      } else {
        input = await readSummaryFile(options.summary as string);
      }
      const perPeriod = Math.pow(1 + options.discountRate, 1 / PERIODS_PER_YEAR[options.period]) - 1;
      const { report, scores } = runClv(input, {
        model: options.model,
        horizon: options.horizon,
        discountRate: perPeriod,
        marginRate: options.marginRate,
        lifetime: options.lifetime,
      });
      if (options.out) await writeScores(options.out, scores);
      if (options.json) printJson(report);
      else printReport(report);
    });
}
