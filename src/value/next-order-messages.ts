/**
 * The sentences of the expected next order, the churn-risk label and the explanation of a CLV
 * that contradicts the RFM segment, in English and French: message keys with parameters, rendered
 * here for the API (`text: {en, fr}`) and by the dashboard from the same key and parameters.
 */
import { cachedNumberFormat } from '../messages/index.js';
import type { ValueLanguage } from './value-definitions.js';

export const NEXT_ORDER_MESSAGES = {
  en: {
    'value.next_order': 'Expected next order',
    'value.def.next_order':
      'The date by which, if he is still a customer today, the {model} model expects him to have made one more purchase (his expected purchases, given alive, reach 1; he may still drop out meanwhile, as the model allows). None when that would take more than {years} years.',
    'value.next_order.not_expected': 'not within {years} years',
    'value.next_order.not_estimable': 'not estimable',
    'value.next_order.if_alive': 'if he is still a customer',
    'value.churn_risk': 'Churn risk',
    'value.def.churn_risk':
      'From P(alive), the probability that he is still a customer: low from {low}, medium from {medium}, high from {high}, lost below {high}. Not estimable where P(alive) is not.',
    'value.churn_risk.low': 'Low',
    'value.churn_risk.medium': 'Medium',
    'value.churn_risk.high': 'High',
    'value.churn_risk.lost': 'Lost',
    'value.churn_risk.not_estimable': 'Not estimable',
    'value.clv_gap.inactive':
      'CLV counts expected future purchases only: P(alive) {pAlive} after {days} days without an order; the RFM segment “{segment}” describes his past.',
    'value.clv_gap.low_margin':
      'CLV is valued on margin, and his purchases left {marginRate} of their revenue as margin ({margin} on {revenue}, after returns and discounts); the RFM segment “{segment}” counts revenue.',
    'value.clv_gap.no_repeat':
      'CLV counts expected future purchases only: his {orders} orders fall in a single week, {days} days ago, so the model has no repeat purchase to predict from; the RFM segment “{segment}” describes his past.',
    'value.clv_gap.few_purchases':
      'CLV counts expected future purchases only: with P(alive) {pAlive} and {days} days since his last order, the model expects few more; the RFM segment “{segment}” describes his past.',
  },
  fr: {
    'value.next_order': 'Prochaine commande attendue',
    'value.def.next_order':
      'La date à laquelle, s’il est encore client aujourd’hui, le modèle {model} s’attend à ce qu’il ait fait un achat de plus (ses achats espérés, s’il est actif, atteignent 1 ; il peut encore partir d’ici là, comme le modèle le prévoit). Aucune quand il faudrait plus de {years} ans.',
    'value.next_order.not_expected': 'pas d’ici {years} ans',
    'value.next_order.not_estimable': 'non estimable',
    'value.next_order.if_alive': 's’il est encore client',
    'value.churn_risk': 'Risque de départ',
    'value.def.churn_risk':
      'D’après P(actif), la probabilité qu’il soit encore client : faible à partir de {low}, moyen à partir de {medium}, élevé à partir de {high}, perdu en dessous de {high}. Non estimable quand P(actif) ne l’est pas.',
    'value.churn_risk.low': 'Faible',
    'value.churn_risk.medium': 'Moyen',
    'value.churn_risk.high': 'Élevé',
    'value.churn_risk.lost': 'Perdu',
    'value.churn_risk.not_estimable': 'Non estimable',
    'value.clv_gap.inactive':
      'La valeur vie ne compte que les achats futurs espérés : P(actif) {pAlive} après {days} jours sans commande ; le segment RFM « {segment} » décrit son passé.',
    'value.clv_gap.low_margin':
      'La valeur vie se calcule sur la marge, et ses achats n’en ont laissé que {marginRate} de leur chiffre d’affaires ({margin} sur {revenue}, après retours et remises) ; le segment RFM « {segment} » compte le chiffre d’affaires.',
    'value.clv_gap.no_repeat':
      'La valeur vie ne compte que les achats futurs espérés : ses {orders} commandes tombent dans une seule semaine, il y a {days} jours, et le modèle n’a aucun réachat pour prévoir ; le segment RFM « {segment} » décrit son passé.',
    'value.clv_gap.few_purchases':
      'La valeur vie ne compte que les achats futurs espérés : avec P(actif) {pAlive} et {days} jours depuis sa dernière commande, le modèle en attend peu d’autres ; le segment RFM « {segment} » décrit son passé.',
  },
} as const satisfies Record<ValueLanguage, Record<string, string>>;

