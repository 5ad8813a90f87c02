export { customerPersons } from './persons-step.js';
export { resolveIdentities } from './resolve.js';
export { pairScores } from './evaluate.js';
export { IdentifierNormaliser } from './normalise.js';
export { explainIdentity, resolvePersonId } from './explain.js';
export type { IdentityExplanation } from './explain.js';
export { splitPerson } from './split.js';
export type { SplitResult } from './split.js';
export { linkIdentifiers } from './link.js';
