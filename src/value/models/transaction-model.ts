/**
 * What the three transaction models (BG/NBD, Pareto/NBD, MBG/NBD) share: per-customer formulas
 * over (x, t_x, T), so fitting, scoring and CLV are written once over any of them.
 */
export type TransactionModelName = 'bgnbd' | 'paretonbd' | 'mbgnbd' | 'mbgcnbd';

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
  /** Expected repeat transactions in (0, t] of a customer just acquired (population level). */
  expectedTransactions(params: P, t: number): number;
  /** A reasonable start for the optimiser, from the data's means. */
  startingPoint(meanX: number, meanT: number): P;
}
