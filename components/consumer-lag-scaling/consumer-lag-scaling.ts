/**
 * A Kafka consumer Deployment scales on its consumer group's lag: a KEDA ScaledObject whose
 * gcp-stackdriver trigger reads Managed Kafka's offset lag for one group on one topic from Cloud
 * Monitoring (offset-lag-filter.ts) and asks for one replica per `lagPerReplica` messages behind,
 * between the minimum and maximum replicas.
 *
 * Key-less by construction: KEDA reads Cloud Monitoring as its operator's own Google service account
 * (a TriggerAuthentication with `podIdentity: { provider: gcp }`, https://keda.sh/docs/latest/authentication-providers/gcp-workload-identity/),
 * which has roles/monitoring.viewer and is bound through Workload Identity to the operator's Kubernetes
 * service account. KEDA's Kafka scaler is not used: its SASL modes (plain, scram, OAuth client
 * credentials) cannot log in to Managed Kafka without a key (README).
 *
 * When asked, KEDA itself is installed here from its official chart with Workload Identity on
 * (chart values `podIdentity.gcp`), in a fenced namespace of its own.
 */
import type * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_KEDA_CHART_VERSION, KEDA_CHART_REPOSITORY, createKedaNamespace, kedaBasePolicies } from "../platform-apps/worker-queue-scaling";
import { argChecker } from "../shared/arg-error";
import { isControlPlaneCidr } from "../shared/cidr";
import { type HelmChartSource, helmChart, helmChartSourceProblem } from "../shared/helm-chart";
import { DNS_LABEL, NAMESPACE_NAME } from "../shared/kubernetes";
import { kedaScaledObject } from "../shared/keda-scaled-object";
import * as fence from "../shared/network-policies";
import type { Labels } from "../shared/types";
import { createKedaOperatorIdentity, kedaWorkloadIdentityValues } from "./keda-operator-identity";
import { FILTER_SAFE_NAME, OFFSET_LAG_AGGREGATION, offsetLagFilter } from "./offset-lag-filter";

export { DEFAULT_KEDA_CHART_VERSION };

export interface ConsumerLagScalingArgs {
  /** The consumer Deployment's namespace; the ScaledObject and its TriggerAuthentication go there too. */
  readonly namespace: pulumi.Input<string>;
  /** The consumer Deployment's name (it must have no HPA of its own: ServiceDeployment `autoscaling: { external }`). */
  readonly deploymentName: string;
  /** The project whose Cloud Monitoring holds the Kafka cluster's metrics. */
  readonly project: string;
  /** The Managed Kafka cluster: its region and id (KafkaCluster.clusterId). */
  readonly kafka: { readonly location: string; readonly clusterId: string };
  readonly topic: string;
  /** The consumer group (apps/kit runConsumer: its `group`, default its `name`). */
  readonly consumerGroup: string;
  /** Messages behind one replica is expected to absorb: KEDA asks for ceil(lag / lagPerReplica) replicas. */
  readonly lagPerReplica: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly labels: Labels;
  /** Install KEDA, with Workload Identity for its operator; false when the cluster already runs KEDA so configured. */
  readonly keda: KedaInstallation | false;
}

export interface KedaInstallation {
  /** An exact chart version, e.g. DEFAULT_KEDA_CHART_VERSION. */
  readonly chartVersion: string;
  /** Where KEDA's chart comes from. Default its upstream repository. */
  readonly chartSource?: HelmChartSource;
  /** Prefix of project-unique names (the operator's GCP service account id), e.g. "armature-dev". */
  readonly namePrefix: string;
  /** The cluster's Workload Identity pool, `<project>.svc.id.goog` (GkeCluster.workloadPool). */
  readonly workloadPool: string;
  /** The cluster's control-plane range (its masterCidr): KEDA's webhooks and metrics API answer it. */
  readonly controlPlaneCidr: string;
}

/**
 * KEDA's namespace fence here: default deny; its parts talk inside the namespace; the control plane
 * calls the metrics API and webhooks, KEDA calls the API server; the operator gets its Workload
 * Identity token from the metadata server and reads Cloud Monitoring through private.googleapis.com.
 */
export function kedaMonitoringPolicies(controlPlaneCidr: string): Readonly<Record<string, fence.NetworkPolicySpec>> {
  return { ...kedaBasePolicies(controlPlaneCidr), "allow-google-apis": fence.allowGoogleApis() };
}

