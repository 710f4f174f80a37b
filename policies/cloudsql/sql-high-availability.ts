/** A regional instance fails over to a standby in another zone. */
import { shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { SQL_INSTANCE } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { SqlInstanceInputs } from "./instance-inputs";

export const sqlHighAvailability = resourcePolicy<SqlInstanceInputs>({
  name: "sql-high-availability",
  description: "Cloud SQL instances are REGIONAL (high availability).",
  severity: "medium",
  remediationSteps: 'Set settings.availabilityType to "REGIONAL" (armature:postgres.availability).',
  framework: googleCloudDocs("sql/docs/postgres/high-availability", "Cloud SQL: high availability (REGIONAL)"),
  tags: ["cloudsql", "resilience"],
  appliesTo: [SQL_INSTANCE],
  validate: (instance, _args, report) => {
    const availability = instance.settings?.availabilityType;
    if (availability !== "REGIONAL") report(`The instance has no standby: settings.availabilityType is ${shownOr(availability, "not set (ZONAL)")}.`);
  },
});
