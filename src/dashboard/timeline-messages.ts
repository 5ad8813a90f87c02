/**
 * The sentences of a customer's timeline, in English and French, from a message key and its
 * parameters: the API gives the key, the parameters and both texts, so the dashboard shows the
 * page's language and a script can use the key (issue 16: no English sentence assembled in SQL).
 */
import type { RESPONSE_TYPES, WEB_EVENT_TYPES } from '../store/index.js';

type Text = { readonly en: string; readonly fr: string };

const TICKET_TYPES: Readonly<Record<string, Text>> = {
  delivery: { en: 'delivery', fr: 'livraison' },
  defect: { en: 'defect', fr: 'défaut' },
  billing: { en: 'billing', fr: 'facturation' },
  information: { en: 'information', fr: 'information' },
  complaint: { en: 'complaint', fr: 'réclamation' },
  return: { en: 'return', fr: 'retour' },
};

export const TIMELINE_MESSAGES = {
  'timeline.order': { en: 'Order {order}, {lines} line(s)', fr: 'Commande {order}, {lines} ligne(s)' },
  'timeline.return': { en: 'Return on order {order}', fr: 'Retour sur la commande {order}' },
  'timeline.return_reason': { en: 'Return on order {order}: {reason}', fr: 'Retour sur la commande {order} : {reason}' },
  'timeline.web.page_view': { en: 'Page viewed {detail}', fr: 'Page vue {detail}' },
  'timeline.web.key_page': { en: 'Key page {detail}', fr: 'Page clé {detail}' },
  'timeline.web.quote_started': { en: 'Quote started {detail}', fr: 'Devis commencé {detail}' },
  'timeline.web.search': { en: 'Search {detail}', fr: 'Recherche {detail}' },
  'timeline.web.cart_add': { en: 'Added to cart {detail}', fr: 'Ajout au panier {detail}' },
  'timeline.sent': { en: 'Sent: {campaign}', fr: 'Envoyé : {campaign}' },
  'timeline.reaction.delivered': { en: 'Delivered: {campaign}', fr: 'Délivré : {campaign}' },
  'timeline.reaction.opened': { en: 'Opened: {campaign}', fr: 'Ouvert : {campaign}' },
  'timeline.reaction.clicked': { en: 'Clicked: {campaign}', fr: 'Cliqué : {campaign}' },
  'timeline.reaction.converted': { en: 'Converted: {campaign}', fr: 'Converti : {campaign}' },
  'timeline.reaction.unsubscribed': { en: 'Unsubscribed: {campaign}', fr: 'Désinscrit : {campaign}' },
  'timeline.reaction.bounced': { en: 'Bounced: {campaign}', fr: 'Rejeté : {campaign}' },
  'timeline.ticket': { en: 'Ticket: {type}', fr: 'Ticket : {type}' },
  'timeline.ticket_open': { en: 'Ticket: {type} (open)', fr: 'Ticket : {type} (ouvert)' },
  'timeline.ticket_satisfaction': { en: 'Ticket: {type}, satisfaction {satisfaction}/5', fr: 'Ticket : {type}, satisfaction {satisfaction}/5' },
  'timeline.ticket_open_satisfaction': { en: 'Ticket: {type} (open), satisfaction {satisfaction}/5', fr: 'Ticket : {type} (ouvert), satisfaction {satisfaction}/5' },
  'timeline.survey.nps': { en: 'NPS {score}', fr: 'NPS {score}' },
  'timeline.survey.csat': { en: 'CSAT {score}', fr: 'CSAT {score}' },
  'timeline.survey_comment.nps': { en: 'NPS {score}: {comment}', fr: 'NPS {score} : {comment}' },
  'timeline.survey_comment.csat': { en: 'CSAT {score}: {comment}', fr: 'CSAT {score} : {comment}' },
  'timeline.event': { en: 'Event: {name}', fr: 'Événement : {name}' },
} as const satisfies Record<string, Text> &
  Record<`timeline.web.${(typeof WEB_EVENT_TYPES)[number]}` | `timeline.reaction.${(typeof RESPONSE_TYPES)[number]}`, Text>;

export type TimelineMessageKey = keyof typeof TIMELINE_MESSAGES;

export interface TimelineMessage {
  readonly key: TimelineMessageKey;
  readonly params: Readonly<Record<string, string | number>>;
  readonly text: Text;
}

const isKey = (key: string): key is TimelineMessageKey => Object.hasOwn(TIMELINE_MESSAGES, key);

/**
 * The message of `key` (a key outside the list, such as a web event type added to the data
 * later, falls back to `fallback` with the raw text as its detail). Parameters that name a
 * ticket type are translated where the type is known.
 */
export function timelineMessage(key: string, params: Record<string, string | number>, fallback: TimelineMessageKey = 'timeline.event'): TimelineMessage {
  const chosen = isKey(key) ? key : fallback;
  const text = (lang: 'en' | 'fr'): string =>
    TIMELINE_MESSAGES[chosen][lang].replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      if (name === 'type' && typeof value === 'string') return TICKET_TYPES[value]?.[lang] ?? value;
      return String(value);
    });
  return { key: chosen, params, text: { en: text('en').trimEnd(), fr: text('fr').trimEnd() } };
}
