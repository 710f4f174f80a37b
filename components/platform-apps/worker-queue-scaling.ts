/**
 * Worker agents scale on their queue: a KEDA ScaledObject whose postgresql trigger counts
 * the runs due or running in the worker database (apps/worker: armature_worker.runs) and asks for
 * one agent per `runsPerAgent` of them (the agents' WORKER_CONCURRENCY), between the minimum and
 * maximum replicas. KEDA reads the database URL from the worker container's own environment (the
 * same Secret), so no second copy of the credentials exists. KEDA itself, from its official Helm
 * chart, is installed in the worker cluster here unless the cluster already has it. The scaler runs
 * in KEDA's operator, and the URL names the Postgres server's CA file (sslrootcert, read by pgx): the
 * operator mounts it from a postgres-server-ca ConfigMap in KEDA's namespace (the chart's
 * `volumes.keda.extraVolumes`, https://github.com/kedacore/charts/blob/main/keda/templates/manager/deployment.yaml).
 *
 * Why KEDA and not an HPA on an exported metric: every agent would export the same global backlog,
 * and an HPA sums External metric series over pods, so the count would grow with the replicas it
 * creates; KEDA asks Postgres once per interval. It also needs no metrics adapter.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { type PostgresServerCa, createPostgresCaConfigMap, postgresCaVolume, postgresCaVolumeMount } from "../postgres/server-ca";
import { type HelmChartSource, helmChart } from "../shared/helm-chart";
import { kedaScaledObject } from "../shared/keda-scaled-object";
import * as fence from "../shared/network-policies";
import type { Labels } from "../shared/types";

/** Runs an agent should pick up now: running, or waiting and due. Uses the runs_waiting / runs_leases indexes. */
export const WORKER_BACKLOG_QUERY =
  "select count(*) from armature_worker.runs where state = 'running' or (state in ('queued', 'retrying') and run_after <= now())";
export const DEFAULT_KEDA_CHART_VERSION = "2.21.1";
export const KEDA_CHART_REPOSITORY = "https://kedacore.github.io/charts";
export const KEDA_NAMESPACE = "keda";
/** KEDA's metrics API server (6443) and admission webhooks (9443): a private control plane must reach them. */
export const KEDA_CONTROL_PLANE_PORTS = ["6443", "9443"] as const;

export interface WorkerQueueScalingArgs {
  readonly namespace: pulumi.Input<string>;
  /** The worker Deployment's name. */
  readonly deploymentName: string;
  readonly labels: Labels;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Attempts each agent runs at once (its WORKER_CONCURRENCY). */
  readonly runsPerAgent: number;
  /** The worker container's environment variable holding the database URL. */
  readonly connectionEnv: string;
  /** Install KEDA's chart at this version; false when the cluster already runs KEDA. */
  readonly kedaChartVersion: string | false;
  /** Where KEDA's chart comes from. Default its upstream repository. */
  readonly kedaChartSource?: HelmChartSource;
  /** Where KEDA's own namespace may reach, for its fence (only when this installs KEDA). */
  readonly kedaNetwork: KedaNetwork;
  /** The Postgres server's CA, mounted into KEDA's operator (only when this installs KEDA). */
  readonly postgresServerCa: PostgresServerCa;
  /**
   * Chart values giving KEDA's operator a Google identity (consumer-lag-scaling's
   * kedaWorkloadIdentityValues; only when this installs KEDA), for other ScaledObjects in the cluster
   * that read Google APIs, e.g. health's consumer lag from Cloud Monitoring: its fence then lets it
   * reach them. The caller's `opts.dependsOn` should hold the identity's grants. Default none.
   */
  readonly kedaOperatorIdentityValues?: Record<string, unknown>;
}

export interface KedaNetwork {
  /** The worker agents' cluster's control-plane range. */
  readonly controlPlaneCidr: string;
  /** The Postgres instance's private address: the scaler runs its backlog query there. */
  readonly postgresAddress: pulumi.Input<string>;
}

