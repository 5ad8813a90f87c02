/** Why a category is his, and why an offer is next for him (src/needs/explain.ts). */
import type { Catalogue } from './types.js';

export const NEEDS_CATALOGUE = {
  'offer.explained': { en: '{product} ({category}): {why}; {expected}.', fr: '{product} ({category}) : {why} ; {expected}.' },
  'offer.cross_sell': { en: 'new range for him', fr: 'nouvelle gamme pour lui' },
  'offer.cross_sell.antecedent': {
    en: 'new range for him; customers who buy {antecedent} buy {category} {lift:times} more often ({confidence:share} of them)',
    fr: 'nouvelle gamme pour lui ; les clients qui achètent {antecedent} achètent {category} {lift:times} plus souvent ({confidence:share} d’entre eux)',
  },
  'offer.profile_lift': { en: '{why}; his declared profile makes it {lift:times} likelier', fr: '{why} ; son profil déclaré la rend {lift:times} plus probable' },
  'offer.up_sell': {
    en: 'up-sell: {price:price}, above the {maxPrice:price} he paid at most in {category}, where he made {lines} purchases',
    fr: 'montée en gamme : {price:price}, au-dessus des {maxPrice:price} qu’il a payés au plus en {category}, où il a fait {lines} achats',
  },
  'offer.repeat': {
    en: 'he made {lines} purchases in {category}, and this is what buyers at his price level choose there',
    fr: 'il a fait {lines} achats en {category}, et c’est ce qu’y choisissent les acheteurs de son niveau de prix',
  },
  'offer.expected': {
    en: '{probability:share} chance of being his next purchase, margin {margin:price} a unit, expected {score:price}',
    fr: '{probability:share} de chances d’être son prochain achat, marge {margin:price} l’unité, espérance {score:price}',
  },
  'affinity.above': {
    en: '{category}: {share:share} of his spending against {segmentShare:share} in his segment ({segment:rfm_segment}), {index:times}, above his peers; {orders} orders, last on {last:date}.',
    fr: '{category} : {share:share} de ses dépenses contre {segmentShare:share} dans son segment ({segment:rfm_segment}), {index:times}, au-dessus de ses pairs ; {orders} commandes, la dernière le {last:date}.',
  },
  'affinity.below': {
    en: '{category}: {share:share} of his spending against {segmentShare:share} in his segment ({segment:rfm_segment}), {index:times}, below his peers; {orders} orders, last on {last:date}.',
    fr: '{category} : {share:share} de ses dépenses contre {segmentShare:share} dans son segment ({segment:rfm_segment}), {index:times}, en dessous de ses pairs ; {orders} commandes, la dernière le {last:date}.',
  },
  'affinity.like': {
    en: '{category}: {share:share} of his spending against {segmentShare:share} in his segment ({segment:rfm_segment}), {index:times}, like his peers; {orders} orders, last on {last:date}.',
    fr: '{category} : {share:share} de ses dépenses contre {segmentShare:share} dans son segment ({segment:rfm_segment}), {index:times}, comme ses pairs ; {orders} commandes, la dernière le {last:date}.',
  },
  'affinity.alone': {
    en: '{category}: {share:share} of his spending against {segmentShare:share} in his segment ({segment:rfm_segment}), no comparison; {orders} orders, last on {last:date}.',
    fr: '{category} : {share:share} de ses dépenses contre {segmentShare:share} dans son segment ({segment:rfm_segment}), sans comparaison ; {orders} commandes, la dernière le {last:date}.',
  },
} as const satisfies Catalogue;
