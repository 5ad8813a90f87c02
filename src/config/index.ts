export { configSchema, parseConfig, loadConfig, DEFAULT_CONFIG_FILE } from './config.js';
export type { Config, ConfigInput } from './config.js';
