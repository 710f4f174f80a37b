/** Passing and violating examples of every Kubernetes workload policy. */
import { container, deployment, podDisruptionBudget, podSpec } from "../fixtures/compliant-parts";
import { CRON_JOB, DEPLOYMENT, JOB, POD, STATEFUL_SET } from "../lib/workloads";
import { K8S_HPA, K8S_NAMESPACE, K8S_POD_DISRUPTION_BUDGET, K8S_SERVICE, KEDA_SCALED_OBJECT } from "../resource-types";
import { type PolicyCases, type ResourceSpec, resource, set, stack, unset } from "../testing/examples";
import { k8sDropCapabilities } from "./k8s-drop-capabilities";
import { k8sGracefulTermination } from "./k8s-graceful-termination";
import { k8sImagePinned } from "./k8s-image-pinned";
import { k8sLivenessProbe } from "./k8s-liveness-probe";
import { k8sMinReplicas } from "./k8s-min-replicas";
import { k8sNoHostNamespaces } from "./k8s-no-host-namespaces";
import { k8sNoLoadBalancerService } from "./k8s-no-load-balancer-service";
import { k8sNoPrivilegeEscalation } from "./k8s-no-privilege-escalation";
import { k8sPodDisruptionBudget } from "./k8s-pod-disruption-budget";
import { k8sReadOnlyRootFilesystem } from "./k8s-read-only-root-filesystem";
import { k8sReadinessProbe } from "./k8s-readiness-probe";
import { k8sResourceLimits } from "./k8s-resource-limits";
import { k8sResourceRequests } from "./k8s-resource-requests";
import { k8sRunAsNonRoot } from "./k8s-run-as-non-root";
import { k8sServiceAccountToken } from "./k8s-service-account-token";
import { k8sStartupProbe } from "./k8s-startup-probe";
import { k8sTopologySpread } from "./k8s-topology-spread";

const DEPLOY = deployment("acme");
const POD_SPEC = podSpec([container()]);
const CONTAINER = "spec.template.spec.containers.0";
const SECURITY = `${CONTAINER}.securityContext`;
const deploy = (name: string, inputs: object = DEPLOY) => resource(name, { type: DEPLOYMENT, inputs });
const compliant = deploy("the compliant Deployment");
const statefulSet = resource("a compliant StatefulSet", { type: STATEFUL_SET, inputs: { ...DEPLOY, kind: "StatefulSet" } });
const cronJob = (name: string, podSpec: object) => resource(name, { type: CRON_JOB, inputs: { spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template: { spec: podSpec } } } } } });
const pod = (name: string, podSpec: object) => resource(name, { type: POD, inputs: { metadata: { name: "debug" }, spec: podSpec } });
const job = (name: string, podSpec: object) => resource(name, { type: JOB, inputs: { spec: { template: { spec: podSpec } } } });
const compliantJob = job("a compliant Job", { ...POD_SPEC, restartPolicy: "Never" });

/** A Deployment with its budget: the stack-policy examples start from this. */
const withBudget = (workload: object = DEPLOY): ResourceSpec[] => [
  { type: DEPLOYMENT, name: "discovery", inputs: workload },
  { type: K8S_POD_DISRUPTION_BUDGET, name: "discovery-budget", inputs: podDisruptionBudget("acme") },
];
/** minReplicas left out means the Kubernetes default (1); an undefined input would mean "unknown". */
const autoscaler = (minReplicas: number | undefined, target = "discovery") => ({
  type: K8S_HPA,
  name: "discovery-autoscaler",
  inputs: { metadata: { name: "discovery", namespace: "acme" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target }, maxReplicas: 6, ...(minReplicas === undefined ? {} : { minReplicas }) } },
});

/** A KEDA ScaledObject (its scaleTargetRef.kind defaults to Deployment; minReplicaCount to 0). */
const scaledObject = (minReplicaCount: number | undefined) => ({
  type: KEDA_SCALED_OBJECT,
  name: "discovery-scaler",
  inputs: { metadata: { name: "discovery", namespace: "acme" }, spec: { scaleTargetRef: { name: "discovery" }, maxReplicaCount: 10, ...(minReplicaCount === undefined ? {} : { minReplicaCount }) } },
});

