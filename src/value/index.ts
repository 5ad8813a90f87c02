export { customerFacts } from './customer-facts.js';
export { rfm } from './rfm.js';
export { referralValue } from './referral-value.js';
export { clv } from './clv-step.js';
export { valueDefinitions, VALUE_MESSAGES } from './value-definitions.js';
export type { ValueBasis, ValueDefinition, ValueLanguage, ValueMessageKey } from './value-definitions.js';
