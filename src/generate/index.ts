export { generateDemoCompany, generateOptionsSchema } from './company.js';
export type { GenerateOptions, GenerateReport } from './company.js';
export { POPULATION } from './person-life.js';
export { DIGITAL_TYPES } from './people.js';
export type { DigitalType } from './people.js';
export {
  simulateBgNbd,
  simulateParetoNbd,
  simulateGammaGammaSpend,
  bgNbdPurchases,
  paretoNbdPurchases,
  bgNbdExpectedTransactions,
} from './btyd.js';
export type { BgNbdParams, ParetoNbdParams, GammaGammaParams, BtydSample, SimulationOptions } from './btyd.js';
export { Rng } from './random.js';
