/**
 * What the three transaction models (BG/NBD, Pareto/NBD, MBG/NBD) share: per-customer formulas
 * over (x, t_x, T), so fitting, scoring and CLV are written once over any of them.
 */
import type { CustomerSummary } from './summary.js';

export type TransactionModelName = 'bgnbd' | 'paretonbd' | 'mbgnbd' | 'mbgcnbd';

/** Groups [start, end) of typed columns that share one frequency (see likelihood.ts). */
export interface FrequencyRun {
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly weight: Float64Array;
  readonly start: number;
  readonly end: number;
}

export interface TransactionModel<P extends Readonly<Record<string, number>>> {
  readonly name: TransactionModelName;
  /** Parameter names as in the literature, in the optimiser's order. */
  readonly parameterNames: readonly (keyof P & string)[];
  /** Log-likelihood of one customer. */
  logLikelihood(params: P, x: number, tx: number, T: number): number;
  /** The same, with the terms that depend only on x computed once for all customers with that x. */
  logLikelihoodGivenX(params: P, x: number): (tx: number, T: number) => number;
  /** Probability that the customer is still alive at T. */
  probabilityAlive(params: P, x: number, tx: number, T: number): number;
  /** Expected repeat transactions in (T, T + t] given the customer's history. */
  conditionalExpectedTransactions(params: P, t: number, x: number, tx: number, T: number): number;
  /**
   * Optional: expected repeat transactions in (T, T + t] of a customer alive at T, so that the
   * conditional expectation is this times P(alive). It depends on x and T only, which lets the
   * scoring compute it once per (x, T) or interpolate it in T (scoring.ts); without it, each
   * customer is scored through conditionalExpectedTransactions.
   */
  readonly expectedTransactionsIfAlive?: (params: P, t: number, x: number, T: number) => number;
  /**
   * Optional, for models whose future given the history is a mixture over hidden phases
   * (MBG/CNBD-k: the Erlang phases completed since the last purchase): E[Y(t) | x, t_x, T] =
   * sum_i weights_i(x, t_x, T) x givenPhase_i(t; x, T). The weights (P(alive) included) carry the
   * history; the expectation given a phase depends on x and T only, so the scoring computes it
   * once per (x, T, phase) instead of once per customer (scoring.ts). Without it, each customer is
   * scored through conditionalExpectedTransactions.
   */
  readonly phaseMixture?: PhaseMixture<P>;
  /** Expected repeat transactions in (0, t] of a customer just acquired (population level). */
  expectedTransactions(params: P, t: number): number;
  /**
   * Optional, for the quasi-Newton fit: the weighted log-likelihood of the groups [start, end)
   * of a summary sorted by frequency, all with frequency x, returned, and its gradient with
   * respect to ln(parameter) (parameterNames order) ADDED into `gradient`. The terms that depend
   * on x alone are computed once per call. A model without it is fitted by Nelder-Mead.
   */
  readonly logLikelihoodGradientGivenX?: (params: P, x: number, groups: FrequencyRun, gradient: Float64Array) => number;
  /**
   * Optional: discounted expected residual transactions (DERT) of every customer of `data`, with
   * continuous discounting at ln(1 + discountRate) per period, where the model has a faster form
   * than lifetime.ts's per-period sum (which needs Y concave to skip periods). Used by lifetime.ts.
   */
  readonly residualTransactions?: (params: P, data: CustomerSummary, discountRate: number) => Float64Array;
  /** A reasonable start for the optimiser, from the data's means. */
  startingPoint(meanX: number, meanT: number): P;
}

/** See TransactionModel.phaseMixture. */
export interface PhaseMixture<P extends Readonly<Record<string, number>>> {
  /** P(alive and in phase i at T | x, t_x, T), i = 0.. (they sum to P(alive)). */
  weights(params: P, x: number, tx: number, T: number): Float64Array;
  /** t -> expected repeat transactions in (T, T + t] of a customer alive and in phase i at T. */
  givenPhase(params: P, x: number, T: number, phase: number): (t: number) => number;
}
