/**
 * One GKE node pool with the platform's node defaults: autoscaling per zone, auto-repair and
 * auto-upgrade, surge upgrades with zero unavailable, shielded nodes, the GKE metadata server
 * (Workload Identity), COS containerd, a dedicated node service account, and a taint on spot pools.
 * Used by GkeCluster and WorkerCluster.
 */
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { argChecker } from "../shared/arg-error";
import type { Labels } from "../shared/types";

export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: "NO_SCHEDULE" | "PREFER_NO_SCHEDULE" | "NO_EXECUTE";
}

export interface NodePoolSpec {
  /** Short name, unique in the cluster: "on-demand", "spot". */
  readonly name: string;
  readonly machineType: string;
  readonly minNodesPerZone: number;
  readonly maxNodesPerZone: number;
  /** Default 100. */
  readonly diskSizeGb?: number;
  /** Spot VMs (preemptible, cheaper). Default false. */
  readonly spot?: boolean;
  /** Default: spot pools get SPOT_TAINT, on-demand pools none. A spot pool must keep at least one taint. */
  readonly taints?: readonly Taint[];
  /** Extra Kubernetes node labels. */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /** Default 1 (GKE's surge default). */
  readonly maxSurge?: number;
  /** Default 0: never take a node away before its replacement is ready. */
  readonly maxUnavailable?: number;
}

/** GKE's own taint for spot nodes: only pods that tolerate preemption are scheduled there. */
export const SPOT_TAINT: Taint = { key: "cloud.google.com/gke-spot", value: "true", effect: "NO_SCHEDULE" };
export const POOL_LABEL = "armature.dev/pool";

export function validateNodePools(component: string, name: string, pools: readonly NodePoolSpec[], arg = "nodePools", requireSpotTaint = true): void {
  const check = argChecker(component, name);
  check(pools.length > 0, arg, "no node pool declared", "declare at least one node pool");
  const names = pools.map((pool) => pool.name);
  check(new Set(names).size === names.length, arg, `duplicate pool names in ${JSON.stringify(names)}`, "give each pool a unique name");
  pools.forEach((pool, index) => {
    const at = `${arg}[${index}]`;
    check(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(pool.name), `${at}.name`, `${JSON.stringify(pool.name)} is not a valid pool name`, "use 2-32 lowercase letters, digits and '-'");
    check(Number.isInteger(pool.minNodesPerZone) && pool.minNodesPerZone >= 0, `${at}.minNodesPerZone`, `${pool.minNodesPerZone} is not a whole number >= 0`, "use 0 or more");
    check(Number.isInteger(pool.maxNodesPerZone) && pool.maxNodesPerZone >= 1, `${at}.maxNodesPerZone`, `${pool.maxNodesPerZone} is not a whole number >= 1`, "use 1 or more");
    check(pool.minNodesPerZone <= pool.maxNodesPerZone, `${at}.minNodesPerZone`, `${pool.minNodesPerZone} is above maxNodesPerZone (${pool.maxNodesPerZone})`, "lower minNodesPerZone or raise maxNodesPerZone");
    check(!requireSpotTaint || !pool.spot || (pool.taints ?? [SPOT_TAINT]).length > 0, `${at}.taints`, "a spot pool without a taint would take any workload and lose it at preemption", `keep a taint such as ${SPOT_TAINT.key}=${SPOT_TAINT.value}:${SPOT_TAINT.effect}`);
    check((pool.maxSurge ?? 1) + (pool.maxUnavailable ?? 0) > 0, `${at}.maxSurge`, "maxSurge and maxUnavailable are both 0, so upgrades cannot progress", "set maxSurge to 1 or more");
  });
}

export interface NodePoolContext {
  readonly cluster: gcp.container.Cluster;
  readonly location: string;
  readonly serviceAccountEmail: pulumi.Input<string>;
  readonly labels: Labels;
}

export function createNodePool(resourceName: string, spec: NodePoolSpec, context: NodePoolContext, opts: pulumi.CustomResourceOptions): gcp.container.NodePool {
  const spot = spec.spot ?? false;
  const taints = spec.taints ?? (spot ? [SPOT_TAINT] : []);
  return new gcp.container.NodePool(resourceName, {
    name: spec.name,
    cluster: context.cluster.name,
    location: context.location,
    // No initialNodeCount: it forces a new pool whenever it changes; the autoscaler sizes the pool.
    autoscaling: { minNodeCount: spec.minNodesPerZone, maxNodeCount: spec.maxNodesPerZone, locationPolicy: spot ? "ANY" : "BALANCED" },
    management: { autoRepair: true, autoUpgrade: true },
    upgradeSettings: { strategy: "SURGE", maxSurge: spec.maxSurge ?? 1, maxUnavailable: spec.maxUnavailable ?? 0 },
    nodeConfig: {
      machineType: spec.machineType,
      diskSizeGb: spec.diskSizeGb ?? 100,
      diskType: "pd-balanced",
      imageType: "COS_CONTAINERD",
      spot,
      serviceAccount: context.serviceAccountEmail,
      oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      workloadMetadataConfig: { mode: "GKE_METADATA" },
      metadata: { "disable-legacy-endpoints": "true" },
      labels: { [POOL_LABEL]: spec.name, ...spec.nodeLabels },
      resourceLabels: { ...context.labels },
      taints: taints.map((taint) => ({ ...taint })),
    },
  }, opts);
}
