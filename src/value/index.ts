export { customerFacts } from './customer-facts.js';
export { rfm } from './rfm.js';
export { referralValue } from './referral-value.js';
export { clv } from './clv-step.js';
export { valueDefinitions } from './value-definitions.js';
