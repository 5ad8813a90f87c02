export { customerPersons } from './persons-step.js';
export { resolveIdentities, graphRules } from './resolve.js';
export type { ResolutionReport } from './resolve.js';
export { pairScores } from './evaluate.js';
export type { PairScores } from './evaluate.js';
export { IdentifierNormaliser, isJunk, normaliseEmail, normalisePhone, normaliseLoyaltyCard, TABLE_TYPES } from './normalise.js';
export { IDENTITY_TABLES } from './tables.js';
export { writeProfiles, PROFILE_ATTRIBUTES } from './profiles.js';
