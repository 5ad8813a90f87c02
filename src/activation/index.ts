/**
 * Acting one to one (issue 13): audiences, the best channel per person, the contact-pressure
 * policy, the campaign planner and delivery. Each part lives in its own folder and is exported here.
 */
export * from './delivery/index.js';
