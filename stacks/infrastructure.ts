/**
 * The platform's infrastructure, composed from the typed StackConfig: network → services cluster and
 * worker capacity → Postgres and Redis on the network's private services access → Kafka on the
 * services subnet → Vault on the services cluster. Returns every component, so later parts of the
 * composition (tenants, apps) can wire onto them.
 */
import type * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_WEBHOOK_PORTS, GkeCluster } from "../components/gke-cluster/gke-cluster";
import type { NodePoolSpec } from "../components/gke-cluster/node-pool";
import { KafkaCluster } from "../components/kafka/kafka";
import { Network, type SubnetSpec } from "../components/network/network";
import { PLATFORM_NAMESPACE } from "../components/platform-apps/platform-apps";
import { KEDA_CONTROL_PLANE_PORTS } from "../components/platform-apps/worker-queue-scaling";
import { PostgresInstance } from "../components/postgres/postgres";
import type { PostgresDatabase } from "../components/postgres/postgres-database";
import { Redis } from "../components/redis/redis";
import { Vault } from "../components/vault/vault";
import { VAULT_INJECTOR_PORT } from "../components/vault/vault-network-policies";
import { WorkerCluster, type WorkerClusterArgs } from "../components/worker-cluster/worker-cluster";
import { healthScalingOf } from "./config/health-scaling";
import type { StackConfig } from "./config/parse";
import type { NodePoolConfig } from "./config/schema";
import type { Labels } from "./labels";
import { type PlatformIdentities, createPlatformIdentities } from "./platform-identities";
import { optionalChartSource } from "./chart-source";

export interface Infrastructure {
  readonly namePrefix: string;
  /** Options for further components: the GCP provider, and waiting for the Google APIs. */
  readonly componentOptions: pulumi.ComponentResourceOptions;
  readonly identities: PlatformIdentities;
  readonly network: Network;
  readonly services: GkeCluster;
  readonly workers: WorkerCluster;
  readonly postgres: PostgresInstance;
  /** The platform apps' own databases (one database and role each). */
  readonly databases: Readonly<Record<string, PostgresDatabase>>;
  readonly redis: Redis;
  readonly kafka: KafkaCluster;
  readonly vault: Vault;
}

/** Platform apps that keep state in Postgres (docs/architecture.md#apps). */
export const APPS_WITH_DATABASES = ["discovery", "flags", "health", "worker"] as const;

