import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors.js';
import { readSummaryFile, summariseTransactions, type Period } from '../value/clv-input.js';
import { writeScores } from '../value/clv-output.js';
import { runClv, type ClvReport } from '../value/clv-run.js';
import type { TransactionModelName } from '../value/models/index.js';
import { formatNumber, table } from './format.js';
import { isoDate, jsonOption, positiveInteger, printJson } from './options.js';

interface ClvOptions {
  transactions?: string;
  summary?: string;
  customerCol?: string;
  dateCol?: string;
  amountCol?: string;
  costCol?: string;
  calibrationEnd?: Date;
  period: Period;
  model: TransactionModelName;
  horizon: number;
  discountRate: number;
  marginRate?: number;
  out?: string;
  json?: boolean;
}

const PERIODS_PER_YEAR: Record<Period, number> = { day: 365.25, week: 52.1775, month: 12 };

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 10) throw new InvalidArgumentError('expected a rate such as 0.1 (10%)');
  return n;
}

function printReport(report: ClvReport): void {
  console.log(`${report.model}: ${report.customers.toLocaleString('en-US')} customers in ${report.groups.toLocaleString('en-US')} groups, log-likelihood ${formatNumber(report.logLikelihood)}, ${report.converged ? 'converged' : 'NOT converged'}`);
  console.log(table(['parameter', 'estimate', 'std error'], Object.entries(report.params).map(([k, v]) => [k, Number(v.toPrecision(5)), Number((report.standardErrors[k] ?? NaN).toPrecision(3))])));
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

export function clvCommand(): Command {
  return new Command('clv')
    .description('fit lifetime-value models (BG/NBD, Pareto/NBD, MBG/NBD + Gamma-Gamma) on any transaction or summary file')
    .option('--transactions <file>', 'one row per transaction (CSV, Parquet or JSON Lines)')
    .option('--summary <file>', 'one row per customer with frequency, recency, T[, monetary_value]')
    .option('--customer-col <name>', 'customer column of --transactions')
    .option('--date-col <name>', 'date column of --transactions')
    .option('--amount-col <name>', 'amount column of --transactions')
    .option('--cost-col <name>', 'cost column of --transactions: values CLV on margin')
    .option('--calibration-end <date>', 'fit on data up to this date and compare predictions with what followed', isoDate)
    .addOption(new Option('--period <period>', 'time unit').choices(['day', 'week', 'month']).default('week'))
    .addOption(new Option('--model <model>', 'transaction model').choices(['bgnbd', 'paretonbd', 'mbgnbd']).default('bgnbd'))
    .option('--horizon <n>', 'CLV horizon in periods', positiveInteger, 52)
    .option('--discount-rate <r>', 'yearly discount rate', rate, 0.1)
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
      } else {
        input = await readSummaryFile(options.summary as string);
      }
      const perPeriod = Math.pow(1 + options.discountRate, 1 / PERIODS_PER_YEAR[options.period]) - 1;
      const { report, scores } = runClv(input, {
        model: options.model,
        horizon: options.horizon,
        discountRate: perPeriod,
        marginRate: options.marginRate,
      });
      if (options.out) await writeScores(options.out, scores);
      if (options.json) printJson(report);
      else printReport(report);
    });
}
