/** PlatformApps' checks on the worker agents' Args (the full wiring is in stacks/workloads-plan.test.ts). */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ComponentArgError } from "../shared/arg-error";
import { useMockRuntime } from "../shared/mock-runtime";
import { PLATFORM_APPS } from "./app-names";
import { PlatformApps, type PlatformAppsArgs } from "./platform-apps";

let args: PlatformAppsArgs;
beforeAll(async () => {
  await useMockRuntime();
  const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
  const release = Object.fromEntries(PLATFORM_APPS.map((app) => [app, "1.0.0"])) as PlatformAppsArgs["releases"]["blue"];
  args = {
    registry: "europe-west1-docker.pkg.dev/p/platform",
    releases: { blue: release, green: release },
    activeColour: "blue",
    labels: { team: "platform" },
    services: { provider, workloadPool: "p.svc.id.goog" },
    workers: { provider, workloadPool: "p.svc.id.goog", taints: [] },
    identities: Object.fromEntries(PLATFORM_APPS.map((app) => [app, { email: `${app}@p.iam.gserviceaccount.com`, name: `projects/p/serviceAccounts/${app}@p.iam.gserviceaccount.com` }])) as PlatformAppsArgs["identities"],
    databaseUrls: { worker: pulumi.secret("postgresql://worker:x@10.0.0.3:5432/worker?sslmode=require") },
    redisUrl: pulumi.secret("rediss://:x@10.0.0.4:6378"),
    kafkaBrokers: "bootstrap:9092",
  };
});

describe("PlatformApps worker agents", () => {
  it.each([
    ["no worker database", { databaseUrls: {} }, /Args\.databaseUrls\.worker: missing.*add a worker database/],
    ["fewer than 2 agents", { workerScaling: { minReplicas: 1 } }, /Args\.workerScaling\.minReplicas: 1 is below 2/],
    ["a maximum below the minimum", { workerScaling: { minReplicas: 3, maxReplicas: 2 } }, /Args\.workerScaling\.maxReplicas: 2 is below minReplicas \(3\)/],
    ["no runs per agent", { workerScaling: { runsPerAgent: 0 } }, /Args\.workerScaling\.runsPerAgent: 0 is not from 1 to 256/],
    ["an unpinned KEDA chart", { workerScaling: { kedaChartVersion: "latest" } }, /Args\.workerScaling\.kedaChartVersion: "latest" is not a pinned chart version/],
  ])("refuses %s, saying how to fix it", (_, overrides, message) => {
    const create = () => new PlatformApps(`apps-${Math.random().toString(36).slice(2, 8)}`, { ...args, ...overrides });
    expect(create).toThrow(ComponentArgError);
    expect(create).toThrow(message);
  });
});
