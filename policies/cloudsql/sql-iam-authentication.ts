/** Workloads log in with their Workload Identity service account instead of a password. */
import { list, text } from "../lib/values";
import { resourcePolicy } from "../policy";
import { SQL_INSTANCE } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { SqlInstanceInputs } from "./instance-inputs";

export const sqlIamAuthentication = resourcePolicy<SqlInstanceInputs>({
  name: "sql-iam-authentication",
  description: "Cloud SQL for PostgreSQL instances allow IAM database authentication.",
  severity: "low",
  remediationSteps: 'Add { name: "cloudsql.iam_authentication", value: "on" } to settings.databaseFlags.',
  framework: googleCloudDocs("sql/docs/postgres/iam-authentication", "Cloud SQL: IAM database authentication"),
  tags: ["cloudsql", "identity"],
  appliesTo: [SQL_INSTANCE],
  validate: (instance, args, report) => {
    if (!(text(instance.databaseVersion) ?? "").startsWith("POSTGRES")) args.notApplicable("IAM authentication flag is checked for PostgreSQL only");
    const on = list(instance.settings?.databaseFlags).some((flag) => flag?.name === "cloudsql.iam_authentication" && flag.value === "on");
    if (!on) report('IAM database authentication is off: settings.databaseFlags has no cloudsql.iam_authentication = "on".');
  },
});