export const kubernetesCases: readonly PolicyCases[] = [
  {
    policy: k8sMinReplicas,
    passes: [
      stack("two replicas", withBudget()),
      stack("an autoscaler with minReplicas 2", [{ type: DEPLOYMENT, name: "discovery", inputs: unset(DEPLOY, "spec.replicas") }, autoscaler(2)]),
      stack("a KEDA ScaledObject with minReplicaCount 2", [{ type: DEPLOYMENT, name: "discovery", inputs: unset(DEPLOY, "spec.replicas") }, scaledObject(2)]),
      stack("an autoscaler whose target name is unknown but depends on the Deployment", [
        { type: DEPLOYMENT, name: "discovery", inputs: set(DEPLOY, "metadata.name", undefined) },
        { ...autoscaler(3), inputs: set(autoscaler(3).inputs, "spec.scaleTargetRef.name", undefined), dependsOn: ["discovery"] },
      ]),
    ],
    violations: [
      stack("one replica", withBudget(set(DEPLOY, "spec.replicas", 1)), { expect: /runs 1 replica/ }),
      stack("replicas not set (1)", withBudget(unset(DEPLOY, "spec.replicas")), { expect: /1 \(the default\)/ }),
      stack("an autoscaler that scales to one", [{ type: DEPLOYMENT, name: "discovery", inputs: DEPLOY }, autoscaler(undefined)], { expect: /scale down to 1/ }),
      stack("a KEDA ScaledObject that scales to zero (its default)", [{ type: DEPLOYMENT, name: "discovery", inputs: unset(DEPLOY, "spec.replicas") }, scaledObject(undefined)], { expect: /KEDA ScaledObject .* scale down to 0/ }),
      stack("a StatefulSet with one replica", [{ type: STATEFUL_SET, name: "db", inputs: set({ ...DEPLOY, kind: "StatefulSet" }, "spec.replicas", 1) }, autoscaler(3, "other")]),
    ],
  },
  {
    policy: k8sReadinessProbe,
    passes: [compliant, statefulSet, compliantJob],
    violations: [deploy("no readiness probe", unset(DEPLOY, `${CONTAINER}.readinessProbe`))],
  },
  { policy: k8sLivenessProbe, passes: [compliant, statefulSet], violations: [deploy("no liveness probe", unset(DEPLOY, `${CONTAINER}.livenessProbe`))] },
  { policy: k8sStartupProbe, passes: [compliant, statefulSet], violations: [deploy("no startup probe", unset(DEPLOY, `${CONTAINER}.startupProbe`))] },
  {
    policy: k8sResourceRequests,
    passes: [compliant, compliantJob],
    violations: [
      resource("no memory request", { type: DEPLOYMENT, inputs: unset(DEPLOY, `${CONTAINER}.resources.requests.memory`) }, { expect: /no requests for memory$/ }),
      deploy("an init container without requests", set(DEPLOY, "spec.template.spec.initContainers", [{ ...container(), name: "migrate", resources: {} }])),
      cronJob("a CronJob without resources", unset(POD_SPEC, "containers.0.resources")),
    ],
  },
  {
    policy: k8sResourceLimits,
    passes: [compliant],
    violations: [resource("no CPU limit", { type: DEPLOYMENT, inputs: unset(DEPLOY, `${CONTAINER}.resources.limits.cpu`) }, { expect: /no limits for cpu$/ })],
  },
  {
    policy: k8sRunAsNonRoot,
    passes: [compliant, deploy("non-root from the pod security context only", unset(DEPLOY, `${SECURITY}.runAsNonRoot`))],
    violations: [
      deploy("runs as root", set(DEPLOY, `${SECURITY}.runAsUser`, 0)),
      deploy("runAsNonRoot false", set(DEPLOY, `${SECURITY}.runAsNonRoot`, false)),
      pod("a pod with no security context", { containers: [unset(container(), "securityContext")] }),
      deploy("a positive runAsUser without runAsNonRoot", unset(unset(DEPLOY, `${SECURITY}.runAsNonRoot`), "spec.template.spec.securityContext.runAsNonRoot")),
      resource("the pod's runAsUser is 0 though the container overrides it", { type: DEPLOYMENT, inputs: set(DEPLOY, "spec.template.spec.securityContext.runAsUser", 0) }, { expect: /pod's securityContext.runAsUser is 0/ }),
    ],
  },
  {
    policy: k8sNoPrivilegeEscalation,
    passes: [compliant],
    violations: [deploy("escalation allowed by default", unset(DEPLOY, `${SECURITY}.allowPrivilegeEscalation`)), deploy("privileged", set(DEPLOY, `${SECURITY}.privileged`, true))],
  },
  { policy: k8sReadOnlyRootFilesystem, passes: [compliant], violations: [deploy("writable root filesystem", set(DEPLOY, `${SECURITY}.readOnlyRootFilesystem`, false))] },
  {
    policy: k8sDropCapabilities,
    passes: [compliant, deploy("NET_BIND_SERVICE added back", set(DEPLOY, `${SECURITY}.capabilities`, { drop: ["ALL"], add: ["NET_BIND_SERVICE"] }))],
    violations: [deploy("default capabilities", unset(DEPLOY, `${SECURITY}.capabilities`)), deploy("NET_ADMIN added", set(DEPLOY, `${SECURITY}.capabilities`, { drop: ["ALL"], add: ["NET_ADMIN"] }))],
  },
  {
    policy: k8sNoHostNamespaces,
    passes: [compliant, compliantJob],
    violations: [
      deploy("host network", set(DEPLOY, "spec.template.spec.hostNetwork", true)),
      pod("host PID in a bare pod", { ...POD_SPEC, hostPID: true }),
      deploy("a host port", set(DEPLOY, `${CONTAINER}.ports`, [{ containerPort: 8080, hostPort: 8080 }])),
    ],
  },
  {
    policy: k8sImagePinned,
    passes: [compliant, deploy("a digest", set(DEPLOY, `${CONTAINER}.image`, `europe-west1-docker.pkg.dev/p/platform/discovery@sha256:${"a".repeat(64)}`)), deploy("a registry with a port", set(DEPLOY, `${CONTAINER}.image`, "registry.local:5000/discovery:1.4.2"))],
    violations: [
      deploy("latest", set(DEPLOY, `${CONTAINER}.image`, "europe-west1-docker.pkg.dev/p/platform/discovery:latest")),
      deploy("no tag", set(DEPLOY, `${CONTAINER}.image`, "nginx")),
      deploy("no tag behind a registry port", set(DEPLOY, `${CONTAINER}.image`, "registry.local:5000/discovery")),
    ],
  },
  {
    policy: k8sServiceAccountToken,
    passes: [compliant, deploy("a token deliberately mounted", set(DEPLOY, "spec.template.spec.automountServiceAccountToken", true))],
    violations: [deploy("token mounted by default", unset(DEPLOY, "spec.template.spec.automountServiceAccountToken"))],
  },
  {
    policy: k8sGracefulTermination,
    passes: [compliant, deploy("the default grace period", unset(DEPLOY, "spec.template.spec.terminationGracePeriodSeconds"))],
    violations: [deploy("a long grace period", set(DEPLOY, "spec.template.spec.terminationGracePeriodSeconds", 120)), deploy("no preStop delay", unset(DEPLOY, `${CONTAINER}.lifecycle`))],
  },
  {
    policy: k8sTopologySpread,
    passes: [
      compliant,
      deploy(
        "zone spread plus node anti-affinity",
        set(set(DEPLOY, "spec.template.spec.topologySpreadConstraints", [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" }]), "spec.template.spec.affinity", {
          podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname" } }] },
        }),
      ),
    ],
    violations: [deploy("no spread", unset(DEPLOY, "spec.template.spec.topologySpreadConstraints"))],
  },
  {
    policy: k8sNoLoadBalancerService,
    passes: [
      resource("a ClusterIP Service", { type: K8S_SERVICE, inputs: { metadata: { name: "discovery", namespace: "acme" }, spec: { selector: { app: "discovery" }, ports: [{ port: 80 }] } } }),
      resource("a LoadBalancer in the gateway namespace", { type: K8S_SERVICE, inputs: { metadata: { name: "edge", namespace: "gateway" }, spec: { type: "LoadBalancer" } } }),
      resource(
        "a LoadBalancer in a namespace declared in the config",
        { type: K8S_SERVICE, inputs: { metadata: { name: "edge", namespace: "ingress" }, spec: { type: "LoadBalancer" } } },
        { config: { gatewayNamespaces: ["ingress"] } },
      ),
    ],
    violations: [
      resource("a LoadBalancer in a tenant namespace", { type: K8S_SERVICE, inputs: { metadata: { name: "discovery", namespace: "acme" }, spec: { type: "LoadBalancer" } } }),
      resource("a LoadBalancer in the default namespace", { type: K8S_SERVICE, inputs: { metadata: { name: "discovery" }, spec: { type: "LoadBalancer" } } }, { expect: /namespace default/ }),
    ],
  },
  {
    policy: k8sPodDisruptionBudget,
    passes: [
      stack("a budget selecting the pods", withBudget()),
      stack("namespaces unknown, both in the same Namespace resource", [
        { type: K8S_NAMESPACE, name: "ns", inputs: { metadata: { labels: { tenant: "acme" } } } },
        { type: DEPLOYMENT, name: "discovery", inputs: set(DEPLOY, "metadata.namespace", undefined), dependsOn: ["ns"] },
        { type: K8S_POD_DISRUPTION_BUDGET, name: "budget", inputs: set(podDisruptionBudget("acme"), "metadata.namespace", undefined), dependsOn: ["ns"] },
      ]),
    ],
    violations: [
      stack("no budget", [{ type: DEPLOYMENT, name: "discovery", inputs: DEPLOY }], { expect: /discovery has no PodDisruptionBudget/ }),
      stack("a budget in another namespace", [
        { type: DEPLOYMENT, name: "discovery", inputs: DEPLOY },
        { type: K8S_POD_DISRUPTION_BUDGET, name: "budget", inputs: podDisruptionBudget("globex") },
      ]),
      stack("a budget selecting other pods", [
        { type: DEPLOYMENT, name: "discovery", inputs: DEPLOY },
        { type: K8S_POD_DISRUPTION_BUDGET, name: "budget", inputs: set(podDisruptionBudget("acme"), "spec.selector.matchLabels", { app: "flags" }) },
      ]),
    ],
  },
];
