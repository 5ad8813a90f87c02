import type { ClvInput } from './clv-input.js';
// From each model's file, not the models' index: the index also exports the simulators, which
// bring the data generator into every `fidelis clv` start.
import { conditionalExpectedTransactions } from './models/fit.js';
import { expectedSpend, fitGammaGamma } from './models/gamma-gamma.js';
import { compareHoldout, cumulativeTracking } from './models/holdout.js';
import { totalLogInterPurchaseTimes } from './models/mbg-cnbd-k.js';
import { scoreCustomers } from './models/scoring.js';
import { compressSummary } from './models/summary.js';
import type { TransactionModel, TransactionModelName } from './models/transaction-model.js';
import { aliveUnknownWithoutRepeat, selectModel, type Candidate, type FittedModel, type ModelRequest, type ModelSelection } from './models/select.js';
import { customerResidualValue } from './models/lifetime.js';

type AnyModel = TransactionModel<Readonly<Record<string, number>>>;

export interface ClvRunOptions {
  /** A model by name, or 'auto': chosen by holdout error when the input has a holdout, else by BIC. */
  readonly model: ModelRequest;
  readonly horizon: number;
  readonly discountRate: number;
  /** Margin over revenue applied to spend; per customer from the input's costs when absent and known, else 1 (revenue). */
  readonly marginRate?: number | undefined;
  /** Also value each customer over his remaining life (DERT, src/value/models/lifetime.ts): the `clv_lifetime` column. */
  readonly lifetime?: boolean | undefined;
}

/** One value per customer of the input, in its order: the `--out` file's columns. */
export interface ClvScores {
  /** Null when the ids stay in the summary file (ClvInput.source). */
  readonly id: readonly string[] | null;
  readonly source?: ClvInput['source'];
  readonly frequency: Float64Array;
  readonly recency: Float64Array;
  readonly T: Float64Array;
  readonly monetary: Float64Array;
  readonly p_alive: Float64Array;
  readonly expected_transactions: Float64Array;
  readonly expected_spend: Float64Array;
  readonly clv: Float64Array;
  /** With `lifetime`: his value over his remaining life (DERT). */
  readonly clv_lifetime?: Float64Array;
}

export interface ClvReport {
  readonly model: TransactionModelName;
  readonly params: Record<string, number>;
  readonly standardErrors: Record<string, number>;
  readonly logLikelihood: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly spend: { p: number; q: number; v: number; customers: number; frequencySpendCorrelation: number; converged: boolean } | null;
  readonly customers: number;
  readonly groups: number;
  readonly horizon: number;
  readonly discountRate: number;
  readonly valuedOn: 'margin' | 'revenue';
  readonly calibrationEnd: string;
  readonly observationEnd: string;
  readonly holdout: ReturnType<typeof holdoutReport> | null;
  /** What was asked ('auto' or a name), how the model was chosen, and every candidate's figures. */
  readonly requestedModel: ModelRequest;
  readonly choice: { readonly basis: ModelSelection['basis']; readonly reason: ModelSelection['reason'] };
  readonly candidates: readonly Candidate[];
  /** Customers without repeat purchase whose P(alive) is 1 by construction (BG/NBD), so not an estimate. */
  readonly pAliveNotEstimable: number;
}

