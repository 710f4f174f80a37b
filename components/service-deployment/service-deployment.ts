/**
 * The standard workload (docs/architecture.md#kubernetes-workloads): a Deployment of at least 2 replicas spread
 * across zones and nodes, with requests and limits, startup/liveness/readiness probes on the kit's
 * health paths, a restricted security context, no service-account token unless asked, and a preStop
 * delay inside a termination grace of at most 30 s; a ClusterIP Service, a PodDisruptionBudget and a
 * HorizontalPodAutoscaler. Fewer than 2 replicas, or no probes, need a named override whose reason
 * is written on the Deployment as an annotation, so it shows in every plan and review.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { argChecker } from "../shared/arg-error";
import { healthCheckPolicy } from "./health-check-policy";
import {
  DNS_LABEL,
  RESTRICTED_CONTAINER_SECURITY_CONTEXT,
  RESTRICTED_POD_SECURITY_CONTEXT,
  invalidLabels,
  isPinnedImage,
} from "../shared/kubernetes";
import type { Labels } from "../shared/types";
import { KIT_HEALTH_PATHS, KIT_METRICS_PATH, KIT_PORT } from "../shared/kit-contract";

type Input = k8s.types.input.core.v1.Container;

export { KIT_HEALTH_PATHS, KIT_METRICS_PATH, KIT_PORT } from "../shared/kit-contract";
/** The annotation that records each override, with its reason. */
export const OVERRIDE_ANNOTATION_PREFIX = "armature.dev/override-";

