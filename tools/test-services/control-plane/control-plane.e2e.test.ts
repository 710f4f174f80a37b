/**
 * The local control plane is a real Kubernetes: admission (Pod Security `restricted`), the workload
 * controllers, the program's CRDs, and clusters that do not share objects. Needs the engine binaries
 * (built on first use by ensureEngine, minutes) and etcd.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EngineBinaries, ensureEngine } from "../engine/ensure-engine";
import { waitUntil } from "../wait-until";
import { type ControlPlane, type LocalCluster, startControlPlane } from "./start-control-plane";

const run = promisify(execFile);

let binaries: EngineBinaries;
let plane: ControlPlane;
let workDir: string;

async function kubectl(cluster: LocalCluster, args: readonly string[], stdin?: string): Promise<string> {
  const child = run(binaries.kubectl, ["--kubeconfig", cluster.kubeconfigPath, ...args]);
  if (stdin !== undefined) {
    child.child.stdin?.end(stdin);
  }
  return (await child).stdout;
}

async function apply(cluster: LocalCluster, manifest: object): Promise<void> {
  await kubectl(cluster, ["apply", "-f", "-"], JSON.stringify(manifest));
}

async function getJson<T>(cluster: LocalCluster, args: readonly string[]): Promise<T> {
  return JSON.parse(await kubectl(cluster, ["get", ...args, "-o", "json"])) as T;
}

interface List<T> {
  items: T[];
}
interface Pod {
  metadata: { name: string };
  status?: { phase?: string };
}
interface Event {
  reason: string;
  message: string;
  involvedObject: { kind: string; name: string };
}

function deployment(namespace: string, name: string, container: object): object {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image: "registry.invalid/app:1", ...container }] } },
    },
  };
}

/** What the `restricted` profile asks of every container (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted). */
const RESTRICTED_CONTAINER = {
  securityContext: {
    runAsNonRoot: true,
    runAsUser: 1000,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  },
};

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

/** Processes whose command line mentions `text` (our children all take paths under the work folder). */
function processesMentioning(text: string): string[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
        return commandLine.includes(text) ? [`${pid}: ${commandLine}`] : [];
      } catch {
        return [];
      }
    });
}

beforeAll(async () => {
  binaries = await ensureEngine();
  workDir = await mkdtemp(path.join(tmpdir(), "armature-control-plane-test-"));
  plane = await startControlPlane({ clusters: ["services", "workers"], binaries, workDir });
});

