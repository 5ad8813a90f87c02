/**
 * Lifetime-value models (BG/NBD, Pareto/NBD, MBG/NBD, Gamma-Gamma) as pure functions over typed
 * arrays: sufficient statistics, likelihoods, maximum-likelihood fits, per-customer predictions,
 * CLV and holdout evaluation. No I/O.
 */
export { ModelFitError, ModelInputError, ModelNumericError } from './errors.js';
export { compressSummary, expandToCustomers, validateSummary } from './summary.js';
export type { CompressedSummary, CustomerSummary } from './summary.js';
export type { TransactionModel, TransactionModelName } from './transaction-model.js';
export {
  fitTransactionModel,
  weightedLogLikelihood,
  probabilityAlive,
  conditionalExpectedTransactions,
  perGroup,
} from './fit.js';
export type { Convergence, FitOptions, FitResult } from './fit.js';
export { bgNbd } from './bg-nbd.js';
export type { BgNbdParams } from './bg-nbd.js';
export {
  fitGammaGamma,
  gammaGammaLogLikelihood,
  conditionalExpectedSpend,
  expectedSpend,
  pearsonCorrelation,
  frequencySpendCorrelation,
} from './gamma-gamma.js';
export type { GammaGammaFit, GammaGammaParams } from './gamma-gamma.js';
export { customerLifetimeValue } from './clv.js';
export { scoreCustomers } from './scoring.js';
export type { CustomerScores, ScoreOptions } from './scoring.js';
export type { ClvOptions } from './clv.js';
export { nelderMead } from './optimize.js';
export type { MinimizeOptions, MinimizeResult } from './optimize.js';
export { paretoNbd } from './pareto-nbd.js';
export type { ParetoNbdParams } from './pareto-nbd.js';
export { mbgNbd } from './mbg-nbd.js';
export type { MbgNbdParams } from './mbg-nbd.js';
export { simulateMbgNbd } from './mbg-nbd-simulation.js';
export { compareHoldout, cumulativeTracking } from './holdout.js';
export type { FrequencyGroup, HoldoutComparison, Tracking, TrackingInput } from './holdout.js';
export { fitMbgCnbd, mbgCnbd, mbgCnbdOfOrder, totalLogInterPurchaseTimes, MAX_ORDER } from './mbg-cnbd-k.js';
export type { MbgCnbdFit, MbgCnbdFittedParams, MbgCnbdParams, OrderFit } from './mbg-cnbd-k.js';
export { simulateMbgCnbd } from './mbg-cnbd-k-simulation.js';
export type { SimulatedRegularCustomers } from './mbg-cnbd-k-simulation.js';
