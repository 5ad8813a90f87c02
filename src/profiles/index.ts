export { customerProfile, lookupPerson, LOOKUP_TYPES } from './profile.js';
export type { CustomerProfile, LookupType } from './profile.js';
export { lookupIndexes, LOOKUP_INDEXES } from './lookup-indexes.js';
export { customerCard } from './customer-card.js';
export type { CustomerCard } from './customer-card.js';
