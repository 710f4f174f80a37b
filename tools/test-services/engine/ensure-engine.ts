/**
 * The real Pulumi engine and Kubernetes control plane binaries the e2e tests run: the pulumi CLI and
 * pulumi-resource-kubernetes at the versions in node_modules, kube-apiserver / kube-controller-manager /
 * kubectl, all built from source through the Go module proxy (no other download is possible here), cached
 * per recipe; and etcd from Debian. Warm, this is a few stats: no go command runs.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildKubernetes, buildKubernetesProvider, buildPulumi } from "./build-steps";
import { builtDir, cachedBuild, type Log } from "./cached-build";
import { ensureEtcd } from "./etcd";
import { kubernetesProviderRecipe, kubernetesRecipe, pulumiRecipe } from "./recipes";

export interface EngineBinaries {
  pulumi: string;
  /** Without the leading "v": "3.248.0". */
  pulumiVersion: string;
  kubernetesProvider: string;
  /** Without the leading "v": "4.34.2". */
  kubernetesProviderVersion: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubectl: string;
  etcd: string;
}

const writeToStderr: Log = (line) => process.stderr.write(`${line}\n`);

function assertGo(): void {
  if (spawnSync("go", ["version"], { stdio: "ignore" }).status !== 0) {
    throw new Error("the engine is built from source with Go, and `go` is not on PATH: install Go 1.26 or newer (https://go.dev/doc/install)");
  }
}

/** A `pulumi` on PATH is used when it is exactly the version @pulumi/pulumi expects. */
function pulumiOnPath(version: string, log: Log): string | undefined {
  const which = spawnSync("sh", ["-c", "command -v pulumi"], { encoding: "utf8" });
  if (which.status !== 0) return undefined;
  const found = which.stdout.trim();
  const reported = spawnSync(found, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } }).stdout?.trim();
  if (reported === `v${version}`) {
    log(`engine: using pulumi ${reported} from PATH (${found})`);
    return found;
  }
  log(`engine: ignoring pulumi on PATH (${found} reports ${reported || "nothing"}, the tests need v${version}); using our own build`);
  return undefined;
}

/** Builds (one at a time, with progress on `log`) whatever is missing, and returns every binary's path. */
export async function ensureEngine(log: Log = writeToStderr): Promise<EngineBinaries> {
  const pulumi = pulumiRecipe();
  const kubernetes = kubernetesRecipe();
  const provider = kubernetesProviderRecipe();
  const etcd = ensureEtcd(log);
  // A pulumi on PATH is used (when it is the right version) before a build of our own.
  const pulumiFromPath = pulumiOnPath(pulumi.version, log);
  if (!(builtDir(kubernetes) && builtDir(provider) && (pulumiFromPath || builtDir(pulumi)))) assertGo();

  // The control plane's binaries first: they are the longer path to a first e2e run.
  const kubernetesDir = await cachedBuild(
    kubernetes,
    { label: `kube-apiserver, kube-controller-manager, kubectl ${kubernetes.version}`, estimate: "about 15 min" },
    (context) => buildKubernetes(kubernetes, context),
    log,
  );
  const pulumiPath =
    pulumiFromPath ??
    path.join(
      await cachedBuild(pulumi, { label: `pulumi v${pulumi.version}`, estimate: "about 5 min" }, (context) => buildPulumi(pulumi, context), log),
      "bin",
      "pulumi",
    );
  const providerDir = await cachedBuild(
    provider,
    { label: `pulumi-resource-kubernetes v${provider.version}`, estimate: "about 11 min" },
    (context) => buildKubernetesProvider(provider, context),
    log,
  );

  const kubernetesBin = (command: string) => path.join(kubernetesDir, "bin", command);
  return {
    pulumi: pulumiPath,
    pulumiVersion: pulumi.version,
    kubernetesProvider: path.join(providerDir, "bin", "pulumi-resource-kubernetes"),
    kubernetesProviderVersion: provider.version,
    kubeApiserver: kubernetesBin("kube-apiserver"),
    kubeControllerManager: kubernetesBin("kube-controller-manager"),
    kubectl: kubernetesBin("kubectl"),
    etcd,
  };
}
