export { configSchema, parseConfig, loadConfig, DEFAULT_CONFIG_FILE } from './config.js';
export type { Config, ConfigInput } from './config.js';
export { DEFAULT_RFM_SEGMENTS, valueConfigSchema } from './value-config.js';
export type { ValueConfig } from './value-config.js';
export { collectConfigSchema } from './collect-config.js';
export type { CollectConfig } from './collect-config.js';
export { activationConfigSchema } from './activation-config.js';
export type { ActivationConfig } from './activation-config.js';
