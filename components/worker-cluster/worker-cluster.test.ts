import { beforeAll, describe, expect, it } from "vitest";
import { GkeCluster, type GkeClusterArgs } from "../gke-cluster/gke-cluster";
import { type MockRuntime, useMockRuntime } from "../shared/mock-runtime";
import { WORKER_TAINT, WorkerCluster, type SeparateWorkerClusterArgs } from "./worker-cluster";

let mocks: MockRuntime;
beforeAll(async () => {
  mocks = await useMockRuntime();
});

const NODE_POOL = "gcp:container/nodePool:NodePool";
const SPOT_TAINT = { key: "cloud.google.com/gke-spot", value: "true", effect: "NO_SCHEDULE" };

const clusterArgs: Omit<GkeClusterArgs, "nodePools"> = {
  namePrefix: "armature-test",
  project: "my-project",
  region: "europe-west1",
  network: "net-id",
  subnetwork: "workers-subnet-id",
  podsRangeName: "workers-pods",
  servicesRangeName: "workers-services",
  masterCidr: "172.16.0.16/28",
  labels: { team: "platform" },
};

const separate = (overrides: Partial<SeparateWorkerClusterArgs> = {}): SeparateWorkerClusterArgs => ({
  placement: "separate-cluster",
  cluster: clusterArgs,
  spotPool: { name: "spot", machineType: "e2-standard-2", minNodesPerZone: 0, maxNodesPerZone: 4 },
  onDemandPool: { name: "on-demand", machineType: "e2-standard-2", minNodesPerZone: 0, maxNodesPerZone: 1 },
  ...overrides,
});

describe("WorkerCluster", () => {
  it("by default builds a separate private cluster: spot first, from zero, on-demand fallback for workers only", async () => {
    const workers = new WorkerCluster("workers", separate());
    await mocks.settle();
    const cluster = mocks.named("gcp:container/cluster:Cluster", "workers").inputs;
    expect(cluster).toMatchObject({
      name: "armature-test-workers",
      privateClusterConfig: { enablePrivateNodes: true, masterIpv4CidrBlock: "172.16.0.16/28" },
      workloadIdentityConfig: { workloadPool: "my-project.svc.id.goog" },
      binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" },
    });
    const spot = mocks.named(NODE_POOL, "workers-spot").inputs;
    expect(spot.nodeConfig.spot).toBe(true);
    expect(spot.autoscaling).toMatchObject({ minNodeCount: 0, maxNodeCount: 4 });
    // GKE's system pods need an untainted pool; the cluster runs nothing but interruptible work.
    expect(spot.nodeConfig.taints).toEqual([]);
    const onDemand = mocks.named(NODE_POOL, "workers-on-demand").inputs;
    expect(onDemand.nodeConfig.spot).toBe(false);
    expect(onDemand.nodeConfig.taints).toEqual([WORKER_TAINT]);
    expect(workers.cluster).not.toBeUndefined();
    expect(workers.provider).toBe(workers.cluster.provider);
  });

  it("places tainted worker pools in the services cluster when asked", async () => {
    const services = new GkeCluster("services", {
      ...clusterArgs,
      masterCidr: "172.16.0.0/28",
      nodePools: [{ name: "on-demand", machineType: "e2-standard-4", minNodesPerZone: 1, maxNodesPerZone: 3 }],
    });
    const workers = new WorkerCluster("in-services", {
      placement: "services-cluster-pool",
      servicesCluster: services,
      spotPool: { name: "spot", machineType: "e2-standard-2", minNodesPerZone: 0, maxNodesPerZone: 4 },
    });
    await mocks.settle();
    expect(mocks.ofType("gcp:container/cluster:Cluster").map((cluster) => cluster.name)).not.toContain("in-services");
    const pool = mocks.named(NODE_POOL, "in-services-workers-spot").inputs;
    expect(pool.name).toBe("workers-spot");
    expect(pool.nodeConfig.taints).toEqual([WORKER_TAINT, SPOT_TAINT]);
    expect(pool.nodeConfig.serviceAccount).toBe("armature-test-services-nodes@mock-project.iam.gserviceaccount.com");
    expect(workers.provider).toBe(services.provider);
  });

  it("honours an override: warm spot nodes when explicitly allowed", async () => {
    new WorkerCluster("warm", separate({
      cluster: { ...clusterArgs, releaseChannel: "STABLE" },
      spotPool: { name: "spot", machineType: "e2-standard-2", minNodesPerZone: 1, maxNodesPerZone: 4 },
      allowWarmSpotNodes: true,
    }));
    await mocks.settle();
    expect(mocks.named(NODE_POOL, "warm-spot").inputs.autoscaling.minNodeCount).toBe(1);
    expect(mocks.named("gcp:container/cluster:Cluster", "warm").inputs.releaseChannel).toEqual({ channel: "STABLE" });
  });

  it("refuses warm spot nodes by accident, clashing pool names, and a private cluster without a master CIDR", () => {
    expect(() => new WorkerCluster("warm-by-accident", separate({
      spotPool: { name: "spot", machineType: "e2-standard-2", minNodesPerZone: 2, maxNodesPerZone: 4 },
    }))).toThrow(/WorkerCluster "warm-by-accident": Args\.spotPool\.minNodesPerZone: 2, but worker capacity scales from zero.*Fix: set minNodesPerZone: 0/);
    expect(() => new WorkerCluster("clash", separate({
      onDemandPool: { name: "spot", machineType: "e2-standard-2", minNodesPerZone: 0, maxNodesPerZone: 1 },
    }))).toThrow(/WorkerCluster "clash": Args\.pools: duplicate pool names/);
    const { masterCidr: _omitted, ...withoutMaster } = clusterArgs;
    expect(() => new WorkerCluster("no-master", separate({ cluster: withoutMaster }))).toThrow(/GkeCluster "no-master": Args\.masterCidr: missing/);
  });
});
