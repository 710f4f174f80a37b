/** RDB snapshots: a restart or failover does not lose the whole dataset. */
import { shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { REDIS_INSTANCE } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { RedisInstanceInputs } from "./instance-inputs";

export const redisPersistence = resourcePolicy<RedisInstanceInputs>({
  name: "redis-persistence",
  description: "Memorystore for Redis instances persist RDB snapshots.",
  severity: "medium",
  remediationSteps: 'Set persistenceConfig.persistenceMode to "RDB" with an rdbSnapshotPeriod such as "TWELVE_HOURS".',
  framework: googleCloudDocs("memorystore/docs/redis/about-rdb-snapshots", "Memorystore for Redis: RDB snapshots"),
  tags: ["redis", "resilience"],
  appliesTo: [REDIS_INSTANCE],
  validate: (instance, _args, report) => {
    const mode = instance.persistenceConfig?.persistenceMode;
    if (mode !== "RDB") report(`The dataset is not persisted: persistenceConfig.persistenceMode is ${shownOr(mode, "not set (DISABLED)")}.`);
  },
});
