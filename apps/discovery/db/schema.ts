/**
 * Kysely table types for migrations/discovery.
 * TEMPORARY, hand-written: replace with the types issue 9 generates from the migrated schema.
 */
import type { ColumnType, Generated } from "kysely";

type Json<T> = ColumnType<T, string, string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ServicesTable {
  name: string;
  endpoints: Json<string[]>;
  version: string;
  settings: Json<Record<string, unknown>>;
  settings_schema: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  health: ColumnType<"unknown" | "pass" | "warn" | "fail", "unknown" | "pass" | "warn" | "fail" | undefined>;
  health_checked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  revision: ColumnType<string, number | undefined, number>;
  updated_at: Timestamp;
  updated_by: string;
}

export interface OverridesTable {
  id: Generated<string>;
  service: string;
  target: string;
  environment: string | null;
  routing_key: string | null;
  expires_at: ColumnType<Date, Date, Date>;
  created_at: ColumnType<Date, undefined, never>;
  created_by: string;
}

export interface AuditLogTable {
  id: ColumnType<string, undefined, never>;
  at: ColumnType<Date, undefined, never>;
  actor: string;
  invocation_id: string | null;
  trace_id: string | null;
  entity: "service" | "override";
  entity_key: string;
  action: "create" | "update" | "delete" | "health";
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
}

export interface DiscoveryDatabase {
  services: ServicesTable;
  overrides: OverridesTable;
  audit_log: AuditLogTable;
}