export type NextOrderMessageKey = keyof (typeof NEXT_ORDER_MESSAGES)['en'];

/**
 * The default RFM segments' names (value.rfm.segments), as the dashboard names them
 * (web/src/messages.ts CLASS_NAMES); a configured segment of another name is shown by its code.
 */
const RFM_SEGMENT_NAMES: Readonly<Record<ValueLanguage, Readonly<Record<string, string>>>> = {
  en: {
    champions: 'Champions', loyal: 'Loyal', cant_lose: "Can't lose", at_risk: 'At risk', lost: 'Lost', hibernating: 'Hibernating',
    need_attention: 'Need attention', about_to_sleep: 'About to sleep', promising: 'Promising', new: 'New', potential_loyalists: 'Potential loyalists',
  },
  fr: {
    champions: 'Champions', loyal: 'Fidèles', cant_lose: 'À ne pas perdre', at_risk: 'À risque', lost: 'Perdus', hibernating: 'En hibernation',
    need_attention: 'À surveiller', about_to_sleep: "Sur le point de s'endormir", promising: 'Prometteurs', new: 'Nouveaux', potential_loyalists: 'Fidèles en devenir',
  },
};

const MODEL_NAMES: Readonly<Record<string, string>> = { bgnbd: 'BG/NBD', paretonbd: 'Pareto/NBD', mbgnbd: 'MBG/NBD', mbgcnbd: 'MBG/CNBD-k', auto: 'BG/NBD, Pareto/NBD or MBG/NBD' };

/** Parameters shown as a share (percent), as an amount (in the currency), or as a segment's name. */
const SHARE_PARAMS = new Set(['pAlive', 'marginRate', 'low', 'medium', 'high']);
const MONEY_PARAMS = new Set(['margin', 'revenue']);

export type MessageParams = Readonly<Record<string, string | number>>;

/** One sentence in one language; numbers formatted for it (amounts in `currency`). */
export function renderNextOrderMessage(lang: ValueLanguage, key: NextOrderMessageKey, params: MessageParams, currency = 'EUR'): string {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  return NEXT_ORDER_MESSAGES[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    if (name === 'segment') return RFM_SEGMENT_NAMES[lang][String(value)] ?? String(value);
    if (name === 'model') return MODEL_NAMES[String(value)] ?? String(value);
    if (typeof value !== 'number') return value;
    if (SHARE_PARAMS.has(name)) {
      const percent = (share: number): string => cachedNumberFormat(locale, { style: 'percent', maximumFractionDigits: share < 0.1 ? 1 : 0 }).format(share);
      // A probability of a few in a million is not "0%": it is below the last digit shown.
      return value > 0 && value < 0.0005 ? `< ${percent(0.001)}` : percent(value);
    }
    if (MONEY_PARAMS.has(name)) return cachedNumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 }).format(value);
    return cachedNumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
  });
}


/** A sentence as the API sends it: its key and raw parameters (for a client that renders itself) and its text in both languages. */
export interface ValueMessage {
  readonly key: NextOrderMessageKey;
  readonly params: MessageParams;
  readonly text: Readonly<Record<ValueLanguage, string>>;
}

export function valueMessage(key: NextOrderMessageKey, params: MessageParams, currency = 'EUR'): ValueMessage {
  return { key, params, text: { en: renderNextOrderMessage('en', key, params, currency), fr: renderNextOrderMessage('fr', key, params, currency) } };
}
