/** Cloud SQL is reached over private services access only: no public address, no allow-lists. */
import { isSet, list, record } from "../lib/values";
import { resourcePolicy } from "../policy";
import { SQL_INSTANCE } from "../resource-types";
import { cisGcp } from "../sources";
import type { SqlInstanceInputs } from "./instance-inputs";

export const sqlNoPublicIp = resourcePolicy<SqlInstanceInputs>({
  name: "sql-no-public-ip",
  description: "Cloud SQL instances have no public IP address and use a private network.",
  severity: "critical",
  remediationSteps:
    "Set settings.ipConfiguration.ipv4Enabled to false, settings.ipConfiguration.privateNetwork to the VPC (with private services access), and remove authorizedNetworks.",
  framework: cisGcp("6.6", "Ensure That Cloud SQL Database Instances Do Not Have Public IPs (and 6.5, Ensure That Cloud SQL Database Instances Do Not Implicitly Whitelist All Public IP Addresses)"),
  tags: ["cloudsql", "network"],
  appliesTo: [SQL_INSTANCE],
  validate: (instance, _args, report) => {
    const ip = instance.settings?.ipConfiguration;
    if (ip?.ipv4Enabled !== false) report("The instance gets a public IP address: settings.ipConfiguration.ipv4Enabled is not false (the provider default is true).");
    if (!isSet(record(ip), "privateNetwork")) report("The instance is not on a private network: settings.ipConfiguration.privateNetwork is not set.");
    if (list(ip?.authorizedNetworks).length > 0) report("The instance accepts connections from authorized networks on its public address: remove settings.ipConfiguration.authorizedNetworks.");
  },
});
