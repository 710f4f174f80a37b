/**
 * Installs the stand-in providers into a PULUMI_HOME exactly where the Pulumi CLI (v3.248.0) looks for
 * an installed plugin, so it never tries to download one:
 *   $PULUMI_HOME/plugins/resource-<name>-v<version>/pulumi-resource-<name>
 * with no `<dir>.partial` beside it (that file marks an unfinished install) and no `<dir>.lock`.
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/go/common/workspace/plugins.go
 *   (PluginDescriptor.Dir/File, HasPlugin, GetPluginsFromDir, getPluginPath)
 * Every stand-in runs from one bundle (../node-bundle.ts says why), each plugin a launcher for it.
 */
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { buildStandInBundle, writeNodeLauncher } from "../node-bundle";
import { AUTH_PLUGIN_NAME } from "./auth-plugin-name";
import { PACKAGE_VERSIONS } from "./versions";

/** Dependencies bundled in: a new version of one means a new bundle. */
const BUNDLED_PACKAGES = ["@grpc/grpc-js", "@pulumi/pulumi", "google-protobuf", "@peculiar/x509", "@pulumi/gcp", "@pulumi/kafka", "@pulumi/random", "@pulumi/tls", "@pulumi/vault"];

export interface InstallPluginsOptions {
  pulumiHome: string;
  /** A folder on the CLI's PATH: gke-gcloud-auth-plugin goes there. */
  binDir: string;
  /** The real pulumi-resource-kubernetes binary and the version it is installed as. */
  kubernetesProvider: { path: string; version: string };
}

export function buildProvidersBundle(): string {
  return buildStandInBundle("providers", __dirname, BUNDLED_PACKAGES);
}

/** `$PULUMI_HOME/plugins/resource-<name>-v<version>`, emptied, with no install markers left beside it. */
function pluginDir(pulumiHome: string, name: string, version: string): string {
  const dir = path.join(pulumiHome, "plugins", `resource-${name}-v${version}`);
  for (const marker of [`${dir}.partial`, `${dir}.lock`]) rmSync(marker, { force: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function installPlugins(options: InstallPluginsOptions): void {
  const bundle = buildProvidersBundle();
  for (const name of Object.keys(PACKAGE_VERSIONS)) {
    const version = PACKAGE_VERSIONS[name];
    if (!version) throw new Error(`no version for the stand-in ${name}: is @pulumi/${name} installed?`);
    writeNodeLauncher(path.join(pluginDir(options.pulumiHome, name, version), `pulumi-resource-${name}`), bundle, [name], `Stand-in ${name} provider v${version} (tools/test-services/stand-ins/providers).`);
  }

  const kubernetes = options.kubernetesProvider;
  if (!existsSync(kubernetes.path)) throw new Error(`the Kubernetes provider binary ${kubernetes.path} does not exist: build it first (tools/test-services/engine)`);
  const kubernetesPlugin = path.join(pluginDir(options.pulumiHome, "kubernetes", kubernetes.version), "pulumi-resource-kubernetes");
  // A link, not a copy: the binary is large, and the CLI runs the path without resolving it.
  if (existsSync(kubernetesPlugin) || isLink(kubernetesPlugin)) rmSync(kubernetesPlugin);
  symlinkSync(path.resolve(kubernetes.path), kubernetesPlugin);

  writeNodeLauncher(path.join(options.binDir, AUTH_PLUGIN_NAME), bundle, [AUTH_PLUGIN_NAME], "Stand-in gke-gcloud-auth-plugin (tools/test-services/stand-ins/providers).");
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
