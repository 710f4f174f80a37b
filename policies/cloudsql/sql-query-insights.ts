/** Query insights show slow queries per service without extra tooling. */
import { resourcePolicy } from "../policy";
import { SQL_INSTANCE } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { SqlInstanceInputs } from "./instance-inputs";

export const sqlQueryInsights = resourcePolicy<SqlInstanceInputs>({
  name: "sql-query-insights",
  description: "Cloud SQL instances enable query insights.",
  severity: "low",
  remediationSteps: "Set settings.insightsConfig.queryInsightsEnabled to true.",
  framework: googleCloudDocs("sql/docs/postgres/using-query-insights", "Cloud SQL: Query insights"),
  tags: ["cloudsql", "observability"],
  appliesTo: [SQL_INSTANCE],
  validate: (instance, _args, report) => {
    if (instance.settings?.insightsConfig?.queryInsightsEnabled !== true) report("Query insights are off: settings.insightsConfig.queryInsightsEnabled is not true.");
  },
});
