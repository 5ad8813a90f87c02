/** The best channel for each person, learned from his reactions (issue 13, section 2). */
export { betaBinomialLogLikelihood, fitPrior, fitPriorByMarginalLikelihood, fitPriorByMoments, isFittable, priorMean, shrunkRate } from './beta-binomial.js';
export type { BetaPrior, HistoryGroups, PriorMethod } from './beta-binomial.js';
export { CUSTOMER_CHANNEL_CHOICE, CUSTOMER_CHANNELS, customerChannels } from './step.js';
export { CHANNEL_MESSAGES, LANGUAGES, explainEvidence, explainPreferred, explainValue, renderChannelMessage } from './explain.js';
export type { ChannelFigures, ChannelMessage, ChannelMessageKey, Language } from './explain.js';
export { personChannels } from './view.js';
export type { ExplainedMessage, PersonChannel, PersonChannels } from './view.js';
