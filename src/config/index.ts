export { parseConfig, loadConfig } from './config.js';
export type { Config, ConfigInput } from './config.js';
export { WEEKDAYS } from './pressure-config.js';
export type { PressureConfig, PressureScope, PressureWindow } from './pressure-config.js';
export { displayDbLocation, parseDbLocation } from './db-location.js';
