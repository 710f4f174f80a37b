/**
 * The platform apps on Kubernetes, wired to what the infrastructure made: the services cluster, the
 * worker capacity and its taints, the app identities (stacks/platform-identities.ts), the apps'
 * databases, Redis and Kafka. Images and the active colour come from `armature:apps`; health's
 * consumer-lag scaling from `armature:apps.healthScaling` and the topic health consumes.
 */
import * as pulumi from "@pulumi/pulumi";
import { SPOT_TAINT } from "../components/gke-cluster/node-pool";
import { GOOGLE_HEALTH_CHECK_RANGES } from "../components/network/network";
import { PLATFORM_NAMESPACE, WORKERS_NAMESPACE } from "../components/platform-apps/namespaces";
import { PlatformApps } from "../components/platform-apps/platform-apps";
import { optionalChartSource } from "./chart-source";
import { rulesDocument } from "./config/authorisation";
import { healthScalingOf } from "./config/health-scaling";
import type { StackConfig } from "./config/parse";
import type { Infrastructure } from "./infrastructure";
import type { Labels } from "./labels";

export function composePlatformApps(config: StackConfig, infrastructure: Infrastructure, labels: Labels, opts: pulumi.ComponentResourceOptions): PlatformApps {
  const { network, services: servicesCluster, workers: workerCapacity, identities, databases, postgres, redis, kafka, vault } = infrastructure;
  // The stack sets only where KEDA's chart comes from; the agents' scaling keeps the component's defaults.
  const kedaChartSource = optionalChartSource("kedaChartSource", config.charts?.keda);
  // Health scales on its consumer group's lag on the topic it consumes (armature:apps.healthScaling).
  const healthScaling = healthScalingOf(config);
  return new PlatformApps("apps", {
    registry: config.apps.registry,
    releases: config.apps.releases,
    activeColour: config.apps.activeColour,
    ...(config.apps.contract ? { contract: config.apps.contract } : {}),
    labels,
    services: { provider: servicesCluster.provider, workloadPool: servicesCluster.workloadPool, serviceAccountIssuer: servicesCluster.serviceAccountIssuer },
    workers: {
      provider: workerCapacity.provider,
      workloadPool: workerCapacity.cluster.workloadPool,
      serviceAccountIssuer: workerCapacity.cluster.serviceAccountIssuer,
      taints: [workerCapacity.taint, SPOT_TAINT],
      controlPlaneCidr: config.clusters.workers.placement === "separate-cluster" ? config.network.workersMaster! : config.network.servicesMaster,
    },
    identities,
    workerScaling: kedaChartSource,
    ...(healthScaling
      ? {
          healthLagScaling: {
            project: config.gcp.project,
            kafka: { location: config.gcp.region, clusterId: kafka.clusterId },
            topic: healthScaling.topic.name,
            lagPerReplica: healthScaling.lagPerReplica,
            maxReplicas: healthScaling.maxReplicas,
            servicesControlPlaneCidr: config.network.servicesMaster,
          },
        }
      : {}),
    databaseUrls: Object.fromEntries(Object.entries(databases).map(([app, database]) => [app, database.connectionUrl])),
    postgresServerCa: postgres.serverCa,
    redisUrl: pulumi.secret(pulumi.interpolate`rediss://:${redis.authString}@${redis.host}:${redis.port}`),
    redisCaCertificate: redis.caCertificate,
    kafkaBrokers: kafka.bootstrapAddress,
    network: {
      namePrefix: infrastructure.namePrefix,
      region: config.gcp.region,
      networkId: network.networkId,
      subnetworkId: network.subnets["services"]!.id,
      gatewaySourceCidrs: [config.network.proxyOnly, ...GOOGLE_HEALTH_CHECK_RANGES],
      dataServices: {
        postgresAddress: postgres.privateIp,
        redis: { host: redis.host, port: redis.port },
        // Managed Kafka's private endpoints live in the services subnet.
        kafkaCidr: config.network.nodes,
        vaultNamespace: vault.namespace,
      },
    },
    ...(config.apps.gatewayDomain ? { gatewayDomain: config.apps.gatewayDomain } : {}),
    // Who may change what on the platform APIs: armature:authorisation with the tenants and their branches.
    authorisationRules: rulesDocument(config, [PLATFORM_NAMESPACE, WORKERS_NAMESPACE]),
  }, opts);
}
