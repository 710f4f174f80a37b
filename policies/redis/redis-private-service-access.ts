/** Private services access: the instance lives in the platform's reserved private range. */
import { shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { REDIS_INSTANCE } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { RedisInstanceInputs } from "./instance-inputs";

export const redisPrivateServiceAccess = resourcePolicy<RedisInstanceInputs>({
  name: "redis-private-service-access",
  description: "Memorystore for Redis instances connect through private services access.",
  severity: "high",
  remediationSteps: 'Set connectMode to "PRIVATE_SERVICE_ACCESS" and authorizedNetwork to the VPC.',
  framework: googleCloudDocs("memorystore/docs/redis/networking", "Memorystore for Redis: networking (private services access)"),
  tags: ["redis", "network"],
  appliesTo: [REDIS_INSTANCE],
  validate: (instance, _args, report) => {
    const mode = instance.connectMode;
    if (mode !== "PRIVATE_SERVICE_ACCESS") report(`The instance is peered directly instead of through private services access: connectMode is ${shownOr(mode, "not set (DIRECT_PEERING)")}.`);
  },
});
