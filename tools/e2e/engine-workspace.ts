/**
 * Everything one e2e run of the real engine needs, in a folder of its own: PULUMI_HOME with the real
 * Kubernetes provider and the stand-in providers installed as plugins, a bin folder with the
 * stand-in language host and gke-gcloud-auth-plugin, a file backend, and the environment that
 * points the CLI, the stand-ins and kubectl at the local control plane.
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ControlPlane } from "../test-services/control-plane/start-control-plane";
import type { EngineBinaries } from "../test-services/engine/ensure-engine";
import { installLanguageHost } from "../test-services/stand-ins/language-host/install";
import { installPlugins } from "../test-services/stand-ins/providers/install";
import { PulumiSession } from "./pulumi-session";

export interface EngineWorkspace {
  readonly dir: string;
  readonly logFile: string;
  readonly recordDir: string;
  readonly pulumi: PulumiSession;
  dispose(): void;
}

/** The CLI's and the plugins' settings that must not leak in from the machine running the tests. */
const INHERITED_OUT = /^(PULUMI_|KUBECONFIG$|ARMATURE_STANDIN_)/;

export function createEngineWorkspace(options: {
  binaries: EngineBinaries;
  controlPlane: ControlPlane;
  projectDir: string;
  /** Maps each GKE cluster the program creates (by the end of its name) to a local cluster. */
  gkeClusters: Readonly<Record<string, string>>;
}): EngineWorkspace {
  const dir = mkdtempSync(path.join(os.tmpdir(), "armature-e2e-"));
  const pulumiHome = path.join(dir, "pulumi-home");
  const binDir = path.join(dir, "bin");
  const backendDir = path.join(dir, "state");
  const recordDir = path.join(dir, "records");
  for (const folder of [pulumiHome, binDir, backendDir, recordDir]) mkdirSync(folder, { recursive: true });

  installLanguageHost(binDir);
  // The CLI looks for language hosts beside its own executable first; one found only on PATH draws a
  // warning in every command's output. A hard link (a copy across file systems) puts it beside.
  const pulumi = path.join(binDir, "pulumi");
  try {
    linkSync(options.binaries.pulumi, pulumi);
  } catch {
    copyFileSync(options.binaries.pulumi, pulumi);
  }
  installPlugins({ pulumiHome, binDir, kubernetesProvider: { path: options.binaries.kubernetesProvider, version: options.binaries.kubernetesProviderVersion } });

  const clusters = Object.entries(options.gkeClusters).map(([nameSuffix, local]) => {
    const cluster = options.controlPlane.clusters[local];
    if (!cluster) throw new Error(`no local cluster named ${local}; started: ${Object.keys(options.controlPlane.clusters).join(", ")}`);
    // The stand-in gke-gcloud-auth-plugin picks the token by the server the Kubernetes provider calls.
    return { nameSuffix, endpoint: cluster.endpoint, caCertificate: cluster.caCertificate, token: cluster.token };
  });

  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !INHERITED_OUT.test(key)));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    PATH: [binDir, path.dirname(options.binaries.kubectl), process.env["PATH"] ?? ""].join(path.delimiter),
    PULUMI_HOME: pulumiHome,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString("hex"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    ARMATURE_STANDIN_GKE_CLUSTERS: JSON.stringify(clusters),
    ARMATURE_STANDIN_RECORD_DIR: recordDir,
  };
  const logFile = path.join(dir, "e2e.log");
  return {
    dir,
    logFile,
    recordDir,
    pulumi: new PulumiSession({ pulumi, projectDir: options.projectDir, env, logFile }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
