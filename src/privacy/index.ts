export { AUDIT_LOG_TABLE, readAudit, writeAudit } from './audit.js';
export type { AuditEntry, AuditRow } from './audit.js';
