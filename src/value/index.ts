export { customerFacts } from './customer-facts.js';
export { rfm } from './rfm.js';
export { referralValue } from './referral-value.js';
export { clv } from './clv-step.js';
export { valueDefinitions, VALUE_MESSAGES } from './value-definitions.js';
export type { ValueBasis, ValueDefinition, ValueLanguage, ValueMessageKey } from './value-definitions.js';
export { customerOutlook, fittedTransactionModel, purchaseHistory, readCustomerOutlook, OUTLOOK_COLUMNS } from './customer-outlook.js';
export type { CustomerOutlook } from './customer-outlook.js';
