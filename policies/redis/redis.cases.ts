/** Passing and violating examples of every Memorystore for Redis policy. */
import { redisArgs } from "../fixtures/compliant-parts";
import { REDIS_INSTANCE } from "../resource-types";
import { type PolicyCases, resource, set, unset } from "../testing/examples";
import { redisAuth } from "./redis-auth";
import { redisHighAvailability } from "./redis-high-availability";
import { redisMaintenancePolicy } from "./redis-maintenance-policy";
import { redisPersistence } from "./redis-persistence";
import { redisPrivateServiceAccess } from "./redis-private-service-access";
import { redisTransitEncryption } from "./redis-transit-encryption";

const REDIS = redisArgs("projects/p/global/networks/vpc");
const instance = (name: string, inputs: object = REDIS) => resource(name, { type: REDIS_INSTANCE, inputs });
const compliant = instance("the compliant instance");

export const redisCases: readonly PolicyCases[] = [
  { policy: redisAuth, passes: [compliant], violations: [instance("AUTH off", set(REDIS, "authEnabled", false)), instance("AUTH not set (off by default)", unset(REDIS, "authEnabled"))] },
  {
    policy: redisTransitEncryption,
    passes: [compliant],
    violations: [instance("disabled", set(REDIS, "transitEncryptionMode", "DISABLED")), instance("not set", unset(REDIS, "transitEncryptionMode"))],
  },
  {
    policy: redisPrivateServiceAccess,
    passes: [compliant],
    violations: [instance("direct peering", set(REDIS, "connectMode", "DIRECT_PEERING")), instance("not set (direct peering)", unset(REDIS, "connectMode"))],
  },
  { policy: redisHighAvailability, passes: [compliant], violations: [instance("BASIC tier", set(REDIS, "tier", "BASIC")), instance("tier not set", unset(REDIS, "tier"))] },
  { policy: redisMaintenancePolicy, passes: [compliant], violations: [instance("no window", unset(REDIS, "maintenancePolicy"))] },
  { policy: redisPersistence, passes: [compliant], violations: [instance("persistence off", set(REDIS, "persistenceConfig.persistenceMode", "DISABLED"))] },
];
