/** The sentences of a customer's timeline (src/dashboard/timeline.ts): orders, returns, web events, contacts and reactions, tickets, surveys. */
import type { RESPONSE_TYPES, WEB_EVENT_TYPES } from '../../store/index.js';
import type { Catalogue, Entry } from './types.js';

export const TIMELINE_CATALOGUE = {
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
  'timeline.ticket': { en: 'Ticket: {type:ticket}', fr: 'Ticket : {type:ticket}' },
  'timeline.ticket_open': { en: 'Ticket: {type:ticket} (open)', fr: 'Ticket : {type:ticket} (ouvert)' },
  'timeline.ticket_satisfaction': { en: 'Ticket: {type:ticket}, satisfaction {satisfaction}/5', fr: 'Ticket : {type:ticket}, satisfaction {satisfaction}/5' },
  'timeline.ticket_open_satisfaction': { en: 'Ticket: {type:ticket} (open), satisfaction {satisfaction}/5', fr: 'Ticket : {type:ticket} (ouvert), satisfaction {satisfaction}/5' },
  'timeline.survey.nps': { en: 'NPS {score}', fr: 'NPS {score}' },
  'timeline.survey.csat': { en: 'CSAT {score}', fr: 'CSAT {score}' },
  'timeline.survey_comment.nps': { en: 'NPS {score}: {comment}', fr: 'NPS {score} : {comment}' },
  'timeline.survey_comment.csat': { en: 'CSAT {score}: {comment}', fr: 'CSAT {score} : {comment}' },
  'timeline.event': { en: 'Event: {name}', fr: 'Événement : {name}' },
  'ticket.delivery': { en: 'delivery', fr: 'livraison' },
  'ticket.defect': { en: 'defect', fr: 'défaut' },
  'ticket.billing': { en: 'billing', fr: 'facturation' },
  'ticket.information': { en: 'information', fr: 'information' },
  'ticket.complaint': { en: 'complaint', fr: 'réclamation' },
  'ticket.return': { en: 'return', fr: 'retour' },
} as const satisfies Catalogue &
  Record<`timeline.web.${(typeof WEB_EVENT_TYPES)[number]}` | `timeline.reaction.${(typeof RESPONSE_TYPES)[number]}`, Entry>;
