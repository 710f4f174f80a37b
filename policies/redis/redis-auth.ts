/** Without AUTH, anything that reaches the instance's address can read and write it. */
import { resourcePolicy } from "../policy";
import { REDIS_INSTANCE } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { RedisInstanceInputs } from "./instance-inputs";

export const redisAuth = resourcePolicy<RedisInstanceInputs>({
  name: "redis-auth",
  description: "Memorystore for Redis instances require AUTH.",
  severity: "critical",
  remediationSteps: "Set authEnabled to true and hand the AUTH string (authString output, a secret) to clients through a Kubernetes Secret or Vault.",
  framework: googleCloudDocs("memorystore/docs/redis/auth-overview", "Memorystore for Redis: about Redis AUTH"),
  tags: ["redis", "access"],
  appliesTo: [REDIS_INSTANCE],
  validate: (instance, _args, report) => {
    if (instance.authEnabled !== true) report("Clients connect without a password: authEnabled is not true.");
  },
});
