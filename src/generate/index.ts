export { generateDemoCompany, generateOptionsSchema } from './company.js';
export type { GenerateOptions, GenerateReport } from './company.js';
export {
  simulateBgNbd,
  simulateParetoNbd,
  simulateGammaGamma,
  bgNbdPurchases,
  paretoNbdPurchases,
} from './btyd.js';
export type {
  BgNbdParameters,
  ParetoNbdParameters,
  GammaGammaParameters,
  RateModulation,
  SimulatedCustomers,
  SimulatedSpends,
  SimulationOptions,
} from './btyd.js';
export { POPULATION, DIGITAL_TYPES } from './population.js';
export type { DigitalType } from './population.js';
export { CATEGORIES } from './catalogue.js';
export { TRUTH_FILES } from './rows.js';
export { Rng } from './prng.js';
