/**
 * The health service consumes discovery's registration events (apps/health/registration-events.ts)
 * when it has its registrations database; its active colour scales on that consumer group's lag
 * (a ConsumerLagScaling, components/consumer-lag-scaling). The retired or inactive colour has no
 * ScaledObject: KEDA would otherwise scale a retired colour back up from zero.
 */
import { DEFAULT_KEDA_CHART_VERSION } from "./worker-queue-scaling";
import { PLATFORM_NAMESPACE } from "./namespaces";

/** apps/health's REGISTRATIONS_CONSUMER: its consumer group (apps/kit runConsumer: the group is the name). */
export const HEALTH_REGISTRATIONS_CONSUMER_GROUP = "health-registrations";
/** ServiceDeployment's default replicas, which health keeps: the k8s-min-replicas policy counts the ScaledObject's minimum. */
export const HEALTH_MIN_REPLICAS = 2;
export const DEFAULT_HEALTH_LAG_PER_REPLICA = 500;
/** The dev topic's partitions: more consumers than partitions sit idle. */
export const DEFAULT_HEALTH_MAX_REPLICAS = 6;

export interface HealthLagScaling {
  /** The project whose Cloud Monitoring holds the Kafka cluster's metrics. */
  readonly project: string;
  /** The Managed Kafka cluster: its region and id (KafkaCluster.clusterId). */
  readonly kafka: { readonly location: string; readonly clusterId: string };
  /** The topic health consumes (discovery.registration.v1: the stack's topic with health among its consumers). */
  readonly topic: string;
  /** Messages behind one replica is expected to absorb. Default 500. */
  readonly lagPerReplica?: number;
  /** Default 6 (the dev topic's partitions: more consumers than partitions sit idle). */
  readonly maxReplicas?: number;
  /**
   * The services cluster's control-plane range (its masterCidr): KEDA's fence there when this
   * installs KEDA (the workers run in a cluster of their own).
   */
  readonly servicesControlPlaneCidr: string;
}

/** HealthLagScaling with its defaults filled in. */
export function healthLagScalingOf(scaling: HealthLagScaling): Required<HealthLagScaling> {
  return { ...scaling, lagPerReplica: scaling.lagPerReplica ?? DEFAULT_HEALTH_LAG_PER_REPLICA, maxReplicas: scaling.maxReplicas ?? DEFAULT_HEALTH_MAX_REPLICAS };
}

/** What ServiceDeployment records as owning the active colour's replica count. */
export function healthScaledObjectOwner(deploymentName: string): string {
  return `KEDA ScaledObject ${PLATFORM_NAMESPACE}/${deploymentName} (consumer lag)`;
}

/** KEDA's chart version for the services cluster: the workers' pinned one, or the default when theirs is already installed. */
export function servicesKedaChartVersion(workerChartVersion: string | false): string {
  return workerChartVersion === false ? DEFAULT_KEDA_CHART_VERSION : workerChartVersion;
}
