/**
 * Capacity for worker agents, spot first and autoscaling from zero. By default a separate private
 * cluster (so a runaway job cannot starve the services): its spot pool is untainted, because GKE's
 * system pods must run somewhere, and the optional on-demand fallback carries WORKER_TAINT so only
 * worker agents use it. By an Arg, tainted pools in the services cluster instead: there both pools
 * carry WORKER_TAINT (and the spot pool SPOT_TAINT), so only worker agents land on them.
 */
import type * as gcp from "@pulumi/gcp";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GkeCluster, type GkeClusterArgs } from "../gke-cluster/gke-cluster";
import { type NodePoolSpec, SPOT_TAINT, type Taint, validateNodePools } from "../gke-cluster/node-pool";
import { argChecker } from "../shared/arg-error";

export const WORKER_TAINT: Taint = { key: "armature.dev/workload", value: "worker", effect: "NO_SCHEDULE" };

export type WorkerPoolSpec = Omit<NodePoolSpec, "taints" | "spot">;

interface CommonArgs {
  /** Spot capacity, scaling from minNodesPerZone (default expectation: 0). */
  readonly spotPool: WorkerPoolSpec;
  /** Optional on-demand fallback for when spot capacity is short. */
  readonly onDemandPool?: WorkerPoolSpec;
  /** Spot pools must scale from zero unless this is true. Default false. */
  readonly allowWarmSpotNodes?: boolean;
}

export interface SeparateWorkerClusterArgs extends CommonArgs {
  readonly placement: "separate-cluster";
  /** Everything a GkeCluster needs except its pools (WorkerCluster builds those). */
  readonly cluster: Omit<GkeClusterArgs, "nodePools" | "allowSpotOnly">;
}

export interface ServicesPoolWorkerArgs extends CommonArgs {
  readonly placement: "services-cluster-pool";
  /** The services cluster that receives the tainted worker pools. */
  readonly servicesCluster: GkeCluster;
}

export type WorkerClusterArgs = SeparateWorkerClusterArgs | ServicesPoolWorkerArgs;

export class WorkerCluster extends pulumi.ComponentResource {
  /** The cluster worker agents run in (the services cluster with the pool placement). */
  readonly cluster: GkeCluster;
  /** Deploy worker agents through this provider. */
  readonly provider: k8s.Provider;
  readonly nodePools: Readonly<Record<string, gcp.container.NodePool>>;
  /** Worker pods need this toleration (and SPOT_TAINT's for the spot pool). */
  readonly taint: Taint = WORKER_TAINT;
  readonly placement: WorkerClusterArgs["placement"];

  constructor(name: string, args: WorkerClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("armature:gke:WorkerCluster", name, {}, opts);
    const pools = workerPools(args);
    validate(name, args, pools);
    this.placement = args.placement;

    if (args.placement === "separate-cluster") {
      this.cluster = new GkeCluster(name, { ...args.cluster, nodePools: pools, allowSpotOnly: true }, { parent: this });
      this.nodePools = this.cluster.nodePools;
    } else {
      this.cluster = args.servicesCluster;
      const added: Record<string, gcp.container.NodePool> = {};
      for (const spec of pools) added[spec.name] = this.cluster.addNodePool(`${name}-${spec.name}`, spec, { parent: this });
      this.nodePools = added;
    }
    this.provider = this.cluster.provider;
    this.registerOutputs({ placement: this.placement });
  }
}

/** Spot first: the spot pool, then the optional on-demand fallback that only worker agents tolerate. */
function workerPools(args: WorkerClusterArgs): NodePoolSpec[] {
  const shared = args.placement === "services-cluster-pool";
  const prefix = shared ? "workers-" : "";
  const spotTaints = shared ? [WORKER_TAINT, SPOT_TAINT] : [];
  const pools: NodePoolSpec[] = [{ ...args.spotPool, name: `${prefix}${args.spotPool.name}`, spot: true, taints: spotTaints }];
  if (args.onDemandPool) {
    pools.push({ ...args.onDemandPool, name: `${prefix}${args.onDemandPool.name}`, spot: false, taints: [WORKER_TAINT] });
  }
  return pools;
}

function validate(name: string, args: WorkerClusterArgs, pools: NodePoolSpec[]): void {
  const check = argChecker("WorkerCluster", name);
  validateNodePools("WorkerCluster", name, pools, "pools", args.placement === "services-cluster-pool");
  check(
    args.allowWarmSpotNodes === true || args.spotPool.minNodesPerZone === 0,
    "spotPool.minNodesPerZone",
    `${args.spotPool.minNodesPerZone}, but worker capacity scales from zero so idle stacks cost nothing`,
    "set minNodesPerZone: 0, or allowWarmSpotNodes: true to keep warm nodes",
  );
  if (args.onDemandPool) {
    check(
      args.onDemandPool.name !== args.spotPool.name,
      "onDemandPool.name",
      `${JSON.stringify(args.onDemandPool.name)} is also the spot pool's name`,
      "give the on-demand pool its own name",
    );
  }
}
