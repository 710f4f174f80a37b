/** TLS between clients and Redis, with the server's certificate verified. */
import { shownOr } from "../lib/values";
import { resourcePolicy } from "../policy";
import { REDIS_INSTANCE } from "../resource-types";
import { googleCloudDocs } from "../sources";
import type { RedisInstanceInputs } from "./instance-inputs";

export const redisTransitEncryption = resourcePolicy<RedisInstanceInputs>({
  name: "redis-transit-encryption",
  description: "Memorystore for Redis instances encrypt traffic in transit.",
  severity: "high",
  remediationSteps: 'Set transitEncryptionMode to "SERVER_AUTHENTICATION" and give clients the instance\'s CA certificate.',
  framework: googleCloudDocs("memorystore/docs/redis/in-transit-encryption", "Memorystore for Redis: in-transit encryption (SERVER_AUTHENTICATION)"),
  tags: ["redis", "encryption"],
  appliesTo: [REDIS_INSTANCE],
  validate: (instance, _args, report) => {
    const mode = instance.transitEncryptionMode;
    if (mode !== "SERVER_AUTHENTICATION") report(`Traffic to Redis is unencrypted: transitEncryptionMode is ${shownOr(mode, "not set (DISABLED)")}.`);
  },
});
