/** Maintenance restarts happen in a declared off-peak hour. */
import { resourcePolicy } from "../policy";
import { SQL_INSTANCE } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { SqlInstanceInputs } from "./instance-inputs";

export const sqlMaintenanceWindow = resourcePolicy<SqlInstanceInputs>({
  name: "sql-maintenance-window",
  description: "Cloud SQL instances declare a maintenance window (day and hour).",
  severity: "low",
  remediationSteps: "Set settings.maintenanceWindow with day (1-7) and hour (0-23).",
  framework: googleCloudDocs("sql/docs/postgres/maintenance", "Cloud SQL: maintenance windows"),
  tags: ["cloudsql", "upgrades"],
  appliesTo: [SQL_INSTANCE],
  validate: (instance, _args, report) => {
    const window = instance.settings?.maintenanceWindow;
    if (typeof window?.day !== "number" || typeof window.hour !== "number") report("No maintenance window: settings.maintenanceWindow needs a day and an hour.");
  },
});
