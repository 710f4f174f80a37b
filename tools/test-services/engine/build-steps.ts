/**
 * The Go steps of each recipe. Every build happens in a wrapper module of our own (in the recipe's temp
 * folder), because `go install pkg@version` refuses modules whose go.mod has replace directives, and
 * the pulumi CLI and k8s.io/kubernetes both need them.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BuildContext } from "./cached-build";
import type { ActionlintRecipe, KubernetesRecipe, ProviderRecipe, PulumiRecipe } from "./recipes";

/** Where the Go module proxy unpacked `module@version` (read-only), downloading it if needed. */
export function moduleDir(module: string, version: string): string {
  let output: string;
  try {
    output = execFileSync("go", ["mod", "download", "-json", `${module}@${version}`], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? "";
    throw new Error(`go mod download ${module}@${version} failed: ${stdout.trim() || (error as Error).message}`, { cause: error });
  }
  const info = JSON.parse(output) as { Dir?: string; Error?: string };
  if (info.Error || !info.Dir) throw new Error(`go mod download ${module}@${version} failed: ${info.Error ?? "no Dir in its answer"}`);
  return info.Dir;
}

/**
 * The pulumi CLI, as upstream's release build makes it: the version is stamped into sdk/v3's version
 * package (https://github.com/pulumi/pulumi/blob/v3.248.0/scripts/get-version / Makefile LDFLAGS).
 */
export async function buildPulumi(recipe: PulumiRecipe, context: BuildContext): Promise<void> {
  const version = `v${recipe.version}`;
  await context.run("go", ["mod", "init", "armature.dev/engine/pulumi"]);
  await context.run("go", ["get", "-tool", `github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@${version}`, `github.com/pulumi/pulumi/sdk/v3@${version}`]);
  await context.run("go", ["mod", "edit", "-droptool", "github.com/pulumi/pulumi/sdk/v3", "-replace", `github.com/atotto/clipboard=${recipe.clipboardFork}`]);
  // -mod=mod records the replacement's checksum, which `go mod edit` cannot.
  await context.run("go", [
    "build",
    "-mod=mod",
    "-o",
    "bin/pulumi",
    "-ldflags",
    `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`,
    "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
  ]);
}

/**
 * kube-apiserver, kube-controller-manager and kubectl from k8s.io/kubernetes. Its go.mod points every
 * staging module (k8s.io/api, k8s.io/client-go, ...) at ./staging, which is not in the module zip; the
 * wrapper replaces each with its published v0.x release instead. sample-cli-plugin is not served by the
 * proxy and no command we build imports it.
 */
export async function buildKubernetes(recipe: KubernetesRecipe, context: BuildContext): Promise<void> {
  const kubernetesGoMod = readFileSync(path.join(moduleDir("k8s.io/kubernetes", recipe.version), "go.mod"), "utf8");
  const staging = stagingModules(kubernetesGoMod).filter((module) => module !== "k8s.io/sample-cli-plugin");
  context.note(`staging modules replaced with ${recipe.stagingVersion}: ${staging.join(" ")}`);
  await context.run("go", ["mod", "init", "armature.dev/engine/kubernetes"]);
  await context.run("go", ["mod", "edit", ...staging.map((module) => `-replace=${module}=${module}@${recipe.stagingVersion}`)]);
  const packages = recipe.commands.map((command) => `k8s.io/kubernetes/cmd/${command}`);
  await context.run("go", ["get", ...packages.map((pkg) => `${pkg}@${recipe.version}`)]);
  // The version stamp upstream's hack/lib/version.sh sets; without it the servers report v0.0.0-master.
  const [major, minor] = recipe.version.replace(/^v/, "").split(".");
  const stamp = [`gitVersion=${recipe.version}`, `gitMajor=${major}`, `gitMinor=${minor}`, "gitTreeState=clean"]
    .map((field) => `-X k8s.io/component-base/version.${field}`)
    .join(" ");
  await context.run("go", ["build", "-o", "bin/", "-ldflags", stamp, ...packages], { env: { CGO_ENABLED: "0" } });
}

/** The module paths in k8s.io/kubernetes's `replace (...)` block that point into ./staging. */
export function stagingModules(goMod: string): string[] {
  return [...goMod.matchAll(/^\s*(k8s\.io\/[\w.-]+)\s*=>\s*\.\/staging\//gm)].map((match) => match[1] as string);
}

/**
 * pulumi-resource-kubernetes. Its main package embeds schema-embed.json and terraform-mapping-embed.json,
 * which upstream's Makefile generates (cmd/pulumi-resource-kubernetes/generate.go: schema.json with the
 * version set, and terraform-mapping.json compacted) and which the module zip lacks; so the module is copied
 * to a writable folder, the two files written, and the build runs there. Its go.mod replaces the SDK
 * module with ../sdk (not in the zip either); the provider build drops that and uses the published SDK.
 */
export async function buildKubernetesProvider(recipe: ProviderRecipe, context: BuildContext): Promise<void> {
  const source = path.join(context.dir, "provider-src");
  cpSync(moduleDir(recipe.module, recipe.moduleVersion), source, { recursive: true });
  makeWritable(source);
  const commandDir = path.join(source, "cmd", "pulumi-resource-kubernetes");
  const schema = JSON.parse(readFileSync(path.join(commandDir, "schema.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(path.join(commandDir, "schema-embed.json"), JSON.stringify({ ...schema, version: recipe.version }));
  writeFileSync(path.join(commandDir, "terraform-mapping-embed.json"), JSON.stringify(JSON.parse(readFileSync(path.join(commandDir, "terraform-mapping.json"), "utf8"))));
  await context.run("go", ["mod", "edit", "-dropreplace", "github.com/pulumi/pulumi-kubernetes/sdk/v4"], { cwd: source });
  await context.run(
    "go",
    [
      "build",
      "-mod=mod",
      "-o",
      path.join(context.dir, "bin", "pulumi-resource-kubernetes"),
      "-ldflags",
      `-X ${recipe.module}/pkg/version.Version=${recipe.version}`,
      "./cmd/pulumi-resource-kubernetes",
    ],
    // The provider's go.mod names an older toolchain; build with the local one rather than downloading it.
    { cwd: source, env: { GOTOOLCHAIN: "local" } },
  );
}

/** actionlint's module has no replace directives, so a plain `go install` builds it (into the recipe's bin). */
export async function buildActionlint(recipe: ActionlintRecipe, context: BuildContext): Promise<void> {
  await context.run("go", ["install", `${recipe.package}@${recipe.version}`], { env: { GOBIN: path.join(context.dir, "bin") } });
}

function makeWritable(dir: string): void {
  execFileSync("chmod", ["-R", "u+w", dir]);
  chmodSync(dir, 0o755);
}
