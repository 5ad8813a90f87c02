import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { parseDbLocation } from './db-location.js';
import { activationConfigSchema } from './activation-config.js';
import { collectConfigSchema } from './collect-config.js';
import { digitalConfigSchema } from './digital-config.js';
import { identityConfigSchema } from './identity-config.js';
import { needsConfigSchema } from './needs-config.js';
import { segmentsConfigSchema } from './segments-config.js';
import { serverConfigSchema } from './server-config.js';
import { valueConfigSchema } from './value-config.js';

/**
 * The one configuration object. Every field has a documented default (docs/configuration.md),
 * so an empty file, or no file, is a valid configuration.
 */
export const configSchema = z
  .object({
    /**
     * Where the datamart lives: a DuckDB file, or a ClickHouse database as
     * clickhouse://user:password@host:8123/database (FIDELIS_DB overrides the file, --db both).
     */
    db: z
      .string()
      .min(1)
      .default('./fidelis.duckdb')
      .superRefine((db, context) => {
        try {
          parseDbLocation(db);
        } catch (error) {
          // The parser's message names the wrong part and shows the URL without its password.
          context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        }
      }),
    /** ISO 4217 code of the one currency all amounts are in. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
      .default('EUR'),
    duckdb: z
      .object({
        /** Memory the embedded engine may use before spilling to disk, e.g. "4GB". Default: 80% of RAM. */
        memoryLimit: z
          .string()
          .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as 4GB or 512MB')
          .optional(),
        /** Worker threads. Default: one per core. */
        threads: z.number().int().min(1).max(1024).optional(),
      })
      .prefault({}),
    value: valueConfigSchema,
    segments: segmentsConfigSchema,
    digital: digitalConfigSchema,
    needs: needsConfigSchema,
    identity: identityConfigSchema,
    server: serverConfigSchema,
    collect: collectConfigSchema,
    activation: activationConfigSchema,
    import: z
      .object({
        /** How many problems an import lists before it stops looking. */
        maxProblems: z.number().int().min(1).max(10_000).default(20),
      })
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export const DEFAULT_CONFIG_FILE = 'fidelis.config.json';

export function parseConfig(input: unknown, origin = 'configuration'): Config {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid ${origin}:\n${issues.join('\n')}`);
  }
  return result.data;
}

/** Reads the config file if there is one (the default file is optional, a named one is not). */
export function loadConfig(path?: string, overrides: ConfigInput = {}): Config {
  const file = path ?? DEFAULT_CONFIG_FILE;
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`);
    }
  } else if (path) {
    throw new ConfigError(`Configuration file ${path} does not exist`);
  }
  // The environment's database (a ClickHouse URL with its password kept out of files) overrides the file's.
  const fromEnv = process.env.FIDELIS_DB ? { db: process.env.FIDELIS_DB } : {};
  return parseConfig({ ...fromFile, ...fromEnv, ...stripUndefined(overrides) }, file);
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