export class ConsumerLagScaling extends pulumi.ComponentResource {
  readonly scaledObject: k8s.apiextensions.CustomResource;
  readonly triggerAuthentication: k8s.apiextensions.CustomResource;
  /** KEDA's release, when this installs it. */
  readonly keda: k8s.helm.v3.Release | undefined;
  /** The Google service account KEDA's operator reads Cloud Monitoring as, when this installs KEDA. */
  readonly kedaServiceAccount: gcp.serviceaccount.Account | undefined;

  /**
   * `opts` must carry the cluster's Kubernetes provider (`providers: [gcpProvider, cluster.provider]`).
   * With `keda: false`, put the cluster's KEDA release in `opts.dependsOn`: the objects wait for its CRDs.
   */
  constructor(name: string, args: ConsumerLagScalingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:scaling:ConsumerLagScaling", name, {}, opts);
    validate(name, args, this.getProvider("kubernetes::ScaledObject") !== undefined);

    const installed = args.keda ? installKeda(name, args.keda, args, this) : undefined;
    this.keda = installed?.release;
    this.kedaServiceAccount = installed?.account;
    // Without an install here, the caller's dependsOn (e.g. the cluster's existing KEDA release) holds
    // back the objects too, not only the component.
    const afterKeda = { parent: this, dependsOn: installed ? [installed.release] : opts?.dependsOn };

    const authenticationName = `${args.deploymentName}-gcp-workload-identity`;
    this.triggerAuthentication = new k8s.apiextensions.CustomResource(`${name}-auth`, {
      apiVersion: "keda.sh/v1alpha1",
      kind: "TriggerAuthentication",
      metadata: { name: authenticationName, namespace: args.namespace, labels: args.labels },
      // The operator's own Google identity: no key, no Secret.
      spec: { podIdentity: { provider: "gcp" } },
    }, afterKeda);

    // The trigger reads one-minute averages: asking more often than every 30 s only spends Monitoring API quota.
    this.scaledObject = kedaScaledObject(`${name}-scaler`, {
      namespace: args.namespace,
      deploymentName: args.deploymentName,
      labels: args.labels,
      minReplicas: args.minReplicas,
      maxReplicas: args.maxReplicas,
      pollingInterval: 30,
      scaleUpPeriodSeconds: 60,
      trigger: {
        type: "gcp-stackdriver",
        metricType: "AverageValue",
        authenticationRef: { name: authenticationName, kind: "TriggerAuthentication" },
        metadata: {
          projectId: args.project,
          filter: offsetLagFilter({ clusterLocation: args.kafka.location, clusterId: args.kafka.clusterId, topic: args.topic, consumerGroup: args.consumerGroup }),
          targetValue: String(args.lagPerReplica),
          // Five minutes of points, newest first: one is there despite Cloud Monitoring's ingestion delay.
          filterDuration: "5",
          ...OFFSET_LAG_AGGREGATION,
          // No valueIfNull: a filter that matches nothing must show as an error (KEDA's log, the
          // ScaledObject's events), not as a quiet zero lag.
        },
      },
    }, { parent: this, dependsOn: [this.triggerAuthentication] });

    this.registerOutputs({ scaledObject: this.scaledObject, triggerAuthentication: this.triggerAuthentication });
  }
}

interface InstalledKeda {
  readonly release: k8s.helm.v3.Release;
  readonly account: gcp.serviceaccount.Account;
}

/** KEDA's namespace, its operator's Google identity, the chart with Workload Identity on, and the fence. */
function installKeda(name: string, keda: KedaInstallation, args: ConsumerLagScalingArgs, parent: pulumi.Resource): InstalledKeda {
  const child = { parent };
  const namespace = createKedaNamespace(`${name}-keda-namespace`, args.labels, child);

  const identity = createKedaOperatorIdentity(name, { project: args.project, namePrefix: keda.namePrefix, workloadPool: keda.workloadPool }, child);
  const release = new k8s.helm.v3.Release(`${name}-keda`, {
    name: "keda",
    ...helmChart("keda", keda.chartSource ?? { repository: KEDA_CHART_REPOSITORY }),
    version: keda.chartVersion,
    namespace: namespace.metadata.name,
    // The chart annotates its operator's service account with iam.gke.io/gcp-service-account.
    values: kedaWorkloadIdentityValues(identity.account.email),
    atomic: true,
    timeout: 600,
  }, { parent, dependsOn: [...identity.grants] });
  fence.createNetworkPolicies(`${name}-keda`, namespace.metadata.name, args.labels, kedaMonitoringPolicies(keda.controlPlaneCidr), child);
  return { release, account: identity.account };
}