export interface ResourceSizes {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface AutoscalingSpec {
  /** Default: 3 × the minimum replicas. */
  readonly maxReplicas?: number;
  /** Average CPU utilisation (of requests) to hold. Default 70. Ignored when `metrics` is given. */
  readonly targetCpuUtilization?: number;
  /** HPA v2 metrics replacing the CPU target, e.g. an External queue-depth metric. */
  readonly metrics?: k8s.types.input.autoscaling.v2.MetricSpec[];
}

/** The replica count is owned by an autoscaler outside this component. */
export interface ExternalAutoscaling {
  /** What owns it, e.g. "KEDA ScaledObject workers/worker". */
  readonly external: string;
}

/** How Managed Service for Prometheus scrapes the pods (a PodMonitoring, monitoring.googleapis.com/v1). */
export interface MetricsScrape {
  /** Default "/metrics" (the kit's). */
  readonly path?: string;
  /**
   * Container port, by name or number. Default "http": the HTTP port (8080 unless `port` says
   * otherwise), where the kit serves metrics; by name, Managed Prometheus also labels the container.
   */
  readonly port?: string | number;
  /** Prometheus duration. Default "30s" (Google's PodMonitoring examples). */
  readonly interval?: string;
}

/** Escape hatches from the workload rules. Each holds the reason, written on the Deployment. */
export interface WorkloadOverrides {
  /** Allows `replicas` below 2 (the Deployment then has no redundancy). */
  readonly singleReplica?: string;
  /** Allows `probes: false` (Kubernetes then cannot tell a hung pod from a healthy one). */
  readonly noProbes?: string;
}

export interface ServiceDeploymentArgs {
  readonly namespace: pulumi.Input<string>;
  /** `app.kubernetes.io/name`, e.g. "discovery". */
  readonly app: string;
  /** Name of every object (a DNS label). Default: `app`. Blue/green uses `<app>-<colour>`. */
  readonly instance?: string;
  /** Pinned: `<registry>/<name>:<tag>` (never latest) or `...@sha256:<digest>`. */
  readonly image: string;
  /** Platform labels (team, tenant, environment, ...), on every object. */
  readonly labels: Labels;
  /** Extra pod labels, also part of the selector (e.g. the colour). */
  readonly podLabels?: Labels;
  /** Minimum replicas. Default 2; below 2 needs `overrides.singleReplica`. */
  readonly replicas?: number;
  /**
   * Default: CPU-based, from `replicas` to 3 × `replicas`. `false`: a fixed replica count.
   * `{ external }`: another autoscaler owns the count (e.g. a KEDA ScaledObject, named here): no
   * HPA, and `spec.replicas` stays unset so `pulumi up` never fights it.
   */
  readonly autoscaling?: AutoscalingSpec | false | ExternalAutoscaling;
  /** Default: requests 100m / 128Mi, limits 500m / 256Mi. */
  readonly resources?: ResourceSizes;
  /** Container port. Default 8080 (the kit's). */
  readonly port?: number;
  /** Health paths. Default the kit's; `false` needs `overrides.noProbes`. */
  readonly probes?: { readonly startup: string; readonly liveness: string; readonly readiness: string } | false;
  readonly env?: Input["env"];
  readonly args?: string[];
  /** Kubernetes service account (e.g. one bound through Workload Identity). Default: the namespace's default. */
  readonly serviceAccountName?: pulumi.Input<string>;
  /** Mount an API token into the pods. Default false: only workloads that call the Kubernetes API need one. */
  readonly automountServiceAccountToken?: boolean;
  /** At most 30. Default 30. */
  readonly terminationGracePeriodSeconds?: number;
  /** preStop sleep so endpoints drop the pod before it stops. Default 5; less than the grace period. */
  readonly preStopDelaySeconds?: number;
  readonly tolerations?: k8s.types.input.core.v1.Toleration[];
  readonly affinity?: k8s.types.input.core.v1.Affinity;
  /** A ClusterIP Service on port 80. Default true. */
  readonly service?: boolean;
  /** Writable scratch space at /tmp (the root filesystem is read-only). Default "64Mi". */
  readonly tmpSizeLimit?: string;
  /** More volumes for the pod (e.g. a CA certificate from a ConfigMap), mounted with `volumeMounts`. */
  readonly volumes?: k8s.types.input.core.v1.Volume[];
  readonly volumeMounts?: k8s.types.input.core.v1.VolumeMount[];
  /** Managed Prometheus scraping (a PodMonitoring). Default: the kit's /metrics on the HTTP port every 30 s; `false`: none. */
  readonly metricsScrape?: MetricsScrape | false;
  readonly overrides?: WorkloadOverrides;
}

const DEFAULT_RESOURCES: ResourceSizes = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
export const SERVICE_PORT = 80;

export class ServiceDeployment extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service | undefined;
  readonly podDisruptionBudget: k8s.policy.v1.PodDisruptionBudget;
  readonly autoscaler: k8s.autoscaling.v2.HorizontalPodAutoscaler | undefined;
  /** The PodMonitoring that sends the pods' metrics to Managed Service for Prometheus. */
  readonly podMonitoring: k8s.apiextensions.CustomResource | undefined;
  /** Points a Gateway load balancer's health check at the readiness path (none without a Service or probes). */
  readonly healthCheckPolicy: k8s.apiextensions.CustomResource | undefined;
  /** The object names (also the Service's DNS name in its namespace). */
  readonly instance: string;
  /** Labels that select exactly this workload's pods. */
  readonly selectorLabels: Labels;
  /** Every label on the pods (selector labels and `podLabels`). */
  readonly podLabels: Labels;

