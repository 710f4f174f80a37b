/**
 * What the engine builds, as data: each recipe is hashed into its cache folder name, so changing a version
 * (or the steps' revision) builds afresh beside the old one instead of reusing a stale binary.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

function installedVersion(npmPackage: string): string {
  const file = path.join(repoRoot, "node_modules", ...npmPackage.split("/"), "package.json");
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    throw new Error(`cannot read the version of ${npmPackage} from ${file}: run npm ci first`);
  }
}

/** Bump when the build steps in build-steps.ts change in a way that changes the binaries. */
const STEPS_REVISION = 1;

export interface PulumiRecipe {
  readonly name: "pulumi";
  readonly stepsRevision: number;
  readonly version: string;
  /** pkg/v3 replaces atotto/clipboard with this fork; `go install` refuses replace directives, a wrapper module does not. */
  readonly clipboardFork: string;
}

export interface KubernetesRecipe {
  readonly name: "kubernetes";
  readonly stepsRevision: number;
  readonly version: string;
  /** The staging modules (k8s.io/api, k8s.io/client-go, ...) are published as v0.<minor>.<patch>. */
  readonly stagingVersion: string;
  readonly commands: readonly string[];
}

export interface ProviderRecipe {
  readonly name: "pulumi-resource-kubernetes";
  readonly stepsRevision: number;
  /** The version the binary reports, the one @pulumi/kubernetes asks the engine for. */
  readonly version: string;
  readonly module: string;
  /** The module version fetched from the proxy: see kubernetesProviderRecipe for why it is not the tag. */
  readonly moduleVersion: string;
}

/** actionlint, the linter the CI workflows in .github/workflows are checked with (tools/ci). */
export interface ActionlintRecipe {
  readonly name: "actionlint";
  readonly stepsRevision: number;
  readonly version: string;
  readonly package: string;
}

export type Recipe = PulumiRecipe | KubernetesRecipe | ProviderRecipe | ActionlintRecipe;

export function pulumiRecipe(): PulumiRecipe {
  return {
    name: "pulumi",
    stepsRevision: STEPS_REVISION,
    version: installedVersion("@pulumi/pulumi"),
    clipboardFork: "github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e",
  };
}

export function kubernetesRecipe(): KubernetesRecipe {
  return {
    name: "kubernetes",
    stepsRevision: STEPS_REVISION,
    version: "v1.36.3",
    stagingVersion: "v0.36.3",
    commands: ["kube-apiserver", "kube-controller-manager", "kubectl"],
  };
}

export function kubernetesProviderRecipe(): ProviderRecipe {
  const version = installedVersion("@pulumi/kubernetes");
  return {
    name: "pulumi-resource-kubernetes",
    stepsRevision: STEPS_REVISION,
    version,
    module: "github.com/pulumi/pulumi-kubernetes/provider/v4",
    // The module proxy here answers 403 for provider/v4@v4.34.2 and for every other revision we tried; this
    // pseudo-version is the one it serves. Its commit f47bc2d6f199 (2026-01-14) is v4.25.0 plus a few commits
    // (`git describe` in github.com/pulumi/pulumi-kubernetes), so it lacks the API groups added since (for
    // example resource.k8s.io/v1); the core, apps, batch, networking, policy, autoscaling and apiextensions
    // kinds the program uses are all there. It is stamped as `version` so that the engine matches it to the
    // plugin version the @pulumi/kubernetes SDK asks for.
    moduleVersion: version === "4.34.2" ? "v4.0.0-20260115033456-f47bc2d6f199" : `v${version}`,
  };
}

export function actionlintRecipe(): ActionlintRecipe {
  return { name: "actionlint", stepsRevision: STEPS_REVISION, version: "v1.7.12", package: "github.com/rhysd/actionlint/cmd/actionlint" };
}

export function cacheRoot(): string {
  return process.env["ARMATURE_CACHE_DIR"] ?? path.join(homedir(), ".cache", "armature");
}

/** `<cache>/engine/<name>-<first 12 hex of sha256(recipe JSON)>`: the folder a recipe builds into. */
export function recipeDir(recipe: Recipe): string {
  const hash = createHash("sha256").update(JSON.stringify(recipe)).digest("hex").slice(0, 12);
  return path.join(cacheRoot(), "engine", `${recipe.name}-${hash}`);
}