const GCP_PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const GCP_REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const WORKLOAD_POOL = /^[a-z][a-z0-9-]*\.svc\.id\.goog$/;
const NAME_PREFIX = /^[a-z][a-z0-9-]*$/;

function validate(name: string, args: ConsumerLagScalingArgs, hasKubernetesProvider: boolean): void {
  const check = argChecker("ConsumerLagScaling", name);
  check(hasKubernetesProvider, "opts.providers", "no Kubernetes provider, so KEDA's objects would go to whatever cluster the ambient kubeconfig names", "pass the consumer's cluster provider: { providers: [gcpProvider, services.provider] }");
  check(DNS_LABEL.test(args.deploymentName), "deploymentName", `${JSON.stringify(args.deploymentName)} is not a Kubernetes object name (lowercase DNS label)`, "give the consumer Deployment's name, e.g. health-blue");
  if (typeof args.namespace === "string") {
    check(NAMESPACE_NAME.test(args.namespace), "namespace", `${JSON.stringify(args.namespace)} is not a namespace name`, "give the consumer Deployment's namespace, e.g. platform");
  }
  check(GCP_PROJECT_ID.test(args.project), "project", `${JSON.stringify(args.project)} is not a GCP project id`, "give the project that runs the Kafka cluster, e.g. my-project");
  check(GCP_REGION.test(args.kafka.location), "kafka.location", `${JSON.stringify(args.kafka.location)} is not a GCP region`, "give the Kafka cluster's region, e.g. europe-west1");
  check(DNS_LABEL.test(args.kafka.clusterId), "kafka.clusterId", `${JSON.stringify(args.kafka.clusterId)} is not a Managed Kafka cluster id`, "pass KafkaCluster.clusterId, e.g. armature-dev-kafka");
  check(FILTER_SAFE_NAME.test(args.topic), "topic", `${JSON.stringify(args.topic)} is not a Kafka topic name (letters, digits, '.', '_', '-')`, "give the topic the group consumes, e.g. discovery.registration.v1");
  check(FILTER_SAFE_NAME.test(args.consumerGroup), "consumerGroup", `${JSON.stringify(args.consumerGroup)} has characters outside letters, digits, '.', '_', '-'`, "give the consumer group, e.g. health-registrations (apps/kit runConsumer's group, default its name)");
  check(Number.isFinite(args.lagPerReplica) && args.lagPerReplica > 0, "lagPerReplica", `${args.lagPerReplica} is not above 0: KEDA divides the lag by it`, "give the messages behind one replica absorbs, e.g. 500");
  check(Number.isInteger(args.minReplicas) && args.minReplicas >= 1, "minReplicas", `${args.minReplicas} is not a whole number of 1 or more`, "keep at least 1 replica consuming (2 for a service: the k8s-min-replicas policy counts this)");
  check(Number.isInteger(args.maxReplicas) && args.maxReplicas >= args.minReplicas, "maxReplicas", `${args.maxReplicas} is below minReplicas (${args.minReplicas})`, `use ${args.minReplicas} or more, and at most the topic's partitions (more consumers than partitions sit idle)`);
  if (!args.keda) return;
  check(/^\d+\.\d+\.\d+$/.test(args.keda.chartVersion), "keda.chartVersion", `${JSON.stringify(args.keda.chartVersion)} is not a pinned chart version`, `pin an exact version such as ${DEFAULT_KEDA_CHART_VERSION}, or set keda: false when KEDA is already installed`);
  const chartProblem = helmChartSourceProblem(args.keda.chartSource);
  check(chartProblem === undefined, "keda.chartSource.path", chartProblem ?? "", "resolve the chart folder first (the Helm release runs in the provider's working directory, not the program's)");
  check(NAME_PREFIX.test(args.keda.namePrefix), "keda.namePrefix", `${JSON.stringify(args.keda.namePrefix)} is not a lowercase name prefix`, 'use the stack\'s prefix, e.g. "armature-dev"');
  check(WORKLOAD_POOL.test(args.keda.workloadPool), "keda.workloadPool", `${JSON.stringify(args.keda.workloadPool)} is not a Workload Identity pool`, "pass the cluster's GkeCluster.workloadPool (<project>.svc.id.goog)");
  check(isControlPlaneCidr(args.keda.controlPlaneCidr), "keda.controlPlaneCidr", `${JSON.stringify(args.keda.controlPlaneCidr)} is not a /28 CIDR block`, "give the cluster's masterCidr, e.g. 172.16.0.0/28");
}
