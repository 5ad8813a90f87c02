/** The contact-pressure policy (issue 13 section 3): what each person may still receive, and why. */
export { contactAllowance, allowanceOf, CONTACT_ALLOWANCE, CONTACT_ALLOWANCE_TABLE } from './allowance.js';
export type { AllowanceOptions, AllowanceRow } from './allowance.js';
export { ALLOWANCE_SCOPES, BLOCKED_REASONS, plannedByFidelis, pressingContact, windowSpan } from './policy.js';
export type { AllowanceScope, BlockedReason } from './policy.js';
export { isQuietTime, nextAllowedSendTime } from './quiet-hours.js';
export type { QuietPolicy } from './quiet-hours.js';
export { explainPressure, verdictParams } from './explain.js';
export type { PressureExplanation, PressureVerdict } from './explain.js';
export { PRESSURE_LOCALES, PRESSURE_MESSAGES, pressureMessage } from './messages.js';
export type { PressureLocale, VerdictParams } from './messages.js';
export { pressureReport } from './report.js';
export type { PressureReport, WindowDistribution } from './report.js';
export { defaultPressureAsOf } from './as-of.js';
