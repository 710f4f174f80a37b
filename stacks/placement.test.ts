/**
 * The dev stack with worker agents placed in the services cluster (armature:clusters.workers.placement
 * = services-cluster-pool): no second cluster, tainted worker pools in the services cluster.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { runPlan } from "../tools/plan/run-plan";

it("places worker pools in the services cluster when configured", async () => {
  const root = path.resolve(__dirname, "..");
  const file = path.join(mkdtempSync(path.join(tmpdir(), "armature-placement-")), "Pulumi.dev.yaml");
  writeFileSync(file, readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8").replace("placement: separate-cluster", "placement: services-cluster-pool"));
  const { document } = await runPlan({ stack: "dev", configFile: file });

  const clusters = document.resources.filter((resource) => resource.type === "gcp:container/cluster:Cluster");
  expect(clusters.map((cluster) => cluster.name)).toEqual(["services"]);
  const pools = document.resources.filter((resource) => resource.type === "gcp:container/nodePool:NodePool");
  const workerSpot = pools.find((pool) => pool.inputs["name"] === "workers-spot");
  expect(workerSpot?.inputs).toMatchObject({
    cluster: "armature-dev-services",
    nodeConfig: { spot: true, taints: [{ key: "armature.dev/workload", value: "worker" }, { key: "cloud.google.com/gke-spot" }] },
  });
  expect(document.resources.some((resource) => resource.type === "gcp:compute/subnetwork:Subnetwork" && resource.name === "platform-workers")).toBe(false);
}, 60_000);
