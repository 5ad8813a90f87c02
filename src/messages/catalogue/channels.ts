/** Why a channel's figures are what they are, per person (src/activation/channels/explain.ts); the dashboard shows their text. Channel names as the dashboard's `channel_*` labels. */
import type { Catalogue } from './types.js';

export const CHANNEL_CATALOGUE = {
  'channels.evidence.opened': { en: '{channel:channel_name}: {responses} opens out of {contacts}; his segment {segmentRate:rate}', fr: '{channel:channel_name} : {responses} ouvertures sur {contacts} ; son segment {segmentRate:rate}' },
  'channels.evidence.clicked': { en: '{channel:channel_name}: {responses} clicks out of {contacts}; his segment {segmentRate:rate}', fr: '{channel:channel_name} : {responses} clics sur {contacts} ; son segment {segmentRate:rate}' },
  'channels.evidence.converted': { en: '{channel:channel_name}: {responses} conversions out of {contacts}; his segment {segmentRate:rate}', fr: '{channel:channel_name} : {responses} conversions sur {contacts} ; son segment {segmentRate:rate}' },
  'channels.evidence.none': { en: '{channel:channel_name}: never contacted; his segment {segmentRate:rate}', fr: '{channel:channel_name} : jamais contacté ; son segment {segmentRate:rate}' },
  'channels.evidence.unknown': { en: '{channel:channel_name}: nobody was contacted on this channel, no rate to learn', fr: "{channel:channel_name} : personne n'a été contacté sur ce canal, aucun taux à apprendre" },
  'channels.value': { en: 'P(response) {pResponse:rate} × {responseValue:currency} − cost {unitCost:currency} = {expectedValue:currency} expected per contact', fr: 'P(réponse) {pResponse:rate} × {responseValue:currency} − coût {unitCost:currency} = {expectedValue:currency} espérés par contact' },
  'channels.preferred': { en: 'Preferred channel: {channel:channel_name}, the best expected value among the channels he consented to ({expectedValue:currency} per contact)', fr: 'Canal préféré : {channel:channel_name}, la meilleure valeur espérée parmi les canaux auxquels il a consenti ({expectedValue:currency} par contact)' },
  'channels.no_consent': { en: 'No preferred channel: he consented to no channel with a learned rate', fr: "Aucun canal préféré : il n'a consenti à aucun canal dont le taux est appris" },
  'channel_name.email': { en: 'Email', fr: 'E-mail' },
  'channel_name.sms': { en: 'SMS', fr: 'SMS' },
  'channel_name.mail': { en: 'Post', fr: 'Courrier' },
  'channel_name.phone': { en: 'Phone', fr: 'Téléphone' },
  'channel_name.push': { en: 'Push', fr: 'Notification push' },
} as const satisfies Catalogue;
