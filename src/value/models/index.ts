/**
 * Lifetime-value models (BG/NBD, Pareto/NBD, MBG/NBD, Gamma-Gamma) as pure functions over typed
 * arrays: sufficient statistics, likelihoods, maximum-likelihood fits, per-customer predictions,
 * CLV and holdout evaluation. No I/O.
 */
export { ModelFitError, ModelInputError, ModelNumericError } from './errors.js';
export { compressSummary } from './summary.js';
export type { CompressedSummary, CustomerSummary } from './summary.js';
export type { TransactionModel, TransactionModelName } from './transaction-model.js';
export {
  fitTransactionModel,
  
  probabilityAlive,
  conditionalExpectedTransactions,
  
} from './fit.js';
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
export type { GammaGammaParams } from './gamma-gamma.js';
export { customerLifetimeValue } from './clv.js';
export { scoreCustomers } from './scoring.js';
export { nelderMead } from './optimize.js';
export { paretoNbd } from './pareto-nbd.js';
export type { ParetoNbdParams } from './pareto-nbd.js';
export { mbgNbd } from './mbg-nbd.js';
export type { MbgNbdParams } from './mbg-nbd.js';
export { simulateMbgNbd } from './mbg-nbd-simulation.js';
export { compareHoldout, cumulativeTracking } from './holdout.js';
export { mbgCnbd, mbgCnbdOfOrder } from './mbg-cnbd-k.js';
