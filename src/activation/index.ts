/**
 * Acting one to one (issue 13): audiences, the best channel per person, the contact-pressure
 * policy, the campaign planner and delivery. Each part lives in its own folder and is exported here.
 */
export * from './audiences/index.js';
export * as pressure from './pressure/index.js';
export * from './channels/index.js';
export * from './delivery/index.js';
export { ACTIVATION_MIGRATIONS } from './tables.js';
