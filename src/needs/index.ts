import type { PipelineStep } from '../kernel/index.js';
import { categoryAffinity } from './affinity.js';
import { associations } from './associations.js';
import { nextOffers } from './next-offers.js';
import { purchaseLines } from './purchases.js';

/** The needs steps, in order: they come after the value steps (the affinity groups read customer_rfm). */
export const NEEDS_STEPS: readonly PipelineStep[] = [purchaseLines, categoryAffinity, associations, nextOffers];

export { purchaseLines, categoryAffinity, associations, nextOffers };
export { evaluateNextBestOffer } from './evaluate.js';
export { affinityMessage, explainAffinity, explainNextOffer, nextOfferMessage } from './explain.js';
export type { AssociationRow, CategoryAffinityRow, NextOfferRow } from './rows.js';
