/**
 * Maximum-likelihood fitting of the transaction models on compressed summaries, and per-customer
 * scoring. Parameters are optimised on the log scale so they stay positive.
 */
import { ModelFitError, ModelInputError } from './errors.js';
import { invertMatrix, nelderMead, numericalHessian } from './optimize.js';
import { compressSummary, type CompressedSummary, type CustomerSummary } from './summary.js';
import type { TransactionModel } from './transaction-model.js';

export interface FitOptions<P> {
  /** L2 penalty on the parameters (as lifetimes' `penalizer_coef`); 0 by default. */
  readonly penalizer?: number;
  readonly start?: Partial<P>;
  readonly maxIterations?: number;
}

export interface Convergence {
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly restarts: number;
  readonly converged: boolean;
}

export interface FitResult<P> extends Convergence {
  readonly params: P;
  /** From the observed information (numerical Hessian on the log scale, delta method); NaN when singular. */
  readonly standardErrors: Record<keyof P & string, number>;
  readonly customers: number;
  readonly groups: number;
}

export function isCompressed(summary: CustomerSummary | CompressedSummary): summary is CompressedSummary {
  return 'weight' in summary;
}

/** Fits by maximum likelihood; throws ModelFitError rather than return a non-finite or unconverged fit. */
export function fitTransactionModel<P extends Readonly<Record<string, number>>>(
  model: TransactionModel<P>,
  summary: CustomerSummary | CompressedSummary,
  options: FitOptions<P> = {},
): FitResult<P> {
  const data = isCompressed(summary) ? summary : compressSummary(summary);
  if (data.customers === 0) throw new ModelInputError(`${model.name}: no customers to fit`);
  const names = model.parameterNames;
  const toParams = (logPoint: ArrayLike<number>): P =>
    Object.fromEntries(names.map((name, i) => [name, Math.exp(logPoint[i] ?? 0)])) as unknown as P;
  const totalLogLikelihood = (logPoint: ArrayLike<number>): number => weightedLogLikelihood(model, toParams(logPoint), data);
  const penalizer = options.penalizer ?? 0;
  const objective = (logPoint: Float64Array): number => {
    const ll = totalLogLikelihood(logPoint);
    let penalty = 0;
    if (penalizer > 0) for (const v of logPoint) penalty += Math.exp(2 * v);
    return -ll / data.customers + penalizer * penalty;
  };
  const start = startingLogPoint(model, data, options.start);
  const result = nelderMead(objective, start, { maxIterations: options.maxIterations ?? 5000 });
  const params = toParams(result.point);
  const logLikelihood = totalLogLikelihood(result.point);
  const paramsRecord = params as Readonly<Record<string, number>>;
  if (!Number.isFinite(logLikelihood) || names.some((n) => !Number.isFinite(paramsRecord[n]))) {
    throw new ModelFitError(model.name, 'the fit ended on a non-finite log-likelihood or parameter', result.iterations, logLikelihood, paramsRecord);
  }
  if (!result.converged) {
    throw new ModelFitError(model.name, `no convergence after ${result.iterations} iterations`, result.iterations, logLikelihood, paramsRecord);
  }
  return {
    params,
    standardErrors: standardErrors(names, result.point, (p) => -totalLogLikelihood(p)),
    logLikelihood,
    iterations: result.iterations,
    evaluations: result.evaluations,
    restarts: result.restarts,
    converged: result.converged,
    customers: data.customers,
    groups: data.x.length,
  };
}

/** Sum over groups of weight x per-customer log-likelihood. */
export function weightedLogLikelihood<P extends Readonly<Record<string, number>>>(
  model: TransactionModel<P>,
  params: P,
  data: CompressedSummary,
): number {
  const byX = new Map<number, (tx: number, T: number) => number>();
  let total = 0;
  for (let g = 0; g < data.x.length; g++) {
    const x = data.x[g] ?? 0;
    let given = byX.get(x);
    if (!given) {
      given = model.logLikelihoodGivenX(params, x);
      byX.set(x, given);
    }
    total += (data.weight[g] ?? 0) * given(data.tx[g] ?? 0, data.T[g] ?? 0);
  }
  return total;
}

function startingLogPoint<P extends Readonly<Record<string, number>>>(
  model: TransactionModel<P>,
  data: CompressedSummary,
  given: Partial<P> | undefined,
): Float64Array {
  let sumX = 0;
  let sumT = 0;
  for (let g = 0; g < data.x.length; g++) {
    sumX += (data.weight[g] ?? 0) * (data.x[g] ?? 0);
    sumT += (data.weight[g] ?? 0) * (data.T[g] ?? 0);
  }
  const start: Readonly<Record<string, number>> = { ...model.startingPoint(sumX / data.customers, sumT / data.customers), ...given };
  return Float64Array.from(model.parameterNames.map((name) => Math.log(start[name] ?? 1)));
}

/** Standard errors from the negative log-likelihood's Hessian on the log scale: se(theta) = theta se(ln theta). */
export function standardErrors(
  names: readonly string[],
  logPoint: ArrayLike<number>,
  negativeLogLikelihood: (p: Float64Array) => number,
): Record<string, number> {
  const covariance = invertMatrix(numericalHessian(negativeLogLikelihood, logPoint));
  return Object.fromEntries(
    names.map((name, i) => {
      const variance = covariance?.[i]?.[i] ?? NaN;
      return [name, variance > 0 ? Math.exp(logPoint[i] ?? 0) * Math.sqrt(variance) : NaN];
    }),
  );
}

/** Applies a per-customer formula to every group of a summary (then `expandToCustomers` if needed). */
export function perGroup(data: CustomerSummary, formula: (x: number, tx: number, T: number) => number): Float64Array {
  const out = new Float64Array(data.x.length);
  for (let g = 0; g < out.length; g++) out[g] = formula(data.x[g] ?? 0, data.tx[g] ?? 0, data.T[g] ?? 0);
  return out;
}

export function probabilityAlive<P extends Readonly<Record<string, number>>>(
  model: TransactionModel<P>,
  params: P,
  data: CustomerSummary,
): Float64Array {
  return perGroup(data, (x, tx, T) => model.probabilityAlive(params, x, tx, T));
}

export function conditionalExpectedTransactions<P extends Readonly<Record<string, number>>>(
  model: TransactionModel<P>,
  params: P,
  t: number,
  data: CustomerSummary,
): Float64Array {
  return perGroup(data, (x, tx, T) => model.conditionalExpectedTransactions(params, t, x, tx, T));
}
