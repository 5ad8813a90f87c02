/**
 * Why a customer is in each class (value tier, four columns, grid, RFM, attachment, potential):
 * the sentences src/segments/explain.ts fills with the figures of his customer_classes row.
 */
import type { Catalogue } from './types.js';

export const CLASS_CATALOGUE = {
  'potential.peers.declared': {
    en: 'peers: {peers} customers who declared his household size and income band ({group})',
    fr: 'pairs : {peers} clients ayant déclaré sa taille de foyer et sa tranche de revenus ({group})',
  },
  'potential.peers.household': { en: 'peers: {peers} customers who declared his household size ({group})', fr: 'pairs : {peers} clients ayant déclaré sa taille de foyer ({group})' },
  'potential.peers.activity': { en: 'peers: {peers} {range} buyers of his size', fr: 'pairs : {peers} acheteurs de {range} de sa taille' },
  'potential.peers.range': { en: 'peers: {peers} {range} buyers', fr: 'pairs : {peers} acheteurs de {range}' },
  'potential.peers.all': { en: 'peers: all {peers} buyers', fr: 'pairs : l’ensemble des {peers} acheteurs' },
  'potential.ranges.only': { en: 'they buy {missing:list}; he buys only {bought:list}', fr: 'ils achètent {missing:list} ; il n’achète que {bought:list}' },
  'potential.ranges.also': {
    en: 'they buy {missing:list}, which he never buys from us; he buys {bought:list}',
    fr: 'ils achètent {missing:list}, qu’il ne nous achète jamais ; il achète {bought:list}',
  },
  'potential.ranges.none': { en: 'he buys every range most of his peers buy ({bought:list})', fr: 'il achète toutes les gammes que la plupart de ses pairs achètent ({bought:list})' },
  'potential.size': {
    en: 'his size: he spends in his ranges {size:percent} of what his peers who buy them typically spend there, and each missing range is valued at that size',
    fr: 'sa taille : il dépense dans ses gammes {size:percent} de ce que ses pairs qui les achètent y dépensent d’ordinaire, et chaque gamme manquante est valorisée à cette taille',
  },
  'potential.wallet': {
    en: 'spends {spend:money} a year here: {share:percent} of a wallet of {wallet:money} a year (his ranges at the peers’ average basket, or what he spends there if more, plus the ranges he is missing)',
    fr: 'dépense ici {spend:money} par an : {share:percent} d’un portefeuille de {wallet:money} par an (ses gammes au panier moyen de ses pairs, ou à ce qu’il y dépense si c’est plus, plus les gammes qui lui manquent)',
  },
  'potential.split': {
    en: 'potential {potential:money} a year: {upsell:money} of up-sell in his ranges, {crossSell:money} of cross-sell in the missing ones',
    fr: 'potentiel {potential:money} par an : {upsell:money} de montée en gamme dans ses gammes, {crossSell:money} de vente croisée dans celles qui lui manquent',
  },
  'potential.value': { en: '{potential:money} a year', fr: '{potential:money} par an' },
  'tier.value': { en: 'predicted value {value:money}, top {top}% of customers', fr: 'valeur prédite {value:money}, dans les {top} % premiers clients' },
  'tier.cpp': { en: 'above the CPP threshold of {threshold:money}', fr: 'au-dessus du seuil CPP de {threshold:money}' },
  'tier.ccm': {
    en: 'below the CPP threshold of {threshold:money}: a lower lifetime value, and a development potential of {potential:money} a year (top {top}% of customers), {margin:money} of margin a year',
    fr: 'sous le seuil CPP de {threshold:money} : une valeur vie plus faible, et un potentiel de développement de {potential:money} par an (dans les {top} % premiers clients), soit {margin:money} de marge par an',
  },
  'tier.cnr.contribution': {
    en: 'margin after costs to date {contribution:money}: his margin does not cover what he costs',
    fr: 'marge après coûts à ce jour {contribution:money} : sa marge ne couvre pas ce qu’il coûte',
  },
  'tier.cnr.predicted': {
    en: 'predicted value {value:money} (lifetime margin {clv:money} minus expected costs to serve at {costs:money} a year)',
    fr: 'valeur prédite {value:money} (marge sur sa durée de vie {clv:money} moins les coûts de service attendus de {costs:money} par an)',
  },
  'column.d1': {
    en: 'predicted margin {clv:money}, top {top}% of customers: among the fewest customers making half of the predicted margin (from {threshold:money})',
    fr: 'marge prédite {clv:money}, dans les {top} % premiers clients : parmi le plus petit nombre de clients qui font la moitié de la marge prédite (à partir de {threshold:money})',
  },
  'column.d2.potential': {
    en: 'significant potential value: {potentialValue:money} a year (contribution {contribution:money} + margin {margin:money} on a potential of {potential:money}), at or above the d2 threshold of {threshold:money}: a cross-sell and up-sell target',
    fr: 'valeur potentielle significative : {potentialValue:money} par an (contribution {contribution:money} + marge {margin:money} sur un potentiel de {potential:money}), au moins le seuil d2 de {threshold:money} : cible de vente croisée et de montée en gamme',
  },
  'column.d3.potential': {
    en: 'in the making: potential value {potentialValue:money} a year (contribution {contribution:money} + margin {margin:money} on a potential of {potential:money}), below the d2 threshold of {threshold:money}: little profit now, may become profitable',
    fr: 'en devenir : valeur potentielle {potentialValue:money} par an (contribution {contribution:money} + marge {margin:money} sur un potentiel de {potential:money}), sous le seuil d2 de {threshold:money} : peu rentable aujourd’hui, peut le devenir',
  },
  'column.d2.contribution': {
    en: 'profitable now: contribution {contribution:money} a year, at or above the d2 threshold of {threshold:money}',
    fr: 'rentable aujourd’hui : contribution {contribution:money} par an, au moins le seuil d2 de {threshold:money}',
  },
  'column.d3.contribution': {
    en: 'in the making: contribution {contribution:money} a year, below {threshold:money}; potential {potential:money} a year',
    fr: 'en devenir : contribution {contribution:money} par an, sous {threshold:money} ; potentiel {potential:money} par an',
  },
  'column.d4': {
    en: 'unprofitable: contribution to date {contribution:money}, predicted value {value:money}',
    fr: 'non rentable : contribution à ce jour {contribution:money}, valeur prédite {value:money}',
  },
  'grid.inactive': {
    en: 'no purchase in the active window (last purchase {days} days ago)',
    fr: 'aucun achat dans la fenêtre d’activité (dernier achat il y a {days} jours)',
  },
  'grid.revenue': {
    en: 'revenue over the window {revenue:money} (top {top}% of the active base; high from {cut:money})',
    fr: 'chiffre d’affaires sur la fenêtre {revenue:money} (dans les {top} % premiers de la base active ; élevé à partir de {cut:money})',
  },
  'grid.profitability.rate': {
    en: 'profitability {rate:percent} (top {top}% of the active base; high from {cut:percent})',
    fr: 'rentabilité {rate:percent} (dans les {top} % premiers de la base active ; élevée à partir de {cut:percent})',
  },
  'grid.profitability.amount': {
    en: 'profitability {rate:money} (top {top}% of the active base; high from {cut:money})',
    fr: 'rentabilité {rate:money} (dans les {top} % premiers de la base active ; élevée à partir de {cut:money})',
  },
  'rfm.scores': {
    en: 'R{r} F{f} M{m}: last purchase {days} days ago, {orders} orders, {revenue:money} revenue',
    fr: 'R{r} F{f} M{m} : dernier achat il y a {days} jours, {orders} commandes, {revenue:money} de chiffre d’affaires',
  },
  'attachment.score': { en: 'attachment {score}/100, top {top}% of customers', fr: 'attachement {score}/100, dans les {top} % premiers clients' },
  'attachment.tenure': {
    en: 'customer for {months} months; bought in {active} of {periods} quarters',
    fr: 'client depuis {months} mois ; a acheté sur {active} des {periods} trimestres',
  },
  'attachment.ranges': { en: '{ranges} product ranges; last purchase {days} days ago', fr: '{ranges} gammes de produits ; dernier achat il y a {days} jours' },
  // The RFM segments' names (the dashboard's CLASS_NAMES holds the same), for sentences that name one.
  'rfm_segment.champions': { en: 'Champions', fr: 'Champions' },
  'rfm_segment.loyal': { en: 'Loyal', fr: 'Fidèles' },
  'rfm_segment.potential_loyalists': { en: 'Potential loyalists', fr: 'Fidèles en devenir' },
  'rfm_segment.new': { en: 'New', fr: 'Nouveaux' },
  'rfm_segment.promising': { en: 'Promising', fr: 'Prometteurs' },
  'rfm_segment.need_attention': { en: 'Need attention', fr: 'À surveiller' },
  'rfm_segment.about_to_sleep': { en: 'About to sleep', fr: "Sur le point de s'endormir" },
  'rfm_segment.at_risk': { en: 'At risk', fr: 'À risque' },
  'rfm_segment.cant_lose': { en: "Can't lose", fr: 'À ne pas perdre' },
  'rfm_segment.hibernating': { en: 'Hibernating', fr: 'En hibernation' },
  'rfm_segment.lost': { en: 'Lost', fr: 'Perdus' },
} as const satisfies Catalogue;
