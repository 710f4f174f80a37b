/** Both locks: Pulumi's (deletionProtection) and Google's (settings.deletionProtectionEnabled). */
import { resourcePolicy } from "../policy";
import { SQL_INSTANCE } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { SqlInstanceInputs } from "./instance-inputs";

export const sqlDeletionProtection = resourcePolicy<SqlInstanceInputs>({
  name: "sql-deletion-protection",
  description: "Cloud SQL instances are protected from deletion by both the provider and the API.",
  severity: "medium",
  remediationSteps: "Leave deletionProtection unset or true, and set settings.deletionProtectionEnabled to true; armature:deletionProtection must be true in prod.",
  framework: googleCloudDocs("sql/docs/postgres/deletion-protection", "Cloud SQL: prevent deletion of an instance (with the provider's deletionProtection too)"),
  tags: ["cloudsql", "resilience"],
  appliesTo: [SQL_INSTANCE],
  validate: (instance, _args, report) => {
    if (instance.deletionProtection === false) report("Pulumi may delete the instance: deletionProtection is false.");
    if (instance.settings?.deletionProtectionEnabled !== true) report("The Cloud SQL API may delete the instance: settings.deletionProtectionEnabled is not true.");
  },
});
