export { CURRENT_CONSENT_STATUSES, currentConsentList, latestConsents, liveCurrentConsents, personRecords, recordsOfPerson } from './current.js';
export type { ContactChannel, CurrentConsent, LatestConsentRow } from './current.js';
export { PERSON_CONSENTS_TABLE, personConsents } from './step.js';
