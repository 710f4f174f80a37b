/**
 * Google Cloud Managed Service for Apache Kafka: a private cluster reachable only from the VPC
 * subnet it is attached to, topics declared as data (`<domain>.<entity>.v<N>`, partitions, retention,
 * replication) and least-privilege access per service: Kafka ACLs for exactly the operations each
 * client needs, through the provider's native `gcp.managedkafka.Acl` (see README for why not
 * @pulumi/kafka), plus the IAM role each client needs to connect.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { argChecker } from "../shared/arg-error";
import type { Labels } from "../shared/types";
import { TOPIC_NAME } from "./topic-name";

export interface KafkaTopicSpec {
  /** `<domain>.<entity>.v<N>`, e.g. discovery.service-change.v1. */
  readonly name: string;
  readonly partitions: number;
  /** Default 3 (one replica per zone). At least 3 when `production` is true. */
  readonly replication?: number;
  readonly retentionHours: number;
  /** Default "delete". */
  readonly cleanupPolicy?: "delete" | "compact";
  /** Client names (keys of `clients`) that may write to the topic. */
  readonly producers?: readonly string[];
  /** Client names (keys of `clients`) that may read the topic (from consumer groups named after themselves). */
  readonly consumers?: readonly string[];
}

export interface KafkaClusterArgs {
  /** Prefix of resource names, e.g. "armature-dev". */
  readonly namePrefix: string;
  readonly project: string;
  readonly region: string;
  /** `projects/<p>/regions/<r>/subnetworks/<name>`: brokers get private addresses there only. */
  readonly subnet: pulumi.Input<string>;
  readonly vcpuCount: number;
  /** 1 to 8 GiB per vCPU. */
  readonly memoryGb: number;
  readonly labels: Labels;
  /** Production refuses topics with fewer than 3 replicas. */
  readonly production: boolean;
  readonly topics?: readonly KafkaTopicSpec[];
  /** Service name → its GCP service account email (the SASL principal). */
  readonly clients?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Default "AUTO_REBALANCE_ON_SCALE_UP". */
  readonly rebalanceMode?: "AUTO_REBALANCE_ON_SCALE_UP" | "NO_REBALANCE";
  /** Customer-managed encryption key for data at rest. Default: Google-managed. */
  readonly kmsKey?: pulumi.Input<string>;
  /** Default true: the cluster and topics refuse deletion (deletionPolicy PREVENT). */
  readonly deletionProtection?: boolean;
}

export interface TopicPrefixGrant {
  /** Topics and consumer groups starting with this prefix, e.g. "acme." for a tenant. */
  readonly prefix: string;
  readonly principal: pulumi.Input<string>;
  /** Default: read and write. */
  readonly operations?: readonly ("READ" | "WRITE" | "CREATE" | "DESCRIBE")[];
}

export const CLIENT_ROLE = "roles/managedkafka.client";
const GIB = 1024 ** 3;

export class KafkaCluster extends pulumi.ComponentResource {
  readonly cluster: gcp.managedkafka.Cluster;
  readonly clusterId: string;
  /** `bootstrap.<cluster>.<region>.managedkafka.<project>.cloud.goog:9092` (SASL_SSL). */
  readonly bootstrapAddress: string;
  readonly topics: Readonly<Record<string, gcp.managedkafka.Topic>>;
  private readonly args: KafkaClusterArgs;
  private readonly deletionPolicy: string;

  constructor(name: string, args: KafkaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:kafka:KafkaCluster", name, {}, opts);
    validate(name, args);
    this.args = args;
    this.clusterId = `${args.namePrefix}-${name}`;
    this.bootstrapAddress = `bootstrap.${this.clusterId}.${args.region}.managedkafka.${args.project}.cloud.goog:9092`;
    this.deletionPolicy = args.deletionProtection ?? true ? "PREVENT" : "DELETE";

    this.cluster = new gcp.managedkafka.Cluster(name, {
      clusterId: this.clusterId,
      location: args.region,
      capacityConfig: { vcpuCount: String(args.vcpuCount), memoryBytes: String(args.memoryGb * GIB) },
      gcpConfig: { accessConfig: { networkConfigs: [{ subnet: args.subnet }] }, kmsKey: args.kmsKey },
      rebalanceConfig: { mode: args.rebalanceMode ?? "AUTO_REBALANCE_ON_SCALE_UP" },
      deletionPolicy: this.deletionPolicy,
      labels: { ...args.labels },
    }, { parent: this });

    const topics: Record<string, gcp.managedkafka.Topic> = {};
    for (const spec of args.topics ?? []) topics[spec.name] = this.createTopic(name, spec);
    this.topics = topics;
    this.grantDeclaredAccess(name, args);

    this.registerOutputs({ clusterId: this.clusterId, bootstrapAddress: this.bootstrapAddress });
  }

  /**
   * Lets one principal use every topic and consumer group under a prefix (a tenant's `acme.`), with
   * nothing else. Each prefix gets its own ACL resources, so grants never overwrite one another.
   */
  grantTopicPrefix(name: string, grant: TopicPrefixGrant, opts?: pulumi.CustomResourceOptions): void {
    const check = argChecker("KafkaCluster", this.clusterId);
    check(/^[a-z][a-z0-9-]*\.$/.test(grant.prefix), "grantTopicPrefix.prefix", `${JSON.stringify(grant.prefix)} is not a topic prefix`, 'use a domain followed by a dot, e.g. "acme."');
    const parent = { parent: this, ...opts };
    const principal = pulumi.interpolate`User:${grant.principal}`;
    const operations = grant.operations ?? ["READ", "WRITE", "DESCRIBE"];
    this.acl(`${name}-topics`, `topicPrefixed/${grant.prefix}`, operations.map((operation) => ({ principal, operation })), parent);
    this.acl(`${name}-groups`, `consumerGroupPrefixed/${grant.prefix}`, [{ principal, operation: "READ" }], parent);
    this.clientRole(name, grant.principal, parent);
  }