/** Fits the models on the summary, predicts per customer, and compares with the holdout when there is one. */
export function runClv(input: ClvInput, options: ClvRunOptions): { report: ClvReport; scores: ClvScores } {
  const summary = { x: input.x, tx: input.tx, T: input.T };
  const selection = chooseModel(input, options.model);
  // Read now (computed on first read, fit.ts), so that the fit's copy of the data is released before the scoring allocates.
  const standardErrors = { ...selection.chosen.standardErrors };
  const { model, params, logLikelihood } = selection.chosen;
  const n = input.x.length;
  const hasSpend = input.monetary.some((m, i) => m > 0 && (input.x[i] ?? 0) > 0);
  const spendFit = hasSpend ? fitGammaGamma(input.x, input.monetary) : null;
  const spend = spendFit ? expectedSpend(spendFit.params, input.x, input.monetary) : new Float64Array(n);
  const margin = new Float64Array(n).fill(1);
  let valuedOn: 'margin' | 'revenue' = 'revenue';
  if (options.marginRate !== undefined) {
    margin.fill(options.marginRate);
    valuedOn = options.marginRate === 1 ? 'revenue' : 'margin';
  } else if (input.marginRate) {
    margin.set(input.marginRate);
    valuedOn = 'margin';
  }
  // P(alive), expected transactions and the discounted sum in one vectorised pass (scoring.ts).
  const scored = scoreCustomers(model, params, summary, { horizon: options.horizon, discountRate: options.discountRate });
  const clv = scored.discounted;
  for (let i = 0; i < n; i++) clv[i] = (clv[i] as number) * (spend[i] as number) * (margin[i] as number);
  const valued = options.lifetime ? Float64Array.from(spend, (s, i) => s * (margin[i] ?? 1)) : null;
  const lifetime = valued ? customerResidualValue(model, params, summary, valued, { discountRate: options.discountRate }) : null;
  const scores: ClvScores = {
    id: input.ids,
    source: input.source,
    frequency: input.x,
    recency: input.tx,
    T: input.T,
    monetary: input.monetary,
    p_alive: scored.alive,
    expected_transactions: scored.expected,
    expected_spend: spend,
    clv,
    ...(lifetime ? { clv_lifetime: lifetime } : {}),
  };
  const report: ClvReport = {
    model: selection.chosen.name,
    params: { ...params },
    standardErrors,
    logLikelihood,
    converged: selection.chosen.converged,
    iterations: selection.chosen.iterations,
    spend: spendFit
      ? {
          p: spendFit.params.p,
          q: spendFit.params.q,
          v: spendFit.params.gamma,
          customers: spendFit.customers,
          frequencySpendCorrelation: spendFit.frequencySpendCorrelation,
          converged: spendFit.converged,
        }
      : null,
    customers: n,
    groups: selection.chosen.groups,
    horizon: options.horizon,
    discountRate: options.discountRate,
    valuedOn,
    calibrationEnd: input.calibrationEnd.toISOString(),
    observationEnd: input.observationEnd.toISOString(),
    holdout: input.holdout ? holdoutReport(model, params, input) : null,
    requestedModel: options.model,
    choice: { basis: selection.basis, reason: selection.reason },
    candidates: selection.candidates,
    pAliveNotEstimable: aliveUnknownWithoutRepeat(selection.chosen.name) ? input.x.filter((x) => x === 0).length : 0,
  };
  return { report, scores };
}

/**
 * The transaction model asked for, or with 'auto' the candidate with the lowest holdout error
 * (when the input has a holdout) or BIC; MBG/CNBD-k takes part when the input has litt.
 */
export function chooseModel(input: ClvInput, request: ModelRequest): ModelSelection {
  const data = compressSummary({ x: input.x, tx: input.tx, T: input.T });
  const holdout = input.holdout;
  const summary = { x: input.x, tx: input.tx, T: input.T };
  const holdoutError = holdout
    ? (fitted: FittedModel): number =>
        compareHoldout(input.x, conditionalExpectedTransactions(fitted.model, fitted.params, holdout.length, summary), holdout.x).meanAbsoluteError
    : undefined;
  const sumLitt = input.litt ? totalLogInterPurchaseTimes({ ...summary, litt: input.litt }) : null;
  return selectModel(request, data, { sumLitt, holdoutError });
}

/**
 * Predicted against actual repeat transactions in the holdout: per customer (MAE), by
 * calibration frequency 0..7+, and the cumulative tracking period by period over the whole file.
 */
function holdoutReport(model: AnyModel, params: Readonly<Record<string, number>>, input: ClvInput) {
  const holdout = input.holdout;
  if (!holdout) throw new Error('no holdout');
  const summary = { x: input.x, tx: input.tx, T: input.T };
  const predicted = conditionalExpectedTransactions(model, params, holdout.length, summary);
  const comparison = compareHoldout(input.x, predicted, holdout.x);
  const tracking = cumulativeTracking({
    births: holdout.births,
    repeatPurchaseTimes: holdout.repeatPeriods,
    checkpoints: Float64Array.from({ length: holdout.end }, (_, k) => k + 1),
    expectedTransactions: (t) => model.expectedTransactions(params, t),
  });
  return {
    periods: holdout.length,
    customers: comparison.customers,
    predictedTotal: comparison.totalPredicted,
    actualTotal: comparison.totalActual,
    mae: comparison.meanAbsoluteError,
    byFrequency: comparison.byFrequency.map((g) => ({
      frequency: g.label,
      customers: g.customers,
      predicted: Number.isFinite(g.meanPredicted) ? g.meanPredicted : null,
      actual: Number.isFinite(g.meanActual) ? g.meanActual : null,
    })),
    tracking: Array.from(tracking.time, (t, k) => ({
      period: t,
      expected: tracking.expected[k] ?? 0,
      actual: tracking.actual[k] ?? 0,
    })),
  };
}
