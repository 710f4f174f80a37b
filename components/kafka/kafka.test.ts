import { beforeAll, describe, expect, it } from "vitest";
import { type MockRuntime, useMockRuntime } from "../shared/mock-runtime";
import { KafkaCluster, type KafkaClusterArgs } from "./kafka";

let mocks: MockRuntime;
beforeAll(async () => {
  mocks = await useMockRuntime();
});

const CLUSTER = "gcp:managedkafka/cluster:Cluster";
const TOPIC = "gcp:managedkafka/topic:Topic";
const ACL = "gcp:managedkafka/acl:Acl";
const DISCOVERY = "discovery-test@my-project.iam.gserviceaccount.com";
const HEALTH = "health-test@my-project.iam.gserviceaccount.com";

const args = (overrides: Partial<KafkaClusterArgs> = {}): KafkaClusterArgs => ({
  namePrefix: "armature-test",
  project: "my-project",
  region: "europe-west1",
  subnet: "projects/my-project/regions/europe-west1/subnetworks/armature-test-services",
  vcpuCount: 3,
  memoryGb: 6,
  labels: { team: "platform" },
  production: false,
  clients: { discovery: DISCOVERY, health: HEALTH },
  topics: [{ name: "discovery.service-change.v1", partitions: 3, retentionHours: 168, producers: ["discovery"], consumers: ["health"] }],
  ...overrides,
});

describe("KafkaCluster", () => {
  it("creates a private managed cluster and topics with the defaults", async () => {
    const kafka = new KafkaCluster("events", args());
    await mocks.settle();
    expect(mocks.named(CLUSTER, "events").inputs).toMatchObject({
      clusterId: "armature-test-events",
      location: "europe-west1",
      capacityConfig: { vcpuCount: "3", memoryBytes: String(6 * 1024 ** 3) },
      gcpConfig: { accessConfig: { networkConfigs: [{ subnet: "projects/my-project/regions/europe-west1/subnetworks/armature-test-services" }] } },
      rebalanceConfig: { mode: "AUTO_REBALANCE_ON_SCALE_UP" },
      deletionPolicy: "PREVENT",
      labels: { team: "platform" },
    });
    expect(mocks.named(TOPIC, "events-discovery.service-change.v1").inputs).toMatchObject({
      topicId: "discovery.service-change.v1",
      cluster: "armature-test-events",
      partitionCount: 3,
      replicationFactor: 3,
      configs: { "retention.ms": String(168 * 3_600_000), "cleanup.policy": "delete", "min.insync.replicas": "2" },
      deletionPolicy: "PREVENT",
    });
    expect(kafka.bootstrapAddress).toBe("bootstrap.armature-test-events.europe-west1.managedkafka.my-project.cloud.goog:9092");
  });

  it("grants each client exactly what it declared: producers write, consumers read their own groups", async () => {
    new KafkaCluster("acl", args());
    await mocks.settle();
    const topicAcl = mocks.named(ACL, "acl-discovery.service-change.v1").inputs;
    expect(topicAcl.aclId).toBe("topic/discovery.service-change.v1");
    const entries = (topicAcl.aclEntries as { principal: string; operation: string }[]).map((entry) => `${entry.principal} ${entry.operation}`).sort();
    expect(entries).toEqual([`User:${DISCOVERY} DESCRIBE`, `User:${DISCOVERY} WRITE`, `User:${HEALTH} DESCRIBE`, `User:${HEALTH} READ`]);
    expect(topicAcl.aclEntries.every((entry: { permissionType: string; host: string }) => entry.permissionType === "ALLOW" && entry.host === "*")).toBe(true);
    expect(mocks.named(ACL, "acl-health-groups").inputs).toMatchObject({
      aclId: "consumerGroupPrefixed/health",
      aclEntries: [{ principal: `User:${HEALTH}`, operation: "READ" }],
    });
    expect(mocks.ofType(ACL).map((acl) => acl.name)).not.toContain("acl-discovery-groups");
    const roles = mocks.ofType("gcp:projects/iAMMember:IAMMember").filter((member) => member.name.startsWith("acl-"));
    expect(roles.map((role) => `${role.inputs.role} ${role.inputs.member}`).sort()).toEqual([
      `roles/managedkafka.client serviceAccount:${DISCOVERY}`,
      `roles/managedkafka.client serviceAccount:${HEALTH}`,
    ]);
  });

  it("grants a topic prefix (a tenant's) to one principal", async () => {
    const kafka = new KafkaCluster("prefix", args({ topics: [] }));
    kafka.grantTopicPrefix("tenant-acme", { prefix: "acme.", principal: "acme@my-project.iam.gserviceaccount.com" });
    await mocks.settle();
    expect(mocks.named(ACL, "tenant-acme-topics").inputs.aclId).toBe("topicPrefixed/acme.");
    expect(mocks.named(ACL, "tenant-acme-groups").inputs.aclId).toBe("consumerGroupPrefixed/acme.");
    expect(() => kafka.grantTopicPrefix("bad", { prefix: "acme", principal: "x" })).toThrow(/Args\.grantTopicPrefix\.prefix: "acme" is not a topic prefix/);
  });

  it("honours overrides", async () => {
    new KafkaCluster("override", args({
      deletionProtection: false,
      rebalanceMode: "NO_REBALANCE",
      topics: [{ name: "flags.flag-change.v1", partitions: 1, replication: 1, retentionHours: 24, cleanupPolicy: "compact" }],
    }));
    await mocks.settle();
    expect(mocks.named(CLUSTER, "override").inputs).toMatchObject({ deletionPolicy: "DELETE", rebalanceConfig: { mode: "NO_REBALANCE" } });
    expect(mocks.named(TOPIC, "override-flags.flag-change.v1").inputs).toMatchObject({
      replicationFactor: 1,
      configs: { "cleanup.policy": "compact", "min.insync.replicas": "1" },
    });
    expect(mocks.ofType(ACL).map((acl) => acl.name)).not.toContain("override-flags.flag-change.v1");
  });

  it("refuses a topic with replication 1 in production, bad names and unknown clients", () => {
    const single = [{ name: "flags.exposure.v1", partitions: 6, replication: 1, retentionHours: 720 }];
    expect(() => new KafkaCluster("prod", args({ production: true, topics: single }))).toThrow(
      /KafkaCluster "prod": Args\.topics\[0\]\.replication: 1 in production, where a topic must survive the loss of a zone\. Fix: use replication 3/,
    );
    expect(() => new KafkaCluster("name", args({ topics: [{ name: "FlagExposure", partitions: 1, retentionHours: 1 }] }))).toThrow(
      /Args\.topics\[0\]\.name: "FlagExposure" does not follow <domain>\.<entity>\.v<N>/,
    );
    expect(() => new KafkaCluster("client", args({ topics: [{ name: "a.b.v1", partitions: 1, retentionHours: 1, consumers: ["ghost"] }] }))).toThrow(
      /Args\.topics\[0\]: names client "ghost", which is not in Args\.clients/,
    );
    expect(() => new KafkaCluster("memory", args({ memoryGb: 30 }))).toThrow(/Args\.memoryGb: 30 is outside 1-8 GiB per vCPU\. Fix: use 3 to 24/);
  });
});
