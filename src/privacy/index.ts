export { readAudit, writeAudit } from './audit.js';
export { exportPerson } from './export.js';
export type { PersonExport } from './export.js';
export { erasePerson, eraseFromFiles, erasureSummary, SERVER_STORAGE_DELAY } from './erase.js';
export type { Erasure } from './erase.js';
export { compactDatabase, compactionMarker, compactionPending, markCompactionPending } from './database-compaction.js';
export { resolveSubject } from './subject.js';
export { retentionStep, suppressStep } from './load-steps.js';
export { PRIVACY_MIGRATIONS } from './migrations.js';
