/** Automated backups with point-in-time recovery: restore to any second of the retention window. */
import { resourcePolicy } from "../policy";
import { SQL_INSTANCE } from "../resource-types";
import { cisGcp } from "../sources";
import type { SqlInstanceInputs } from "./instance-inputs";

export const sqlBackupsPitr = resourcePolicy<SqlInstanceInputs>({
  name: "sql-backups-pitr",
  description: "Cloud SQL instances take automated backups with point-in-time recovery.",
  severity: "high",
  remediationSteps: "Set settings.backupConfiguration.enabled and settings.backupConfiguration.pointInTimeRecoveryEnabled to true.",
  framework: cisGcp("6.7", "Ensure That Cloud SQL Database Instances Are Configured With Automated Backups"),
  tags: ["cloudsql", "resilience"],
  appliesTo: [SQL_INSTANCE],
  validate: (instance, _args, report) => {
    const backups = instance.settings?.backupConfiguration;
    if (backups?.enabled !== true) report("Automated backups are off: settings.backupConfiguration.enabled is not true.");
    else if (backups.pointInTimeRecoveryEnabled !== true) report("Point-in-time recovery is off: settings.backupConfiguration.pointInTimeRecoveryEnabled is not true.");
  },
});
