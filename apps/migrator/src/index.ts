/**
 * The migrator's library API (stable: apps apply their own migrations in tests with it).
 *
 *   await migrate({ databaseUrl, database: "flags", phase: "pre" });   // or directory: "path/to/folder"
 *   await migrateToLatest({ databaseUrl, database: "flags" });         // pre then post
 *
 * See apps/migrator/README.md.
 */
export { exitCodes, MigratorError, InvalidMigrationsError, type FailureKind } from "./errors";
export { migrate, migrateToLatest, defaultLockTimeoutMs, type MigrateOptions, type MigrateResult, type MigratorEvent, type AppliedStep } from "./migrate";
export { status, plan, type StatusReport, type VersionStatus, type StepState, type PlanResult, type PlanOptions, type InspectOptions } from "./inspect";
export { loadMigrations, type MigrationSet, type MigrationVersion } from "./layout";
export { migrationsRoot, resolveDirectory, type FolderChoice } from "./locate";
export { commands, type MigrateCommand } from "./pending";
export type { StepContext } from "./step-context";
export { manageTimePartitions, maintainTimePartitions, maintainRecordedPartitions, type TimePartitionSpec, type PartitionChanges } from "./time-partitions";