export function composeInfrastructure(
  config: StackConfig,
  labels: Labels,
  gcpProvider: gcp.Provider,
  apis: readonly pulumi.Resource[],
): Infrastructure {
  const namePrefix = `armature-${labels["stack"] ?? config.stack}`;
  const opts: pulumi.ComponentResourceOptions = { providers: [gcpProvider], transformations: [afterApis(apis)] };
  const { project, region } = config.gcp;
  const { network: ranges, clusters } = config;
  const separateWorkers = clusters.workers.placement === "separate-cluster";
  // KEDA scales the worker agents from the cluster they run in; its control plane must reach it.
  const workerHostPorts = [...new Set([...DEFAULT_WEBHOOK_PORTS, ...KEDA_CONTROL_PLANE_PORTS])];
  // Vault's agent injector is a webhook too, on the services cluster; KEDA runs there when the workers
  // do, or when health scales on its consumer lag (stacks/platform-apps.ts).
  const servicesRunKeda = !separateWorkers || healthScalingOf(config) !== undefined;
  const servicesWebhookPorts = [...new Set([...DEFAULT_WEBHOOK_PORTS, String(VAULT_INJECTOR_PORT), ...(servicesRunKeda ? KEDA_CONTROL_PLANE_PORTS : [])])];

  const identities = createPlatformIdentities(namePrefix, { provider: gcpProvider, dependsOn: [...apis] });

  const subnets: SubnetSpec[] = [{ name: "services", nodes: ranges.nodes, pods: ranges.pods, services: ranges.services }];
  if (separateWorkers) {
    subnets.push({ name: "workers", nodes: ranges.workerNodes!, pods: ranges.workerPods!, services: ranges.workerServices! });
  }
  const network = new Network("platform", {
    namePrefix,
    region,
    subnets,
    proxyOnlyCidr: ranges.proxyOnly,
    privateServiceAccessCidr: ranges.privateServiceAccess,
    labels,
  }, opts);

  const servicesSubnet = network.subnets["services"]!;
  const masterAuthorizedNetworks = ranges.masterAuthorizedCidrs.map((cidr) => ({ cidr }));
  const services = new GkeCluster("services", {
    namePrefix,
    project,
    region,
    network: network.networkId,
    subnetwork: servicesSubnet.id,
    podsRangeName: servicesSubnet.podsRangeName,
    servicesRangeName: servicesSubnet.servicesRangeName,
    masterCidr: ranges.servicesMaster,
    masterAuthorizedNetworks,
    controlPlaneWebhookPorts: servicesWebhookPorts,
    releaseChannel: clusters.services.releaseChannel,
    nodePools: [pool("on-demand", clusters.services.onDemandPool, false), pool("spot", clusters.services.spotPool, true)],
    deletionProtection: config.deletionProtection,
    labels,
  }, opts);

  const workerPools = {
    spotPool: pool("spot", clusters.workers.spotPool, true),
    ...(clusters.workers.onDemandPool ? { onDemandPool: pool("on-demand", clusters.workers.onDemandPool, false) } : {}),
  };
  const workerArgs: WorkerClusterArgs = separateWorkers
    ? {
        placement: "separate-cluster",
        ...workerPools,
        cluster: {
          namePrefix,
          project,
          region,
          network: network.networkId,
          subnetwork: network.subnets["workers"]!.id,
          podsRangeName: network.subnets["workers"]!.podsRangeName,
          servicesRangeName: network.subnets["workers"]!.servicesRangeName,
          masterCidr: ranges.workersMaster!,
          controlPlaneWebhookPorts: workerHostPorts,
          masterAuthorizedNetworks,
          releaseChannel: clusters.workers.releaseChannel,
          deletionProtection: config.deletionProtection,
          labels,
        },
      }
    : { placement: "services-cluster-pool", ...workerPools, servicesCluster: services };
  const workers = new WorkerCluster("workers", workerArgs, opts);

  const postgres = new PostgresInstance("postgres", {
    namePrefix,
    project,
    region,
    network: network.networkId,
    privateServiceAccess: network.privateServiceAccess,
    tier: config.postgres.tier,
    diskSizeGb: config.postgres.diskSizeGb,
    version: config.postgres.version,
    availability: config.postgres.availability,
    deletionProtection: config.deletionProtection,
    labels,
  }, opts);
  const databases = Object.fromEntries(
    APPS_WITH_DATABASES.map((app) => [
      app,
      postgres.addDatabase(`db-${app}`, { database: app, iamServiceAccounts: { [app]: identities[app].email } }),
    ]),
  );

  const redis = new Redis("redis", {
    namePrefix,
    region,
    network: network.networkId,
    privateServiceAccess: network.privateServiceAccess,
    reservedIpRange: network.privateServiceAccessRangeName,
    tier: config.redis.tier,
    memorySizeGb: config.redis.memorySizeGb,
    version: config.redis.version,
    deletionProtection: config.deletionProtection,
    labels,
  }, opts);

  const kafka = new KafkaCluster("kafka", {
    namePrefix,
    project,
    region,
    subnet: servicesSubnet.id,
    vcpuCount: config.kafka.vcpuCount,
    memoryGb: config.kafka.memoryGb,
    production: config.environment === "prod",
    topics: config.kafka.topics,
    clients: Object.fromEntries(Object.entries(identities).map(([app, account]) => [app, account.email])),
    deletionProtection: config.deletionProtection,
    labels,
  }, opts);

  const vault = new Vault("vault", {
    namePrefix,
    project,
    region,
    provider: services.provider,
    workloadPool: services.workloadPool,
    chartVersion: config.vault.chartVersion,
    ...optionalChartSource("chartSource", config.charts?.vault),
    replicas: config.vault.replicas,
    controlPlaneCidr: ranges.servicesMaster,
    clientNamespaces: [PLATFORM_NAMESPACE],
    deletionProtection: config.deletionProtection,
    labels,
  }, opts);

  return { namePrefix, componentOptions: opts, identities, network, services, workers, postgres, databases, redis, kafka, vault };
}

/**
 * Every resource inside the components waits for the Google APIs to be enabled, so a fresh project
 * works on the first `pulumi up`. A component's own dependsOn does not reach its children;
 * transformations do, and they run in the SDK, so the offline plan's mock runtime applies them too.
 */
function afterApis(apis: readonly pulumi.Resource[]): pulumi.ResourceTransformation {
  return ({ props, opts }) => ({ props, opts: pulumi.mergeOptions(opts, { dependsOn: [...apis] }) });
}

function pool(name: string, spec: NodePoolConfig, spot: boolean): NodePoolSpec {
  return { name, spot, ...spec };
}
