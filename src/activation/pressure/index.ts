/** The contact-pressure policy (issue 13 section 3): what each person may still receive, and why. */
export { contactAllowance } from './allowance.js';
export { ALLOWANCE_SCOPES } from './policy.js';
export { isQuietTime, nextAllowedSendTime } from './quiet-hours.js';
export type { QuietPolicy } from './quiet-hours.js';
export { explainPressure } from './explain.js';
export type { PressureExplanation } from './explain.js';
export { pressureReport } from './report.js';
export type { PressureReport } from './report.js';
export { defaultPressureAsOf } from './as-of.js';