/**
 * KEDA's namespace fence: default deny; the operator, metrics server and webhooks talk inside the
 * namespace; the control plane calls the metrics API and the webhooks, and KEDA calls the API
 * server; the operator runs the backlog query on Postgres and, with a Google identity
 * (`googleApis`), reaches Google APIs. Nothing else.
 */
export function kedaNamespacePolicies(network: KedaNetwork, googleApis = false): Readonly<Record<string, fence.NetworkPolicySpec>> {
  return {
    ...kedaBasePolicies(network.controlPlaneCidr),
    "allow-worker-database": fence.allowDataServices({ postgresAddress: network.postgresAddress }),
    // With a Google identity: its token from the metadata server, Google APIs through private.googleapis.com.
    ...(googleApis ? { "allow-google-apis": fence.allowGoogleApis() } : {}),
  };
}

/** What every KEDA namespace's fence allows: its parts inside the namespace, DNS, and the control plane both ways. */
export function kedaBasePolicies(controlPlaneCidr: string): Readonly<Record<string, fence.NetworkPolicySpec>> {
  return {
    "default-deny": fence.DEFAULT_DENY,
    "allow-dns": fence.allowDns(),
    "allow-same-namespace": fence.allowSameNamespace(),
    "allow-control-plane": fence.allowControlPlane(controlPlaneCidr, KEDA_CONTROL_PLANE_PORTS.map(Number)),
  };
}

/**
 * KEDA's namespace. Our own, not Helm's createNamespace: `pulumi destroy` then removes it too, and
 * it carries the platform labels and Pod Security levels like every other namespace.
 */
export function createKedaNamespace(resourceName: string, labels: Labels, opts: pulumi.CustomResourceOptions): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(resourceName, {
    metadata: {
      name: KEDA_NAMESPACE,
      labels: { ...labels, "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" },
    },
  }, opts);
}

export interface WorkerQueueScaling {
  readonly scaledObject: k8s.apiextensions.CustomResource;
  readonly keda: k8s.helm.v3.Release | undefined;
}

export function createWorkerQueueScaling(name: string, args: WorkerQueueScalingArgs, opts: pulumi.CustomResourceOptions): WorkerQueueScaling {
  let keda: k8s.helm.v3.Release | undefined;
  if (args.kedaChartVersion) {
    const namespace = createKedaNamespace(`${name}-keda-namespace`, args.labels, opts);
    const postgresCa = createPostgresCaConfigMap(`${name}-keda-postgres-ca`, namespace.metadata.name, args.postgresServerCa, args.labels, opts);
    keda = new k8s.helm.v3.Release(`${name}-keda`, {
      name: "keda",
      ...helmChart("keda", args.kedaChartSource ?? { repository: KEDA_CHART_REPOSITORY }),
      version: args.kedaChartVersion,
      namespace: namespace.metadata.name,
      // The operator runs the postgresql trigger: it needs the file the URL's sslrootcert names.
      values: {
        volumes: { keda: { extraVolumes: [postgresCaVolume(postgresCa.metadata.name)], extraVolumeMounts: [postgresCaVolumeMount()] } },
        ...args.kedaOperatorIdentityValues,
      },
      atomic: true,
      timeout: 600,
    }, opts);
    fence.createNetworkPolicies(`${name}-keda`, namespace.metadata.name, args.labels, kedaNamespacePolicies(args.kedaNetwork, args.kedaOperatorIdentityValues !== undefined), opts);
  }

  const scaledObject = kedaScaledObject(`${name}-scaler`, {
    namespace: args.namespace,
    deploymentName: args.deploymentName,
    labels: args.labels,
    minReplicas: args.minReplicas,
    maxReplicas: args.maxReplicas,
    pollingInterval: 15,
    scaleUpPeriodSeconds: 15,
    cooldownPeriod: 300,
    trigger: {
      type: "postgresql",
      metricType: "AverageValue",
      metadata: {
        connectionFromEnv: args.connectionEnv,
        query: WORKER_BACKLOG_QUERY,
        targetQueryValue: String(args.runsPerAgent),
        activationTargetQueryValue: "0",
      },
    },
  }, { ...opts, dependsOn: keda ? [keda] : [] });

  return { scaledObject, keda };
}