  constructor(name: string, args: ServiceDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:workloads:ServiceDeployment", name, {}, opts);
    validate(name, args);
    const instance = args.instance ?? args.app;
    const replicas = args.replicas ?? 2;
    const port = args.port ?? KIT_PORT;
    const grace = args.terminationGracePeriodSeconds ?? 30;
    // The component's dependsOn (e.g. a migration Job) holds back its objects too, not only itself.
    const child = { parent: this, dependsOn: opts?.dependsOn };
    this.instance = instance;
    this.selectorLabels = { "app.kubernetes.io/name": args.app, "app.kubernetes.io/instance": instance };
    this.podLabels = { ...args.labels, ...args.podLabels, ...this.selectorLabels };
    const labels = { ...args.labels, ...args.podLabels, ...this.selectorLabels, "app.kubernetes.io/part-of": "armature" };
    const metadata = { name: instance, namespace: args.namespace, labels };
    const overrideAnnotations = Object.fromEntries(
      Object.entries(args.overrides ?? {}).flatMap(([key, reason]) => (typeof reason === "string" ? [[`${OVERRIDE_ANNOTATION_PREFIX}${kebab(key)}`, reason]] : [])),
    );

    const probes = args.probes ?? KIT_HEALTH_PATHS;
    const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
      httpGet: { path, port: "http" },
      periodSeconds,
      failureThreshold,
      timeoutSeconds: 2,
    });
    const autoscaled = args.autoscaling !== false;
    const hpa = autoscaled && !isExternal(args.autoscaling) ? (args.autoscaling ?? {}) : undefined;

    this.deployment = new k8s.apps.v1.Deployment(name, {
      metadata: { ...metadata, annotations: overrideAnnotations },
      spec: {
        // With an autoscaler the HPA owns the count (Kubernetes docs: leave spec.replicas unset, or
        // every apply resets it); it raises a new Deployment to minReplicas within one sync period.
        ...(autoscaled ? {} : { replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...this.selectorLabels } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
        template: {
          metadata: { labels: { ...this.podLabels } },
          spec: {
            automountServiceAccountToken: args.automountServiceAccountToken ?? false,
            ...(args.serviceAccountName ? { serviceAccountName: args.serviceAccountName } : {}),
            securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
            terminationGracePeriodSeconds: grace,
            topologySpreadConstraints: [
              // Zones where possible (a zone may be short of capacity); separate nodes always.
              spread("topology.kubernetes.io/zone", "ScheduleAnyway", this.selectorLabels),
              spread("kubernetes.io/hostname", "DoNotSchedule", this.selectorLabels),
            ],
            ...(args.tolerations ? { tolerations: args.tolerations } : {}),
            ...(args.affinity ? { affinity: args.affinity } : {}),
            containers: [{
              name: args.app,
              image: args.image,
              imagePullPolicy: "IfNotPresent",
              ...(args.args ? { args: args.args } : {}),
              ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
              env: args.env ?? [],
              resources: { requests: { ...(args.resources ?? DEFAULT_RESOURCES).requests }, limits: { ...(args.resources ?? DEFAULT_RESOURCES).limits } },
              securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
              ...(probes
                ? {
                    // Startup allows 150 s to connect to dependencies; liveness never checks them.
                    startupProbe: probe(probes.startup, 5, 30),
                    livenessProbe: probe(probes.liveness, 10, 3),
                    readinessProbe: probe(probes.readiness, 5, 3),
                  }
                : {}),
              lifecycle: { preStop: { sleep: { seconds: args.preStopDelaySeconds ?? 5 } } },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...(args.volumeMounts ?? [])],
            }],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: args.tmpSizeLimit ?? "64Mi" } }, ...(args.volumes ?? [])],
          },
        },
      },
    }, child);

    this.service = args.service === false
      ? undefined
      : new k8s.core.v1.Service(name, {
          metadata,
          spec: {
            type: "ClusterIP",
            selector: { ...this.selectorLabels },
            ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
          },
        }, child);

    this.healthCheckPolicy = this.service && probes
      ? healthCheckPolicy(`${name}-health-check`, { metadata, serviceName: this.service.metadata.name, port, requestPath: probes.readiness }, child)
      : undefined;

    this.podDisruptionBudget = new k8s.policy.v1.PodDisruptionBudget(name, {
      metadata,
      spec: {
        maxUnavailable: 1,
        selector: { matchLabels: { ...this.selectorLabels } },
        // A crash-looping pod must not block node drains and upgrades.
        unhealthyPodEvictionPolicy: "AlwaysAllow",
      },
    }, child);

    this.autoscaler = hpa
      ? new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, {
          metadata,
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: instance },
            minReplicas: replicas,
            maxReplicas: hpa.maxReplicas ?? replicas * 3,
            metrics: hpa.metrics ?? [{
              type: "Resource",
              resource: { name: "cpu", target: { type: "Utilization", averageUtilization: hpa.targetCpuUtilization ?? 70 } },
            }],
          },
        }, child)
      : undefined;

    // Managed Prometheus collects only what a PodMonitoring selects (GKE docs, managed collection).
    const metrics = args.metricsScrape ?? {};
    this.podMonitoring = metrics === false
      ? undefined
      : new k8s.apiextensions.CustomResource(`${name}-metrics`, {
          apiVersion: "monitoring.googleapis.com/v1",
          kind: "PodMonitoring",
          metadata,
          spec: {
            selector: { matchLabels: { ...this.selectorLabels } },
            endpoints: [{ port: metrics.port ?? "http", path: metrics.path ?? KIT_METRICS_PATH, interval: metrics.interval ?? "30s" }],
          },
        }, child);

    this.registerOutputs({ instance, selectorLabels: this.selectorLabels });
  }
}

