/**
 * Installs the stand-in providers into a PULUMI_HOME exactly where the Pulumi CLI (v3.248.0) looks for
 * an installed plugin, so it never tries to download one:
 *   $PULUMI_HOME/plugins/resource-<name>-v<version>/pulumi-resource-<name>
 * with no `<dir>.partial` beside it (that file marks an unfinished install) and no `<dir>.lock`.
 * https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/go/common/workspace/plugins.go
 *   (PluginDescriptor.Dir/File, HasPlugin, GetPluginsFromDir, getPluginPath)
 * The stand-ins are bundled once with esbuild into one CommonJS file under
 * ${ARMATURE_CACHE_DIR:-~/.cache/armature}/stand-ins/, named by a hash of the sources, and each
 * plugin is a `#!/bin/sh` script running that bundle with node: one start costs no TypeScript.
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSync, version as esbuildVersion } from "esbuild";
import { AUTH_PLUGIN_NAME } from "./auth-plugin-name";
import { PACKAGE_VERSIONS } from "./versions";

const SOURCE_DIR = __dirname;
/** Dependencies bundled in: a new version of one means a new bundle. */
const BUNDLED_PACKAGES = ["@grpc/grpc-js", "@pulumi/pulumi", "google-protobuf", "@peculiar/x509", "@pulumi/gcp", "@pulumi/kafka", "@pulumi/random", "@pulumi/tls", "@pulumi/vault"];

export interface InstallPluginsOptions {
  pulumiHome: string;
  /** A folder on the CLI's PATH: gke-gcloud-auth-plugin goes there. */
  binDir: string;
  /** The real pulumi-resource-kubernetes binary and the version it is installed as. */
  kubernetesProvider: { path: string; version: string };
}

export function cacheDir(): string {
  return path.join(process.env["ARMATURE_CACHE_DIR"] ?? path.join(os.homedir(), ".cache", "armature"), "stand-ins");
}

function sourceFiles(dir = SOURCE_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(file);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [file] : [];
    })
    .sort();
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
}

/** Builds the bundle unless one of the same sources exists; returns its path. */
export function buildProvidersBundle(): string {
  const hash = createHash("sha256").update(`esbuild ${esbuildVersion}\n`);
  for (const name of BUNDLED_PACKAGES) hash.update(`${name}@${packageVersion(name)}\n`);
  for (const file of sourceFiles()) hash.update(`${path.relative(SOURCE_DIR, file)}\n`).update(readFileSync(file));
  const bundle = path.join(cacheDir(), `providers-${hash.digest("hex").slice(0, 16)}.cjs`);
  if (existsSync(bundle)) return bundle;
  mkdirSync(path.dirname(bundle), { recursive: true });
  // Written beside and renamed: a concurrent reader never sees half a bundle.
  const partial = `${bundle}.${process.pid}.partial`;
  buildSync({
    entryPoints: [path.join(SOURCE_DIR, "main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    outfile: partial,
    logLevel: "warning",
    minifyWhitespace: true,
    minifySyntax: true,
  });
  renameSync(partial, bundle);
  return bundle;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function writeExecutable(file: string, bundle: string, mode: string, what: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n# ${what} (tools/test-services/stand-ins/providers).\nexec ${shellQuote(process.execPath)} ${shellQuote(bundle)} ${mode} "$@"\n`);
  chmodSync(file, 0o755);
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
    writeExecutable(path.join(pluginDir(options.pulumiHome, name, version), `pulumi-resource-${name}`), bundle, name, `Stand-in ${name} provider v${version}`);
  }

  const kubernetes = options.kubernetesProvider;
  if (!existsSync(kubernetes.path)) throw new Error(`the Kubernetes provider binary ${kubernetes.path} does not exist: build it first (tools/test-services/engine)`);
  const kubernetesPlugin = path.join(pluginDir(options.pulumiHome, "kubernetes", kubernetes.version), "pulumi-resource-kubernetes");
  // A link, not a copy: the binary is large, and the CLI runs the path without resolving it.
  if (existsSync(kubernetesPlugin) || isLink(kubernetesPlugin)) rmSync(kubernetesPlugin);
  symlinkSync(path.resolve(kubernetes.path), kubernetesPlugin);

  writeExecutable(path.join(options.binDir, AUTH_PLUGIN_NAME), bundle, AUTH_PLUGIN_NAME, "Stand-in gke-gcloud-auth-plugin");
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
