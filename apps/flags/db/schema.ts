/**
 * Kysely table types for migrations/flags.
 * TEMPORARY, hand-written: replace with the types issue 9 generates from the migrated schema.
 */
import type { ColumnType, Generated } from "kysely";
import type { Constraint, Dependency, EnvironmentConfig } from "../model/definition";
import type { LifecycleStage } from "../model/lifecycle";

type Json<T> = ColumnType<T, string, string>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Revision = ColumnType<string, number | undefined, number>;

export interface FlagSetVersionTable {
  singleton: Generated<boolean>;
  version: ColumnType<string, number, number>;
}

export interface SegmentsTable {
  key: string;
  description: string;
  constraints: Json<Constraint[]>;
  revision: Revision;
  updated_at: Timestamp;
  updated_by: string;
}

export interface FlagsTable {
  key: string;
  description: string;
  lifecycle: ColumnType<LifecycleStage, LifecycleStage | undefined, LifecycleStage>;
  lifecycle_changed_at: Timestamp;
  environments: Json<Record<string, EnvironmentConfig>>;
  dependencies: Json<Dependency[]>;
  exposures: boolean;
  revision: Revision;
  created_at: ColumnType<Date, undefined, never>;
  updated_at: Timestamp;
  updated_by: string;
}

export interface FlagSegmentsTable {
  flag_key: string;
  segment_key: string;
}

export interface FlagDependenciesTable {
  flag_key: string;
  parent_key: string;
}

export interface AuditLogTable {
  id: ColumnType<string, undefined, never>;
  at: ColumnType<Date, undefined, never>;
  version: ColumnType<string, number, never>;
  actor: string;
  invocation_id: string | null;
  trace_id: string | null;
  entity: "flag" | "segment";
  entity_key: string;
  action: "create" | "update" | "delete" | "transition";
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
}

export interface FlagsDatabase {
  flag_set_version: FlagSetVersionTable;
  segments: SegmentsTable;
  flags: FlagsTable;
  flag_segments: FlagSegmentsTable;
  flag_dependencies: FlagDependenciesTable;
  audit_log: AuditLogTable;
}