function isExternal(autoscaling: ServiceDeploymentArgs["autoscaling"]): autoscaling is ExternalAutoscaling {
  return typeof autoscaling === "object" && "external" in autoscaling;
}

function spread(topologyKey: string, whenUnsatisfiable: string, selector: Labels): k8s.types.input.core.v1.TopologySpreadConstraint {
  return {
    topologyKey,
    maxSkew: 1,
    whenUnsatisfiable,
    labelSelector: { matchLabels: { ...selector } },
    // Spread each rollout's pods on their own, not old and new together.
    matchLabelKeys: ["pod-template-hash"],
  };
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function validate(name: string, args: ServiceDeploymentArgs): void {
  const check = argChecker("ServiceDeployment", name);
  const instance = args.instance ?? args.app;
  const replicas = args.replicas ?? 2;
  const overrides = args.overrides ?? {};
  check(DNS_LABEL.test(args.app), "app", `${JSON.stringify(args.app)} is not a DNS label`, "use lowercase letters, digits and '-', starting with a letter");
  check(DNS_LABEL.test(instance), "instance", `${JSON.stringify(instance)} is not a DNS label`, "use lowercase letters, digits and '-', starting with a letter (at most 63)");
  check(isPinnedImage(args.image), "image", `${JSON.stringify(args.image)} is not pinned`, "use <registry>/<name>:<tag> (not latest) or <registry>/<name>@sha256:<digest>");
  for (const [key, reason] of Object.entries(overrides)) {
    if (reason === undefined) continue;
    check(typeof reason === "string" && reason.trim().length >= 10, `overrides.${key}`, "has no reason", `give the reason as text, e.g. overrides: { ${key}: "batch importer, one writer at a time" }`);
  }
  check(Number.isInteger(replicas) && replicas >= 1, "replicas", `${replicas} is not a whole number of 1 or more`, "use 2 or more");
  check(
    replicas >= 2 || overrides.singleReplica !== undefined,
    "replicas",
    `${replicas} leaves the service down whenever its one pod is evicted, rescheduled or crashes`,
    "use 2 or more replicas, or set overrides.singleReplica to the reason this workload may run alone",
  );
  check(
    args.probes !== false || overrides.noProbes !== undefined,
    "probes",
    "false, so Kubernetes cannot tell a hung or starting pod from a healthy one",
    "keep the kit's health probes, or set overrides.noProbes to the reason this workload has none",
  );
  const grace = args.terminationGracePeriodSeconds ?? 30;
  const preStop = args.preStopDelaySeconds ?? 5;
  check(Number.isInteger(grace) && grace >= 1 && grace <= 30, "terminationGracePeriodSeconds", `${grace} is outside 1-30`, "stop within 30 seconds (the kit's shutdown timeout is at most 28 s)");
  check(Number.isInteger(preStop) && preStop >= 1 && preStop < grace, "preStopDelaySeconds", `${preStop} is not between 1 and the grace period (${grace})`, "use a few seconds, e.g. 5, so endpoints drop the pod before it stops");
  if (isExternal(args.autoscaling)) {
    check(args.autoscaling.external.trim().length > 0, "autoscaling.external", "names nothing", 'name the autoscaler that owns the replica count, e.g. "KEDA ScaledObject workers/worker"');
  } else if (args.autoscaling) {
    const max = args.autoscaling.maxReplicas ?? replicas * 3;
    check(Number.isInteger(max) && max >= replicas, "autoscaling.maxReplicas", `${max} is below the minimum replicas (${replicas})`, `use ${replicas} or more`);
  }
  const scrape = args.metricsScrape;
  if (scrape) {
    check(scrape.path === undefined || /^\/\S*$/.test(scrape.path), "metricsScrape.path", `${JSON.stringify(scrape.path)} is not an absolute path`, 'use e.g. "/metrics"');
    check(scrape.interval === undefined || /^\d+(ms|s|m)$/.test(scrape.interval), "metricsScrape.interval", `${JSON.stringify(scrape.interval)} is not a Prometheus duration`, 'use e.g. "30s" or "1m"');
  }
  const bad = invalidLabels({ ...args.labels, ...args.podLabels });
  check(bad.length === 0, "labels", `Kubernetes refuses ${bad.join(", ")}`, "use label values of at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric");
}
