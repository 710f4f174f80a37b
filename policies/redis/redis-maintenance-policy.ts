/** Memorystore maintenance happens in a declared weekly window. */
import { list } from "../lib/values";
import { resourcePolicy } from "../policy";
import { REDIS_INSTANCE } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { RedisInstanceInputs } from "./instance-inputs";

export const redisMaintenancePolicy = resourcePolicy<RedisInstanceInputs>({
  name: "redis-maintenance-policy",
  description: "Memorystore for Redis instances declare a weekly maintenance window.",
  severity: "low",
  remediationSteps: "Set maintenancePolicy.weeklyMaintenanceWindows to an off-peak day and start time.",
  framework: googleCloudDocs("memorystore/docs/redis/maintenance-policy", "Memorystore for Redis: maintenance policy (maintenance windows)"),
  tags: ["redis", "upgrades"],
  appliesTo: [REDIS_INSTANCE],
  validate: (instance, _args, report) => {
    if (list(instance.maintenancePolicy?.weeklyMaintenanceWindows).length === 0) report("No maintenance window: maintenancePolicy.weeklyMaintenanceWindows is empty.");
  },
});
