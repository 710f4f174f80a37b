/** STANDARD_HA keeps a replica in another zone and fails over automatically. */
import { shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { REDIS_INSTANCE } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { RedisInstanceInputs } from "./instance-inputs";

export const redisHighAvailability = resourcePolicy<RedisInstanceInputs>({
  name: "redis-high-availability",
  description: "Memorystore for Redis instances use the STANDARD_HA tier.",
  severity: "medium",
  remediationSteps: 'Set tier to "STANDARD_HA" (armature:redis.tier).',
  framework: googleCloudDocs("memorystore/docs/redis/high-availability", "Memorystore for Redis: high availability (Standard Tier)"),
  tags: ["redis", "resilience"],
  appliesTo: [REDIS_INSTANCE],
  validate: (instance, _args, report) => {
    const tier = instance.tier;
    if (tier !== "STANDARD_HA") report(`The instance has no replica: tier is ${shownOr(tier, "not set (BASIC)")}.`);
  },
});
