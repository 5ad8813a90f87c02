export { importFiles } from './files/import.js';
export type { ImportOptions, ImportReport, FileImportReport, ImportProgress, ImportStage } from './files/import.js';
export { loadMapping, parseMapping, kindMappingSchema, mappingFileSchema } from './files/mapping.js';
export type { MappingFile, KindMapping } from './files/mapping.js';
export { IMPORT_KINDS, kindFromFileName, detectFormat } from './files/formats.js';
export type { ImportKind, FileFormat } from './files/formats.js';
export { TRANSACTIONS_SPEC } from './files/transactions.js';
