import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { IMPORT_KINDS, type ImportKind } from './formats.js';

/**
 * How to read a user's export: which of his columns is which of ours, and how his dates and
 * numbers are written. One entry per kind; see docs/import.md.
 */
export const kindMappingSchema = z
  .object({
    /** Our column name -> the column name in the file. */
    columns: z.record(z.string(), z.string().min(1)).default({}),
    /** Our column name -> a value to use for every record (e.g. channel: "web"). */
    constants: z.record(z.string(), z.string()).default({}),
    /** strptime format of dates, e.g. "%d/%m/%Y". Default: ISO 8601. */
    dateFormat: z.string().min(2).optional(),
    /** strptime format of timestamps, e.g. "%d/%m/%Y %H:%M". Default: ISO 8601 with optional offset. */
    timestampFormat: z.string().min(2).optional(),
    /** "," for exports written as 1 234,56. */
    decimalSeparator: z.enum(['.', ',']).default('.'),
    /** CSV delimiter; detected from the header line when absent. */
    delimiter: z.string().length(1).optional(),
    /** CSV encoding; French spreadsheet exports are often latin-1. */
    encoding: z.enum(['utf-8', 'latin-1', 'utf-16']).default('utf-8'),
  })
  .strict();

export const mappingFileSchema = z.partialRecord(z.enum(IMPORT_KINDS), kindMappingSchema);

export type KindMapping = z.infer<typeof kindMappingSchema>;
export type MappingFile = z.infer<typeof mappingFileSchema>;

export const IDENTITY_MAPPING: KindMapping = kindMappingSchema.parse({});

export function parseMapping(input: unknown, origin: string): MappingFile {
  const result = mappingFileSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid mapping file ${origin}:\n${issues.join('\n')}`);
  }
  return result.data;
}

export function loadMapping(path: string): MappingFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read mapping file ${path}: ${(error as Error).message}`);
  }
  return parseMapping(raw, path);
}

export function mappingFor(mapping: MappingFile | undefined, kind: ImportKind): KindMapping {
  return mapping?.[kind] ?? IDENTITY_MAPPING;
}
