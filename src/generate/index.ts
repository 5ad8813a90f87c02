export { generateDemoCompany } from './company.js';
export type { GenerateReport } from './company.js';
export {
  simulateBgNbd,
  simulateParetoNbd,
  simulateGammaGamma,
  
  
} from './btyd.js';
export type {
  BgNbdParameters,
  ParetoNbdParameters,
  
  
  SimulatedCustomers,
  
  SimulationOptions,
} from './btyd.js';
export { POPULATION, DIGITAL_TYPES } from './population.js';
export { Rng } from './prng.js';
