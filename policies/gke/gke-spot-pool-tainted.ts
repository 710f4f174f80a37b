/**
 * Spot nodes disappear at short notice: where a cluster also offers untainted on-demand nodes,
 * pods that need stable nodes must not land on spot ones by chance, so the spot pools carry a
 * NoSchedule taint. A cluster whose untainted capacity is all spot (a worker cluster, spot first)
 * has nothing to shield: there the spot pool is where system pods run. A stack policy, because
 * the verdict depends on the cluster's other pools.
 */
import type { PolicyResource } from "@pulumi/policy";
import { list, readPath, text, valueAt } from "../lib/values";
import { stackPolicy } from "../policy";
import { GKE_CLUSTER, GKE_NODE_POOL } from "../resource-types";
import { googleCloudDocs } from "../sources";

const REPELLING = ["NO_SCHEDULE", "NO_EXECUTE"];

export const gkeSpotPoolTainted = stackPolicy({
  name: "gke-spot-pool-tainted",
  description: "Spot and preemptible node pools carry a NoSchedule taint when their cluster also has untainted on-demand nodes.",
  severity: "medium",
  remediationSteps:
    'Add nodeConfig.taints: [{ key: "cloud.google.com/gke-spot", value: "true", effect: "NO_SCHEDULE" }] to the spot pool and a matching toleration to the workloads meant for it.',
  framework: googleCloudDocs("kubernetes-engine/docs/concepts/spot-vms", "GKE: Spot VMs (taint spot node pools)"),
  tags: ["gke", "nodes", "cost"],
  validate: (args, report) => {
    const clusters = args.resources.filter((resource) => resource.type === GKE_CLUSTER);
    const pools = args.resources.filter((resource) => resource.type === GKE_NODE_POOL);
    const clusterOf = (pool: PolicyResource) => clusterOfPool(pool, clusters);
    for (const pool of pools.filter((candidate) => isSpot(candidate.props, ["nodeConfig"]) && !isTainted(candidate.props, ["nodeConfig"]))) {
      const cluster = clusterOf(pool);
      if (cluster === undefined) continue;
      const onDemand = pools.filter((other) => clusterOf(other) === cluster && !isSpot(other.props, ["nodeConfig"]) && !isTainted(other.props, ["nodeConfig"]));
      const removeDefault = readPath(cluster.props, ["removeDefaultNodePool"]);
      const keepsDefaultPool = removeDefault.known && removeDefault.value !== true;
      const defaultPoolOnDemand = keepsDefaultPool && !isSpot(cluster.props, ["nodeConfig"]) && !isTainted(cluster.props, ["nodeConfig"]);
      const stable = [...onDemand.map((other) => other.name), ...(defaultPoolOnDemand ? [`${cluster.name}'s default node pool`] : [])];
      if (stable.length > 0) {
        report(`Spot pool ${pool.name} has no NoSchedule taint while ${stable.join(", ")} offer(s) untainted on-demand nodes: any pod may land on nodes that can vanish.`, pool.urn);
      }
    }
  },
});

/** The pool's cluster: the Cluster resource it depends on, or the one its `cluster` input names. */
function clusterOfPool(pool: PolicyResource, clusters: readonly PolicyResource[]): PolicyResource | undefined {
  const dependency = clusters.find((cluster) => pool.dependencies.some((dependency) => dependency.urn === cluster.urn));
  if (dependency) return dependency;
  // The input holds the cluster's name or its id (projects/<p>/locations/<l>/clusters/<name>).
  const name = text(valueAt(pool.props, ["cluster"]))?.split("/").pop();
  return name === undefined ? undefined : clusters.find((cluster) => valueAt(cluster.props, ["name"]) === name);
}

function isSpot(props: unknown, path: readonly string[]): boolean {
  return ["spot", "preemptible"].some((field) => valueAt(props, [...path, field]) === true);
}

/** Tainted NoSchedule/NoExecute; an unknown taint list counts as tainted (nothing can be concluded). */
function isTainted(props: unknown, path: readonly string[]): boolean {
  const taints = readPath(props, [...path, "taints"]);
  if (!taints.known) return true;
  return list(taints.value).some((_taint, index) => {
    const effect = readPath(taints.value, [index, "effect"]);
    return !effect.known || REPELLING.includes(text(effect.value) ?? "");
  });
}

