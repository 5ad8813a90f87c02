/** The best channel for each person, learned from his reactions (issue 13, section 2). */
export { betaBinomialLogLikelihood, fitPrior, priorMean, shrunkRate } from './beta-binomial.js';
export type { BetaPrior, HistoryGroups, PriorMethod } from './beta-binomial.js';
export { customerChannels } from './step.js';
export { LANGUAGES } from './explain.js';
export type { Language } from './explain.js';
export { personChannels } from './view.js';
export type { PersonChannels } from './view.js';
