/** Sentences delivery shows people: the unsubscribe page and the `fidelis send` report (src/activation/delivery). */
import type { Catalogue } from './types.js';

export const DELIVERY_CATALOGUE = {
  'unsubscribe.title': { en: 'Unsubscribed', fr: 'Désinscription' },
  'unsubscribe.done': {
    en: 'You will no longer receive our {channel} messages. It may take a few minutes for messages already on their way.',
    fr: 'Vous ne recevrez plus nos messages par {channel}. Ceux déjà en route peuvent encore arriver dans les minutes qui viennent.',
  },
  'unsubscribe.invalid_title': { en: 'Link not valid', fr: 'Lien non valide' },
  'unsubscribe.invalid': {
    en: 'This unsubscribe link is not valid (it may have been cut in two by your mail program). Reply to the message to be unsubscribed.',
    fr: "Ce lien de désinscription n'est pas valide (votre messagerie l'a peut-être coupé en deux). Répondez au message pour être désinscrit.",
  },
  'unsubscribe.unavailable_title': { en: 'Unsubscribing unavailable', fr: 'Désinscription indisponible' },
  'unsubscribe.unavailable': {
    en: 'Unsubscribing is not available right now. Reply to the message to be unsubscribed.',
    fr: "La désinscription n'est pas disponible pour le moment. Répondez au message pour être désinscrit.",
  },
  'channel.email': { en: 'e-mail', fr: 'e-mail' },
  'channel.sms': { en: 'SMS', fr: 'SMS' },
  'channel.mail': { en: 'post', fr: 'courrier' },
  'channel.phone': { en: 'phone', fr: 'téléphone' },
  'channel.push': { en: 'notification', fr: 'notification' },
  'consent.opt_out': { en: 'consent withdrawn for the channel', fr: 'consentement retiré pour le canal' },
  'consent.unknown': { en: 'no consent for the channel', fr: 'aucun consentement pour le canal' },
  'address.missing': { en: 'no address for the channel', fr: 'aucune adresse pour le canal' },
  'pressure.quiet_hours': { en: 'quiet hours of the contact-pressure policy: held until they end', fr: 'heures calmes de la politique de pression : retenu jusqu\'à leur fin' },
  'delivery.uncertain': {
    en: 'a previous send stopped after this contact was handed over: not sent again (at most once)',
    fr: 'un envoi précédent s\'est arrêté après la remise de ce contact : il n\'est pas renvoyé (au plus une fois)',
  },
  'report.dry_run': { en: 'Dry run (nothing sent, nothing written)', fr: 'Essai à blanc (rien envoyé, rien écrit)' },
  'report.sent_through': { en: 'Sent through {destination}', fr: 'Envoyé par {destination}' },
  'report.examined': {
    en: '{head}: {examined} due planned contacts examined ({scope}), as of {asOf}',
    fr: '{head} : {examined} contacts planifiés échus examinés ({scope}), au {asOf}',
  },
  'report.campaign': { en: 'campaign {campaign}', fr: 'campagne {campaign}' },
  'report.would_send': { en: 'would send: {n}', fr: 'seraient envoyés : {n}' },
  'report.sent': { en: 'sent: {n}', fr: 'envoyés : {n}' },
  'report.file': { en: '(file {file})', fr: '(fichier {file})' },
  'report.batches': { en: 'in {batches} batches, {retries} retries', fr: 'en {batches} lots, {retries} nouvelles tentatives' },
  'report.would_cancel': { en: 'would be cancelled: {n} ({reasons})', fr: 'seraient annulés : {n} ({reasons})' },
  'report.cancelled': { en: 'cancelled: {n} ({reasons})', fr: 'annulés : {n} ({reasons})' },
  'report.held': { en: 'held, still planned: {n} ({reasons})', fr: 'retenus, toujours planifiés : {n} ({reasons})' },
  'report.failed': {
    en: 'refused by the relay, still planned (retried next time): {n} ({reasons})',
    fr: 'refusés par le relais, toujours planifiés (réessayés la prochaine fois) : {n} ({reasons})',
  },
  'report.dead_letters': {
    en: 'dead letters: {batches} batches, {contacts} contacts (see delivery_dead_letters)',
    fr: 'lettres mortes : {batches} lots, {contacts} contacts (voir delivery_dead_letters)',
  },
  'report.uncertain': { en: 'uncertain, not sent again: {n} ({why})', fr: 'incertains, non renvoyés : {n} ({why})' },
} as const satisfies Catalogue;