  private createTopic(name: string, spec: KafkaTopicSpec): gcp.managedkafka.Topic {
    const replication = spec.replication ?? 3;
    return new gcp.managedkafka.Topic(`${name}-${spec.name}`, {
      topicId: spec.name,
      cluster: this.cluster.clusterId,
      location: this.args.region,
      partitionCount: spec.partitions,
      replicationFactor: replication,
      configs: {
        "retention.ms": String(spec.retentionHours * 3_600_000),
        "cleanup.policy": spec.cleanupPolicy ?? "delete",
        // With 3 replicas a write survives one lost zone; with fewer there is nothing to wait for.
        "min.insync.replicas": replication >= 3 ? "2" : "1",
      },
      deletionPolicy: this.deletionPolicy,
    }, { parent: this });
  }

  /** One ACL per declared topic listing exactly its producers and consumers; one per consumer's groups. */
  private grantDeclaredAccess(name: string, args: KafkaClusterArgs): void {
    const clients = args.clients ?? {};
    const principal = (client: string) => pulumi.interpolate`User:${clients[client]!}`;
    for (const spec of args.topics ?? []) {
      const entries = [
        ...(spec.producers ?? []).flatMap((client) => ["WRITE", "DESCRIBE"].map((operation) => ({ principal: principal(client), operation }))),
        ...(spec.consumers ?? []).flatMap((client) => ["READ", "DESCRIBE"].map((operation) => ({ principal: principal(client), operation }))),
      ];
      if (entries.length > 0) this.acl(`${name}-${spec.name}`, `topic/${spec.name}`, entries, { parent: this, dependsOn: [this.topics[spec.name]!] });
    }
    const consumers = new Set((args.topics ?? []).flatMap((spec) => spec.consumers ?? []));
    for (const client of consumers) {
      this.acl(`${name}-${client}-groups`, `consumerGroupPrefixed/${client}`, [{ principal: principal(client), operation: "READ" }], { parent: this });
    }
    const users = new Set((args.topics ?? []).flatMap((spec) => [...(spec.producers ?? []), ...(spec.consumers ?? [])]));
    for (const client of users) this.clientRole(`${name}-${client}`, clients[client]!, { parent: this });
  }

  private acl(resourceName: string, aclId: string, entries: { principal: pulumi.Input<string>; operation: string }[], opts: pulumi.CustomResourceOptions): void {
    new gcp.managedkafka.Acl(resourceName, {
      aclId,
      cluster: this.cluster.clusterId,
      location: this.args.region,
      aclEntries: entries.map((entry) => ({ ...entry, permissionType: "ALLOW", host: "*" })),
      deletionPolicy: "DELETE",
    }, opts);
  }

  private clientRole(resourceName: string, email: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): void {
    new gcp.projects.IAMMember(`${resourceName}-kafka-client`, {
      project: this.args.project,
      role: CLIENT_ROLE,
      member: pulumi.interpolate`serviceAccount:${email}`,
    }, opts);
  }
}

function validate(name: string, args: KafkaClusterArgs): void {
  const check = argChecker("KafkaCluster", name);
  check(Number.isInteger(args.vcpuCount) && args.vcpuCount >= 3, "vcpuCount", `${args.vcpuCount} is below 3`, "use 3 or more vCPUs (the service's minimum)");
  check(
    args.memoryGb >= args.vcpuCount && args.memoryGb <= args.vcpuCount * 8,
    "memoryGb",
    `${args.memoryGb} is outside 1-8 GiB per vCPU`,
    `use ${args.vcpuCount} to ${args.vcpuCount * 8} for vcpuCount ${args.vcpuCount}`,
  );
  const seen = new Set<string>();
  (args.topics ?? []).forEach((topic, index) => {
    const at = `topics[${index}]`;
    check(TOPIC_NAME.test(topic.name), `${at}.name`, `${JSON.stringify(topic.name)} does not follow <domain>.<entity>.v<N>`, "name it like discovery.service-change.v1");
    check(!seen.has(topic.name), `${at}.name`, `${topic.name} is declared twice`, "declare each topic once");
    seen.add(topic.name);
    check(Number.isInteger(topic.partitions) && topic.partitions >= 1, `${at}.partitions`, `${topic.partitions} is not a whole number >= 1`, "use 1 or more partitions");
    check(Number.isInteger(topic.retentionHours) && topic.retentionHours >= 1, `${at}.retentionHours`, `${topic.retentionHours} is not a whole number >= 1`, "keep messages 1 hour or more");
    const replication = topic.replication ?? 3;
    check(Number.isInteger(replication) && replication >= 1, `${at}.replication`, `${replication} is not a whole number >= 1`, "use 3");
    check(
      !args.production || replication >= 3,
      `${at}.replication`,
      `${replication} in production, where a topic must survive the loss of a zone`,
      "use replication 3 (one replica per zone)",
    );
    for (const client of [...(topic.producers ?? []), ...(topic.consumers ?? [])]) {
      check(Object.hasOwn(args.clients ?? {}, client), `${at}`, `names client ${JSON.stringify(client)}, which is not in Args.clients`, "add the client and its service account email to Args.clients, or remove it from the topic");
    }
  });
}
