export { customerProfile, liveProfileParts, lookupPerson, LAST_EVENTS } from './profile.js';
export { assembleProfile, LOOKUP_TYPES } from './parts.js';
export type { CustomerProfile, LookupType, ProfileParts } from './parts.js';
export { profileDocuments, profileDocumentsStep, dataFingerprint } from './documents.js';
export { ProfileReader } from './reader.js';
export type { ReaderState } from './reader.js';
export { lookupIndexes, LOOKUP_INDEXES } from './lookup-indexes.js';
export { customerCard } from './customer-card.js';
export type { CustomerCard } from './customer-card.js';
