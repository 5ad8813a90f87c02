/** The best channel for each person, learned from his reactions (issue 13, section 2). */
export { betaBinomialLogLikelihood, fitPrior, fitPriorByMarginalLikelihood, fitPriorByMoments, isFittable, priorMean, shrunkRate } from './beta-binomial.js';
export type { BetaPrior, HistoryGroups, PriorMethod } from './beta-binomial.js';
export { CUSTOMER_CHANNEL_CHOICE, CUSTOMER_CHANNELS, customerChannels } from './step.js';
