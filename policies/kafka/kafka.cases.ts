/** Passing and violating examples of every Kafka policy, for managed and provider-made topics. */
import { KAFKA_ACL, KAFKA_TOPIC, MANAGED_KAFKA_ACL, MANAGED_KAFKA_TOPIC } from "../resource-types";
import { type PolicyCases, resource, set, unset } from "../testing/examples";
import { kafkaAclLeastPrivilege } from "./kafka-acl-least-privilege";
import { kafkaTopicExplicitSettings } from "./kafka-topic-explicit-settings";
import { kafkaTopicNaming } from "./kafka-topic-naming";
import { kafkaTopicReplication } from "./kafka-topic-replication";

const MANAGED = {
  cluster: "platform",
  location: "europe-west1",
  topicId: "discovery.service-change.v1",
  partitionCount: 3,
  replicationFactor: 3,
  configs: { "retention.ms": "604800000", "cleanup.policy": "delete" },
};
const PROVIDER = { name: "flags.flag-change.v1", partitions: 3, replicationFactor: 3, config: { "retention.ms": "604800000" } };
const managed = (name: string, inputs: object = MANAGED) => resource(name, { type: MANAGED_KAFKA_TOPIC, inputs });
const topic = (name: string, inputs: object = PROVIDER) => resource(name, { type: KAFKA_TOPIC, inputs });

const MANAGED_ACL = {
  cluster: "platform",
  location: "europe-west1",
  aclId: "topic/discovery.service-change.v1",
  aclEntries: [{ principal: "User:discovery@armature-dev-4821.iam.gserviceaccount.com", operation: "WRITE", permissionType: "ALLOW", host: "*" }],
};
const PROVIDER_ACL = {
  aclResourceName: "flags.flag-change.v1",
  aclResourceType: "Topic",
  aclPrincipal: "User:flags",
  aclHost: "*",
  aclOperation: "Read",
  aclPermissionType: "Allow",
};

export const kafkaCases: readonly PolicyCases[] = [
  {
    policy: kafkaTopicNaming,
    passes: [managed("a managed topic"), topic("a provider topic"), topic("with a tenant prefix", set(PROVIDER, "name", "acme.orders.order-placed.v2"))],
    violations: [
      resource("no version", { type: MANAGED_KAFKA_TOPIC, inputs: set(MANAGED, "topicId", "discovery.service-change") }, { expect: /does not follow/ }),
      topic("upper case", set(PROVIDER, "name", "Orders")),
      topic("no name (auto-named)", unset(PROVIDER, "name")),
    ],
  },
  {
    policy: kafkaTopicReplication,
    passes: [managed("a managed topic"), topic("a provider topic")],
    violations: [managed("one replica", set(MANAGED, "replicationFactor", 1)), topic("two replicas", set(PROVIDER, "replicationFactor", 2))],
  },
  {
    policy: kafkaTopicExplicitSettings,
    passes: [managed("a managed topic"), topic("a provider topic")],
    violations: [managed("default partitions", unset(MANAGED, "partitionCount")), topic("default retention", set(PROVIDER, "config", {})), managed("no configs", unset(MANAGED, "configs"))],
  },
  {
    policy: kafkaAclLeastPrivilege,
    passes: [
      resource("a managed ACL for one service", { type: MANAGED_KAFKA_ACL, inputs: MANAGED_ACL }),
      resource("a provider ACL", { type: KAFKA_ACL, inputs: PROVIDER_ACL }),
      resource("a DENY for everyone", { type: KAFKA_ACL, inputs: { ...PROVIDER_ACL, aclPrincipal: "User:*", aclPermissionType: "Deny" } }),
    ],
    violations: [
      resource("every user", { type: MANAGED_KAFKA_ACL, inputs: set(MANAGED_ACL, "aclEntries", [{ principal: "User:*", operation: "READ", host: "*" }]) }, { expect: /every user/ }),
      resource("every operation", { type: KAFKA_ACL, inputs: { ...PROVIDER_ACL, aclOperation: "All" } }, { expect: /every operation/ }),
    ],
  },
];
