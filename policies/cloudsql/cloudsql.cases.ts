/** Passing and violating examples of every Cloud SQL policy. */
import { sqlInstanceArgs } from "../fixtures/compliant-parts";
import { SQL_INSTANCE } from "../resource-types";
import { type PolicyCases, resource, set, unset } from "../testing/examples";
import { sqlBackupsPitr } from "./sql-backups-pitr";
import { sqlDeletionProtection } from "./sql-deletion-protection";
import { sqlHighAvailability } from "./sql-high-availability";
import { sqlIamAuthentication } from "./sql-iam-authentication";
import { sqlMaintenanceWindow } from "./sql-maintenance-window";
import { sqlNoPublicIp } from "./sql-no-public-ip";
import { sqlQueryInsights } from "./sql-query-insights";
import { sqlSslRequired } from "./sql-ssl-required";

const SQL = sqlInstanceArgs("projects/p/global/networks/vpc");
const instance = (name: string, inputs: object = SQL) => resource(name, { type: SQL_INSTANCE, inputs });
const compliant = instance("the compliant instance");

export const cloudSqlCases: readonly PolicyCases[] = [
  {
    policy: sqlNoPublicIp,
    passes: [compliant, instance("private network from another resource (unknown in a preview)", set(SQL, "settings.ipConfiguration.privateNetwork", undefined))],
    violations: [
      resource("public IP on", { type: SQL_INSTANCE, inputs: set(SQL, "settings.ipConfiguration.ipv4Enabled", true) }, { expect: /ipv4Enabled/ }),
      instance("public IP by default (ipv4Enabled not set)", unset(SQL, "settings.ipConfiguration.ipv4Enabled")),
      instance("no private network", unset(SQL, "settings.ipConfiguration.privateNetwork")),
      instance("an authorized network", set(SQL, "settings.ipConfiguration.authorizedNetworks", [{ value: "0.0.0.0/0" }])),
    ],
  },
  {
    policy: sqlSslRequired,
    passes: [compliant, instance("client certificates required", set(SQL, "settings.ipConfiguration.sslMode", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"))],
    violations: [instance("unencrypted allowed", set(SQL, "settings.ipConfiguration.sslMode", "ALLOW_UNENCRYPTED_AND_ENCRYPTED")), instance("sslMode not set", unset(SQL, "settings.ipConfiguration.sslMode"))],
  },
  {
    policy: sqlHighAvailability,
    passes: [compliant],
    violations: [instance("zonal", set(SQL, "settings.availabilityType", "ZONAL")), instance("availability not set", unset(SQL, "settings.availabilityType"))],
  },
  {
    policy: sqlBackupsPitr,
    passes: [compliant],
    violations: [instance("no backups", unset(SQL, "settings.backupConfiguration")), instance("no point-in-time recovery", set(SQL, "settings.backupConfiguration.pointInTimeRecoveryEnabled", false))],
  },
  {
    policy: sqlDeletionProtection,
    passes: [compliant, instance("provider default", unset(SQL, "deletionProtection"))],
    violations: [instance("Pulumi may delete it", set(SQL, "deletionProtection", false)), instance("the API may delete it", unset(SQL, "settings.deletionProtectionEnabled"))],
  },
  {
    policy: sqlIamAuthentication,
    passes: [compliant, instance("MySQL (not applicable)", set(unset(SQL, "settings.databaseFlags"), "databaseVersion", "MYSQL_8_0"))],
    violations: [instance("no flag", unset(SQL, "settings.databaseFlags")), instance("flag off", set(SQL, "settings.databaseFlags", [{ name: "cloudsql.iam_authentication", value: "off" }]))],
  },
  { policy: sqlQueryInsights, passes: [compliant], violations: [instance("insights off", unset(SQL, "settings.insightsConfig"))] },
  {
    policy: sqlMaintenanceWindow,
    passes: [compliant],
    violations: [instance("no window", unset(SQL, "settings.maintenanceWindow")), instance("a day without an hour", set(SQL, "settings.maintenanceWindow", { day: 7 }))],
  },
];
