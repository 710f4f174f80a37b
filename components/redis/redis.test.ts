import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { type MockRuntime, StandInResource, useMockRuntime, valueOf } from "../shared/mock-runtime";
import { Redis, type RedisArgs } from "./redis";

let mocks: MockRuntime;
let peering: pulumi.Resource;
beforeAll(async () => {
  mocks = await useMockRuntime();
  peering = new StandInResource("psa");
});

const INSTANCE = "gcp:redis/instance:Instance";

const args = (overrides: Partial<RedisArgs> = {}): RedisArgs => ({
  namePrefix: "armature-test",
  region: "europe-west1",
  network: "projects/my-project/global/networks/armature-test",
  privateServiceAccess: peering,
  reservedIpRange: "armature-test-private-services",
  memorySizeGb: 2,
  labels: { team: "platform" },
  ...overrides,
});

describe("Redis", () => {
  it("applies the secure defaults and outputs host, port, AUTH (secret) and CA", async () => {
    const redis = new Redis("cache", args());
    await mocks.settle();
    expect(mocks.named(INSTANCE, "cache").inputs).toMatchObject({
      name: "armature-test-cache",
      tier: "STANDARD_HA",
      redisVersion: "REDIS_7_2",
      authEnabled: true,
      transitEncryptionMode: "SERVER_AUTHENTICATION",
      connectMode: "PRIVATE_SERVICE_ACCESS",
      authorizedNetwork: "projects/my-project/global/networks/armature-test",
      reservedIpRange: "armature-test-private-services",
      persistenceConfig: { persistenceMode: "RDB", rdbSnapshotPeriod: "TWELVE_HOURS" },
      maintenancePolicy: { weeklyMaintenanceWindows: [{ day: "SUNDAY", startTime: { hours: 3 } }] },
      deletionProtection: true,
      labels: { team: "platform" },
    });
    expect(await valueOf(redis.host)).toBe("10.30.1.4");
    expect(await valueOf(redis.port)).toBe(6378);
    expect(await pulumi.isSecret(redis.authString)).toBe(true);
    expect(await valueOf(redis.authString)).toHaveLength(36);
    expect(await valueOf(redis.caCertificate)).toContain("BEGIN CERTIFICATE");
  });

  it("honours overrides", async () => {
    new Redis("small", args({
      tier: "BASIC",
      memorySizeGb: 1,
      persistence: "DISABLED",
      deletionProtection: false,
      maintenanceWindow: { day: "SATURDAY", hour: 22 },
    }));
    new Redis("replicas", args({ replicaCount: 2, snapshotPeriod: "ONE_HOUR" }));
    await mocks.settle();
    expect(mocks.named(INSTANCE, "small").inputs).toMatchObject({
      tier: "BASIC",
      persistenceConfig: { persistenceMode: "DISABLED" },
      deletionProtection: false,
      maintenancePolicy: { weeklyMaintenanceWindows: [{ day: "SATURDAY", startTime: { hours: 22 } }] },
    });
    expect(mocks.named(INSTANCE, "replicas").inputs).toMatchObject({
      replicaCount: 2,
      readReplicasMode: "READ_REPLICAS_ENABLED",
      persistenceConfig: { rdbSnapshotPeriod: "ONE_HOUR" },
    });
  });

  it("refuses conflicting or invalid Args with the Arg and the fix", () => {
    expect(() => new Redis("basic-replicas", args({ tier: "BASIC", replicaCount: 1 }))).toThrow(
      /Redis "basic-replicas": Args\.replicaCount: set on a BASIC instance, which has no replicas\. Fix: drop replicaCount, or use tier STANDARD_HA/,
    );
    expect(() => new Redis("snapshots", args({ persistence: "DISABLED", snapshotPeriod: "ONE_HOUR" }))).toThrow(/Args\.snapshotPeriod: set while persistence is DISABLED/);
    expect(() => new Redis("huge", args({ memorySizeGb: 500 }))).toThrow(/Args\.memorySizeGb: 500 is outside 1-300/);
    expect(() => new Redis("version", args({ version: "REDIS_5_0" }))).toThrow(/Args\.version: "REDIS_5_0" is not a Memorystore version/);
  });
});
