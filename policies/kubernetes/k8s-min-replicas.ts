/**
 * At least two pods, so one eviction, node failure or rollout never leaves the service with none.
 * A stack policy: when a HorizontalPodAutoscaler manages the workload, its minReplicas counts; when
 * a KEDA ScaledObject does, its minReplicaCount (KEDA's default is 0).
 */
import type { PolicyResource } from "@pulumi/policy";
import { indexNamespaces } from "../lib/namespaces";
import { readKnown, readPath, record } from "../lib/values";
import { REPLICATED_TYPES } from "../lib/workloads";
import { stackPolicy } from "../policy";
import { K8S_HPA, KEDA_SCALED_OBJECT } from "../resource-types";
import { polaris } from "../sources";

const MIN_REPLICAS = 2;

export const k8sMinReplicas = stackPolicy({
  name: "k8s-min-replicas",
  description: `Deployments and StatefulSets run at least ${MIN_REPLICAS} replicas (or their HorizontalPodAutoscaler's minReplicas, or KEDA ScaledObject's minReplicaCount, is at least ${MIN_REPLICAS}).`,
  severity: "high",
  remediationSteps: `Set spec.replicas to ${MIN_REPLICAS} or more, or the HorizontalPodAutoscaler's spec.minReplicas (a KEDA ScaledObject's spec.minReplicaCount) to ${MIN_REPLICAS} or more.`,
  framework: polaris("deploymentMissingReplicas", "Only one replica is scheduled"),
  tags: ["kubernetes", "reliability"],
  validate: (args, report) => {
    const namespaces = indexNamespaces(args.resources);
    const autoscalers = args.resources.filter((resource) => resource.type === K8S_HPA || resource.type === KEDA_SCALED_OBJECT);
    for (const workload of args.resources.filter((resource) => REPLICATED_TYPES.includes(resource.type))) {
      const candidates = autoscalers.filter((hpa) => targets(hpa, workload) !== "no" && namespaces.mayShare(hpa, workload));
      const autoscaler = candidates.find((hpa) => targets(hpa, workload) === "yes" && namespaces.keyOf(hpa) === namespaces.keyOf(workload));
      // An autoscaler that may manage the workload (its target or namespace unknown in a preview):
      // the replica count that matters is not known yet.
      if (!autoscaler && candidates.length > 0) continue;
      if (autoscaler) {
        const keda = autoscaler.type === KEDA_SCALED_OBJECT;
        const min = readPath(autoscaler.props, ["spec", keda ? "minReplicaCount" : "minReplicas"]);
        const fallback = keda ? 0 : 1; // what each applies when the field is left out
        if (min.known && (typeof min.value !== "number" || min.value < MIN_REPLICAS)) {
          report(`The ${keda ? "KEDA ScaledObject" : "HorizontalPodAutoscaler"} ${autoscaler.name} lets ${workload.name} scale down to ${typeof min.value === "number" ? min.value : fallback} replica(s).`, workload.urn);
        }
        continue;
      }
      const replicas = readPath(workload.props, ["spec", "replicas"]);
      if (replicas.known && (typeof replicas.value !== "number" || replicas.value < MIN_REPLICAS)) {
        report(`${workload.name} runs ${typeof replicas.value === "number" ? replicas.value : "1 (the default)"} replica(s); at least ${MIN_REPLICAS} are needed.`, workload.urn);
      }
    }
  },
});

/**
 * Whether the autoscaler's scaleTargetRef names the workload: "yes", "no", or "maybe" when its kind
 * or name is unknown during a preview (and it does not depend on the workload, which settles it).
 */
function targets(hpa: PolicyResource, workload: PolicyResource): "yes" | "no" | "maybe" {
  const ref = readPath(hpa.props, ["spec", "scaleTargetRef"]);
  if (!ref.known) return hpa.dependencies.some((dependency) => dependency.urn === workload.urn) ? "yes" : "maybe";
  const target = record(ref.value);
  const given = readKnown(target, "kind");
  // A ScaledObject's scaleTargetRef.kind defaults to Deployment.
  const kind = hpa.type === KEDA_SCALED_OBJECT && given.known && given.value === undefined ? { known: true, value: "Deployment" } : given;
  const name = readKnown(target, "name");
  const workloadKind = workload.type.split(":").pop();
  if (kind.known && kind.value !== workloadKind) return "no";
  const workloadName = readPath(workload.props, ["metadata", "name"]);
  if (name.known && workloadName.known && typeof workloadName.value === "string") return name.value === workloadName.value ? "yes" : "no";
  if (hpa.dependencies.some((dependency) => dependency.urn === workload.urn)) return "yes";
  return name.known && workloadName.known ? "no" : "maybe";
}