afterAll(async () => {
  await plane?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("local control plane", () => {
  it("describes each cluster like GKE does: a bare endpoint, its CA and an admin token", () => {
    const services = plane.clusters["services"] as LocalCluster;
    expect(Object.keys(plane.clusters).sort()).toEqual(["services", "workers"]);
    expect(services.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(services.caCertificate).toContain("BEGIN CERTIFICATE");
    expect(plane.clusters["workers"]?.endpoint).not.toBe(services.endpoint);
  });

  it("enforces Pod Security restricted: the compliant Deployment gets a Pending pod, the privileged one none", async () => {
    const cluster = plane.clusters["services"] as LocalCluster;
    const namespace = "restricted-apps";
    await apply(cluster, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace, labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    });
    // The namespace's default service account (made by the controller-manager) must exist before pods can.
    await waitUntil("default service account", () => kubectl(cluster, ["get", "serviceaccount", "default", "-n", namespace]), 30_000, 250);
    await apply(cluster, deployment(namespace, "compliant", RESTRICTED_CONTAINER));
    await apply(cluster, deployment(namespace, "privileged", { securityContext: { privileged: true } }));

    let pods: Pod[] = [];
    await waitUntil(
      "the compliant Deployment's pod",
      async () => {
        pods = (await getJson<List<Pod>>(cluster, ["pods", "-n", namespace, "-l", "app=compliant"])).items;
        if (pods.length === 0) throw new Error("no pod yet");
      },
      60_000,
      250,
    );
    expect(pods).toHaveLength(1);
    // No scheduler or kubelet: the pod exists and stays Pending.
    expect(pods[0]?.status?.phase).toBe("Pending");

    let refusals: Event[] = [];
    await waitUntil(
      "a FailedCreate event for the privileged ReplicaSet",
      async () => {
        const events = (await getJson<List<Event>>(cluster, ["events", "-n", namespace])).items;
        refusals = events.filter((event) => event.reason === "FailedCreate" && event.involvedObject.name.startsWith("privileged-"));
        if (refusals.length === 0) throw new Error("no FailedCreate event yet");
      },
      60_000,
      250,
    );
    expect(refusals[0]?.involvedObject.kind).toBe("ReplicaSet");
    expect(refusals[0]?.message).toMatch(/violates PodSecurity "restricted.*privileged/);
    expect((await getJson<List<Pod>>(cluster, ["pods", "-n", namespace, "-l", "app=privileged"])).items).toEqual([]);
  });

  it("serves the program's CRDs with their schemas: Gateway, HTTPRoute, ScaledObject, PodMonitoring, HealthCheckPolicy", async () => {
    const cluster = plane.clusters["workers"] as LocalCluster;
    const namespace = "default";
    await apply(cluster, {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "edge", namespace },
      spec: { gatewayClassName: "gke-l7-global-external-managed", listeners: [{ name: "http", protocol: "HTTP", port: 80 }] },
    });
    await apply(cluster, {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "app", namespace },
      spec: { parentRefs: [{ name: "edge" }], rules: [{ backendRefs: [{ name: "app", port: 8080 }] }] },
    });
    await apply(cluster, {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { name: "worker", namespace },
      spec: { scaleTargetRef: { name: "worker" }, triggers: [{ type: "cpu", metricType: "Utilization", metadata: { value: "60" } }] },
    });
    await apply(cluster, {
      apiVersion: "monitoring.googleapis.com/v1",
      kind: "PodMonitoring",
      metadata: { name: "app", namespace },
      spec: { selector: { matchLabels: { app: "app" } }, endpoints: [{ port: "http", path: "/metrics", interval: "30s" }] },
    });
    const healthCheck = (requestPath: string) => ({
      apiVersion: "networking.gke.io/v1",
      kind: "HealthCheckPolicy",
      metadata: { name: requestPath === "/readyz" ? "app" : "broken", namespace },
      spec: { default: { config: { type: "HTTP", httpHealthCheck: { portSpecification: "USE_FIXED_PORT", port: 8080, requestPath } } }, targetRef: { group: "", kind: "Service", name: "app" } },
    });
    await apply(cluster, healthCheck("/readyz"));
    await expect(apply(cluster, healthCheck("readyz"))).rejects.toThrow(/requestPath/);
    const names = await kubectl(cluster, ["get", "gateways,httproutes,scaledobjects,podmonitorings,healthcheckpolicies", "-n", namespace, "-o", "name"]);
    expect(names.trim().split("\n").sort()).toEqual([
      "gateway.gateway.networking.k8s.io/edge",
      "healthcheckpolicy.networking.gke.io/app",
      "httproute.gateway.networking.k8s.io/app",
      "podmonitoring.monitoring.googleapis.com/app",
      "scaledobject.keda.sh/worker",
    ]);
    // The schemas are enforced, not just the kinds: an HTTPRoute backend without a port is refused by its CEL rule.
    await expect(
      apply(cluster, {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "broken", namespace },
        spec: { rules: [{ backendRefs: [{ name: "app" }] }] },
      }),
    ).rejects.toThrow(/Must have port for Service reference/);
  });

  it("keeps the clusters apart: a namespace made in one is absent in the other", async () => {
    const services = plane.clusters["services"] as LocalCluster;
    const workers = plane.clusters["workers"] as LocalCluster;
    await apply(services, { apiVersion: "v1", kind: "Namespace", metadata: { name: "only-in-services" } });
    await expect(kubectl(services, ["get", "namespace", "only-in-services", "-o", "name"])).resolves.toContain("only-in-services");
    await expect(kubectl(workers, ["get", "namespace", "only-in-services"])).rejects.toThrow(/NotFound/);
  });

  it("stops every server: the API ports close and no process of it is left", async () => {
    const ports = Object.values(plane.clusters).map((cluster) => Number(cluster.endpoint.split(":")[1]));
    expect(processesMentioning(workDir).length).toBeGreaterThan(0);
    await plane.stop();
    for (const port of ports) expect(await portIsClosed(port)).toBe(true);
    expect(processesMentioning(workDir)).toEqual([]);
  });
});
