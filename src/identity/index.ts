export { customerPersons } from './persons-step.js';
