/** What every audited store shares: the API's audit entry and the revisioned write. */
export { type AuditEntry, type AuditRow, auditEntrySchemaFor, toAuditEntry } from "./audit-entry";
export { upsertRevisioned } from "./revisioned-upsert";
